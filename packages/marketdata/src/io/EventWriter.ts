import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatL2Event, type L2Event } from '@mm/simulator';
import { MMB_HEADER_BYTES, MMB_MAGIC, MMB_VERSION } from '../mmb/format.js';
import { MmbEncoder } from '../mmb/MmbEncoder.js';
import { DataFormatError } from './DataFormatError.js';

/** Writes events to a file that appears only when `commit` succeeds (temp file + rename). */
export interface EventWriter {
  write(event: L2Event): void;
  /** Flush, close and move the temp file to the output path. */
  commit(): void;
  /** Close and delete the temp file (the output path is left as it was). */
  abort(): void;
  readonly events: number;
  readonly bytes: number;
}

/** `.mmb` output for a path ending in `.mmb`, JSON lines otherwise. */
export function isMmbPath(path: string): boolean {
  return path.toLowerCase().endsWith('.mmb');
}

const FLUSH_BYTES = 1 << 20;

/**
 * A writer for `path`: binary `.mmb` when the path ends in `.mmb`, else the L2 JSON-lines format.
 * Writes go to `.<name>.<pid>.tmp` beside it, renamed over `path` on `commit`.
 */
export function createEventWriter(path: string): EventWriter {
  const binary = isMmbPath(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw new DataFormatError(path, 0, `cannot write (${(err as Error).message})`);
  }
  let open = true;
  let chunk = Buffer.alloc(FLUSH_BYTES * 2);
  let used = 0;
  let events = 0;
  let bytes = 0;
  const encoder = binary ? new MmbEncoder() : null;
  const flush = (): void => {
    let off = 0;
    while (off < used) off += writeSync(fd, chunk, off, used - off);
    bytes += used;
    used = 0;
  };
  const put = (data: Uint8Array): void => {
    if (used + data.length > chunk.length) {
      flush();
      if (data.length > chunk.length) chunk = Buffer.alloc(data.length * 2);
    }
    chunk.set(data, used);
    used += data.length;
    if (used >= FLUSH_BYTES) flush();
  };
  if (binary) {
    const header = Buffer.alloc(MMB_HEADER_BYTES);
    header.write(MMB_MAGIC, 0, 'latin1');
    header[4] = MMB_VERSION;
    put(header);
  }
  const close = (): void => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    write(event) {
      if (!open) throw new Error('event writer is closed');
      put(encoder ? encoder.encode(event) : Buffer.from(`${formatL2Event(event)}\n`, 'utf8'));
      events++;
    },
    commit() {
      try {
        flush();
      } finally {
        close();
      }
      renameSync(tmp, path);
    },
    abort() {
      try {
        close();
      } finally {
        rmSync(tmp, { force: true });
      }
    },
    get events() {
      return events;
    },
    get bytes() {
      return bytes + used;
    },
  };
}
