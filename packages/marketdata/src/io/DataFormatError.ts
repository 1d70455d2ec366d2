/** Input that cannot be read: names the file and the 1-based line (0: the file as a whole). */
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
  readonly code = 'DATA_FORMAT';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}: line ${line}: ${detail}` : `${file}: ${detail}`);
  }
}
