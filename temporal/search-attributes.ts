// The custom search attributes of a run (its id and latest accuracy), registered on the server
// when it allows it. Without them runs still work; they are just not searchable by accuracy.
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';

export const searchAttributeTypes = { MaftRunId: 'Keyword', MaftAccuracy: 'Double' } as const;

/** Registers the attributes; false when the server cannot (then workflows do not set them). */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<boolean> {
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = { ...existing.customAttributes, ...existing.systemAttributes };
    if (Object.keys(searchAttributeTypes).every((name) => name in known)) return true;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: {
        MaftRunId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        MaftAccuracy: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
      },
    });
    return true;
  } catch (err) {
    return (err as { code?: number }).code === GrpcStatus.ALREADY_EXISTS;
  }
}
