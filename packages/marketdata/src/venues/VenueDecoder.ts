/**
 * Turns one venue's raw lines into L2 events (through an `EventOutput`), applying the venue's
 * sequencing rules. `line` throws `LineError` for a line it cannot read; `end` throws `LineError`
 * for what is missing at the end (e.g. no snapshot), reported against the last line.
 */
export interface VenueDecoder {
  line(text: string, input: number): void;
  end(): void;
}
