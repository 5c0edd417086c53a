// A configuration mistake the user must fix: names the file, the key and (when known) the line.
// Raised before any workflow starts; never retried.

export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly file: string,
    readonly key: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${key === '' ? '' : `${key}: `}${problem}`);
  }
}
