// A Temporal frontend address is host:port. Checked when the config loads, so that a typo fails
// at once with the key that holds it rather than as a gRPC error many seconds later.

const hostname = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ipv6 = /^\[[0-9A-Fa-f:.]+\]$/;

/** Why `address` is not host:port, or null when it is. */
export function addressProblem(address: string): string | null {
  const match = /^(.*):(\d+)$/.exec(address);
  const expected = 'expected host:port, e.g. 127.0.0.1:7233 or temporal.example.com:7233';
  if (!match) return `"${address}" is not host:port (${expected})`;
  const [, host, port] = match;
  if (!hostname.test(host) && !ipv6.test(host)) return `"${host}" in "${address}" is not a host name or IP address (${expected})`;
  const n = Number(port);
  if (n < 1 || n > 65535) return `port ${port} in "${address}" is outside 1–65535`;
  return null;
}
