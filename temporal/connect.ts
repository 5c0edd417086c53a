// A client connection to the Temporal frontend; failing to connect is one line naming the address
// and its source, not the SDK's "Failed to connect before the deadline" with a stack.
import { Connection } from '@temporalio/client';
import { unreachable } from './server-error';

export async function connectTo(address: string, addressFrom: string): Promise<Connection> {
  try {
    return await Connection.connect({ address, connectTimeout: '5s' });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw unreachable(address, addressFrom, `The connection failed: ${reason}.`);
  }
}
