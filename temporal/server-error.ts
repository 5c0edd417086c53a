// The Temporal server of temporal.yaml cannot be reached: one line naming the address and where
// it came from (the file and key, --address or TEMPORAL_ADDRESS), never a transport stack.
export class TemporalServerError extends Error {
  override name = 'TemporalServerError';
}

export function unreachable(address: string, addressFrom: string, hint: string): TemporalServerError {
  return new TemporalServerError(`no Temporal server answers at ${address} (${addressFrom}). ${hint}`);
}
