// Typed rows <-> Arrow tables for an artifact schema, checking every value on the way in and the
// schema, nulls and enumerations on the way out, so that a bad row never reaches a file and a bad
// file never reaches the pipeline.
import { RecordBatch, Struct, Table, makeData } from 'apache-arrow';
import type { Data, Vector } from 'apache-arrow';
import { DataError } from '../data-error';
import { columnData, columnValues } from './columns';
import { arrowSchema, arrowType } from './schema';
import type { ArtifactSchema, ColumnSpec, ColumnType } from './schema';

const isInt32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= -0x80000000 && (v as number) <= 0x7fffffff;

const valueChecks: Record<ColumnType, (v: unknown) => boolean> = {
  utf8: (v) => typeof v === 'string',
  int32: isInt32,
  float64: (v) => typeof v === 'number' && Number.isFinite(v),
  bool: (v) => typeof v === 'boolean',
  'utf8[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'int32[]': (v) => Array.isArray(v) && v.every(isInt32),
  'float32[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)),
};

function checkValue<Row>(spec: ColumnSpec<Row>, value: unknown, file: string, row: number): void {
  if (value === null || value === undefined) {
    if (!spec.nullable) throw new DataError({ file, row, field: spec.column }, 'null in a non-nullable column');
    return;
  }
  if (!valueChecks[spec.type](value)) {
    throw new DataError({ file, row, field: spec.column }, `expected ${spec.type}, got ${JSON.stringify(value)}`);
  }
  if (spec.values && !spec.values.includes(value as string)) {
    throw new DataError({ file, row, field: spec.column }, `"${String(value)}" is not one of ${spec.values.join(', ')}`);
  }
}

/** An Arrow table of `rows`; `target` names the destination in errors. */
export function rowsToTable<Row>(schema: ArtifactSchema<Row>, rows: readonly Row[], target = schema.kind): Table {
  const children: Data[] = [];
  for (const spec of schema.columns) {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i][spec.field];
      checkValue(spec, value, target, i);
      values[i] = value;
    }
    children.push(columnData(spec.type, values));
  }
  // Built as one record batch so the file keeps the declared nullability of every column.
  const arrow = arrowSchema(schema);
  const data = makeData({ type: new Struct(arrow.fields), length: rows.length, nullCount: 0, children });
  return new Table(arrow, [new RecordBatch(arrow, data)]);
}

/** Checks that `table` has exactly the schema's columns with the schema's types. */
export function validateTableSchema<Row>(schema: ArtifactSchema<Row>, table: Table, file: string): void {
  const expected = new Set(schema.columns.map((c) => c.column));
  for (const field of table.schema.fields) {
    if (!expected.has(field.name)) {
      throw new DataError({ file, field: field.name }, `unexpected column in a ${schema.kind} file`);
    }
  }
  for (const spec of schema.columns) {
    const field = table.schema.fields.find((f) => f.name === spec.column);
    if (!field) throw new DataError({ file, field: spec.column }, `missing column of a ${schema.kind} file`);
    const want = arrowType(spec.type);
    if (String(field.type) !== String(want)) {
      throw new DataError({ file, field: spec.column }, `type ${String(field.type)}, expected ${String(want)}`);
    }
  }
}

/**
 * The typed rows of `table` after validating its schema; the Arrow types then guarantee the value
 * types, so only nulls, enumerations and non-finite floats are checked value by value.
 */
export function tableToRows<Row>(schema: ArtifactSchema<Row>, table: Table, file: string): Row[] {
  validateTableSchema(schema, table, file);
  const rows = Array.from({ length: table.numRows }, () => ({}) as Record<string, unknown>);
  for (const spec of schema.columns) {
    const vector = table.getChild(spec.column) as Vector;
    const values = columnValues(vector.data, spec.type);
    const mustCheck = (!spec.nullable && vector.nullCount > 0) || spec.values !== undefined || spec.type === 'float64';
    for (let i = 0; i < values.length; i++) {
      if (mustCheck) checkValue(spec, values[i], file, i);
      rows[i][spec.field] = values[i];
    }
  }
  return rows as Row[];
}
