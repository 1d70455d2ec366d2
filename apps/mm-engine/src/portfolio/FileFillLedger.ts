import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VenueFill } from '../venues/Venue.js';
import {
  decodeFillRecord,
  encodeFillRecord,
  type FillLedger,
  fillKey,
  LedgerError,
  LedgerIndex,
  type SkippedRecord,
  type SkippedRecordHandler,
  validateFill,
} from './FillLedger.js';

export interface FileFillLedgerOptions {
  /** Directory of the ledger file (created when missing). */
  dir: string;
  /** Ledger name (letters, digits, `.`, `_`, `-`): the file is `{dir}/fills-{name}.jsonl`. */
  name: string;
  /** Called for each record `load` skips. */
  onSkipped?: SkippedRecordHandler;
}

/** The path of the ledger file of `options`. */
export function fileLedgerPath(options: Pick<FileFillLedgerOptions, 'dir' | 'name'>): string {
  if (!/^[A-Za-z0-9._-]+$/.test(options.name)) {
    throw new LedgerError(
      'INVALID_OPTION',
      'name',
      `expected letters, digits, '.', '_' or '-', got ${JSON.stringify(options.name)}`,
    );
  }
  return join(options.dir, `fills-${options.name}.jsonl`);
}

interface Scan {
  fills: VenueFill[];
  skipped: SkippedRecord[];
  keys: Set<string>;
  /** Whether the file is non-empty and its last byte is not a newline. */
  unterminated: boolean;
}

/** Parses the file's bytes: valid records in order (each key once) and the skipped ones. */
function scanLedger(text: string): Scan {
  const fills: VenueFill[] = [];
  const skipped: SkippedRecord[] = [];
  const keys = new Set<string>();
  const lines = text.split('\n');
  const unterminated = text.length > 0 && !text.endsWith('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const at = `line ${i + 1}`;
    const decoded = decodeFillRecord(line);
    if (!decoded.ok) {
      const torn = unterminated && i === lines.length - 1;
      skipped.push(
        torn
          ? { code: 'TORN_RECORD', at, message: `unterminated last line: ${decoded.message}` }
          : { code: decoded.code, at, message: decoded.message },
      );
      return;
    }
    const key = fillKey(decoded.fill);
    if (keys.has(key)) {
      skipped.push({ code: 'DUPLICATE', at, message: `key ${key} already loaded` });
      return;
    }
    keys.add(key);
    fills.push(decoded.fill);
  });
  return { fills, skipped, keys, unterminated };
}

/**
 * The fill ledger of embedded mode: an append-only JSON-lines file `{dir}/fills-{name}.jsonl`, one
 * `{"v":1,...}` record per line. Each append is written and `fdatasync`ed before it resolves;
 * appends (and loads) run one at a time in call order. A torn last line (a crash mid-write) is
 * skipped on load, and the next record starts on a new line. One process per file.
 */
export class FileFillLedger implements FillLedger {
  private readonly index = new LedgerIndex();
  private lastSkipped: SkippedRecord[] = [];
  /** The tail of the operation queue: each append or load starts after the previous settles. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Whether the next write must begin with a newline (the file may not end with one). */
  private needsNewline: boolean;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly keys: Set<string>,
    unterminated: boolean,
    private readonly onSkipped: SkippedRecordHandler,
  ) {
    this.needsNewline = unterminated;
  }

  /**
   * Opens (creating when missing) the ledger file and indexes the keys it holds. Call `load` for
   * the fills themselves.
   */
  static async open(options: FileFillLedgerOptions): Promise<FileFillLedger> {
    const path = fileLedgerPath(options);
    await mkdir(options.dir, { recursive: true });
    const handle = await open(path, 'a+');
    try {
      const created = (await handle.stat()).size === 0;
      if (created) await syncDir(options.dir);
      const scan = scanLedger(await readFile(handle, 'utf8'));
      return new FileFillLedger(
        handle,
        path,
        scan.keys,
        scan.unterminated,
        options.onSkipped ?? (() => {}),
      );
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  get skipped(): readonly SkippedRecord[] {
    return this.lastSkipped;
  }

  append(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', '', 'ledger is closed'));
    let valid: VenueFill;
    try {
      valid = validateFill(fill);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.enqueue(() => this.write(valid));
  }

  load(): Promise<VenueFill[]> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', '', 'ledger is closed'));
    return this.enqueue(async () => {
      const scan = scanLedger(await readFile(this.path, 'utf8'));
      this.index.resetTimes();
      for (const fill of scan.fills) {
        this.keys.add(fillKey(fill));
        this.index.loaded(fill);
      }
      this.lastSkipped = scan.skipped;
      for (const record of scan.skipped) this.onSkipped(record);
      return scan.fills;
    });
  }

  lastFillTsMs(venue: string): number | null {
    return this.index.lastFillTsMs(venue);
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => {});
    await this.handle.close();
  }

  private async write(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    const key = fillKey(fill);
    if (this.keys.has(key)) return this.index.resolveExisting(fill);
    const line = `${this.needsNewline ? '\n' : ''}${encodeFillRecord(fill)}\n`;
    try {
      // one write: O_APPEND puts it at the end of the file, whatever is there
      this.needsNewline = true;
      await writeAll(this.handle, Buffer.from(line, 'utf8'));
      this.needsNewline = false;
      await this.handle.datasync();
    } catch (e) {
      this.index.failedAppend(fill);
      throw e;
    }
    this.keys.add(key);
    this.index.appended(fill);
    return 'appended';
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** Writes every byte of `data` at the end of the file (O_APPEND), looping on short writes. */
async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** fsyncs a directory so that a newly created file's entry is durable (best effort off Linux). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // some platforms cannot open or fsync a directory
  } finally {
    await handle?.close();
  }
}
