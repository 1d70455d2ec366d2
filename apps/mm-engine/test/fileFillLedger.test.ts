import type { FileHandle } from 'node:fs/promises';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileFillLedger, fileLedgerPath } from '../src/portfolio/FileFillLedger.js';
import { encodeFillRecord, LedgerError, type SkippedRecord } from '../src/portfolio/FillLedger.js';
import { makeFill, makeFills } from './support/redis.js';

const dirs: string[] = [];
const open: FileFillLedger[] = [];

afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-ledger-'));
  dirs.push(dir);
  return dir;
}

async function openLedger(dir: string, onSkipped?: (r: SkippedRecord) => void) {
  const ledger = await FileFillLedger.open({
    dir,
    name: 'test',
    ...(onSkipped ? { onSkipped } : {}),
  });
  open.push(ledger);
  return ledger;
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n');

describe('FileFillLedger', () => {
  it('appends durable JSON lines and loads them back after a restart', async () => {
    const dir = await tempDir();
    const fills = makeFills(5, 'a').concat(makeFills(2, 'b', 1_800_000_000_000));
    const first = await openLedger(dir);
    expect(first.path).toBe(join(dir, 'fills-test.jsonl'));
    expect(await first.load()).toEqual([]);
    expect(first.lastFillTsMs('a')).toBeNull();
    for (const f of fills) expect(await first.append(f)).toBe('appended');
    expect(first.lastFillTsMs('a')).toBe(fills[4]?.tsMs);
    await first.close();

    const text = await readFile(first.path, 'utf8');
    expect(text.split('\n')).toEqual([...fills.map(encodeFillRecord), '']);
    expect(JSON.parse(text.split('\n')[0] ?? '')).toMatchObject({ v: 1, fillId: 'f0' });

    const second = await openLedger(dir);
    expect(second.lastFillTsMs('a')).toBeNull(); // until load
    expect(await second.load()).toEqual(fills);
    expect(second.skipped).toEqual([]);
    expect(second.lastFillTsMs('a')).toBe(fills[4]?.tsMs);
    expect(second.lastFillTsMs('b')).toBe(1_800_000_000_001);
    expect(second.lastFillTsMs('c')).toBeNull();
  });

  it('a duplicate is not written, before or after a restart', async () => {
    const dir = await tempDir();
    const fill = makeFill();
    const first = await openLedger(dir);
    expect(await first.append(fill)).toBe('appended');
    expect(await first.append({ ...fill, price: 999 })).toBe('duplicate');
    // same fillId on another venue is another fill
    expect(await first.append({ ...fill, venue: 'other' })).toBe('appended');
    await first.close();
    const second = await openLedger(dir);
    expect(await second.append(fill)).toBe('duplicate'); // known from open, before load
    expect(await second.load()).toHaveLength(2);
    expect(await lines(second.path)).toHaveLength(3);
  });

  it('rejects an invalid fill naming the field, writing nothing', async () => {
    const dir = await tempDir();
    const ledger = await openLedger(dir);
    await expect(ledger.append(makeFill({ sizeBase: Number.NaN }))).rejects.toMatchObject({
      name: 'LedgerError',
      code: 'INVALID_FILL',
      field: 'sizeBase',
    });
    await expect(ledger.append(makeFill({ fillId: '' }))).rejects.toBeInstanceOf(LedgerError);
    expect(await readFile(ledger.path, 'utf8')).toBe('');
    expect(await ledger.append(makeFill())).toBe('appended');
  });

  it('tolerates a torn last line, reports it, and appends on a new line', async () => {
    const dir = await tempDir();
    const fills = makeFills(3);
    const first = await openLedger(dir);
    for (const f of fills.slice(0, 2)) await first.append(f);
    await first.close();
    // crash mid-write of the third record
    const torn = encodeFillRecord(fills[2] ?? makeFill()).slice(0, 40);
    await appendFile(first.path, torn);

    const skipped: SkippedRecord[] = [];
    const second = await openLedger(dir, (r) => skipped.push(r));
    expect(await second.load()).toEqual(fills.slice(0, 2));
    expect(skipped).toEqual([
      { code: 'TORN_RECORD', at: 'line 3', message: expect.stringMatching(/^unterminated/) },
    ]);
    expect(second.skipped).toEqual(skipped);
    // the venue re-sends the fill whose write was torn: it is not a duplicate
    expect(await second.append(fills[2] ?? makeFill())).toBe('appended');
    expect(await lines(second.path)).toEqual([
      encodeFillRecord(fills[0] ?? makeFill()),
      encodeFillRecord(fills[1] ?? makeFill()),
      torn,
      encodeFillRecord(fills[2] ?? makeFill()),
      '',
    ]);
    await second.close();

    const third = await openLedger(dir);
    expect(await third.load()).toEqual(fills);
    expect(third.skipped).toMatchObject([{ code: 'INVALID_JSON', at: 'line 3' }]);
  });

  it('accepts a complete last record missing only its newline', async () => {
    const dir = await tempDir();
    const [a, b] = makeFills(2);
    const path = fileLedgerPath({ dir, name: 'test' });
    await writeFile(path, encodeFillRecord(a ?? makeFill()));
    const ledger = await openLedger(dir);
    expect(await ledger.append(b ?? makeFill())).toBe('appended');
    expect(await ledger.load()).toEqual([a, b]);
    expect(ledger.skipped).toEqual([]);
  });

  it('skips and reports corrupt, foreign-version and duplicate records', async () => {
    const dir = await tempDir();
    const [a, b] = makeFills(2);
    const path = fileLedgerPath({ dir, name: 'test' });
    await writeFile(
      path,
      [
        encodeFillRecord(a ?? makeFill()),
        'garbage',
        JSON.stringify({ v: 2, ...b }),
        JSON.stringify({ v: 1, ...b, price: -1 }),
        '',
        encodeFillRecord(a ?? makeFill()),
        encodeFillRecord(b ?? makeFill()),
        '',
      ].join('\n'),
    );
    const ledger = await openLedger(dir);
    expect(await ledger.load()).toEqual([a, b]);
    expect(ledger.skipped.map((r) => [r.code, r.at])).toEqual([
      ['INVALID_JSON', 'line 2'],
      ['UNSUPPORTED_VERSION', 'line 3'],
      ['INVALID_FILL', 'line 4'],
      ['DUPLICATE', 'line 6'],
    ]);
    expect(ledger.skipped[2]?.message).toMatch(/^price: /);
  });

  it('serializes concurrent appends: each line whole, in call order, duplicates once', async () => {
    const dir = await tempDir();
    const ledger = await openLedger(dir);
    const fills = makeFills(200);
    const calls = fills.flatMap((f, i) => (i % 10 === 0 ? [f, f] : [f]));
    const outcomes = await Promise.all(calls.map((f) => ledger.append(f)));
    expect(outcomes.filter((o) => o === 'appended')).toHaveLength(200);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(20);
    expect(await lines(ledger.path)).toEqual([...fills.map(encodeFillRecord), '']);
    // a load queued behind appends sees them all
    const [, loaded] = await Promise.all([
      ledger.append(makeFill({ fillId: 'last' })),
      ledger.load(),
    ]);
    expect(loaded).toHaveLength(201);
  });

  it('fdatasyncs each append before resolving; a failed append, retried, counts once', async () => {
    const dir = await tempDir();
    const ledger = await openLedger(dir);
    const handle = (ledger as unknown as { handle: FileHandle }).handle;
    const datasync = handle.datasync.bind(handle);
    let syncs = 0;
    let fail = false;
    handle.datasync = async () => {
      syncs += 1;
      if (fail) throw new Error('EIO: simulated');
      return datasync();
    };
    const [a, b] = makeFills(2);
    await ledger.append(a ?? makeFill());
    expect(syncs).toBe(1);
    fail = true;
    await expect(ledger.append(b ?? makeFill())).rejects.toThrow(/EIO/);
    fail = false;
    // the record may be on disk already; the retry is reported as the append it is
    expect(await ledger.append(b ?? makeFill())).toBe('appended');
    expect(await ledger.append(b ?? makeFill())).toBe('duplicate');
    expect(syncs).toBe(3);
    expect(await ledger.load()).toEqual([a, b]);
    expect(ledger.skipped.map((r) => r.code)).toEqual(['DUPLICATE']);
  });

  it('validates its name and refuses appends once closed', async () => {
    const dir = await tempDir();
    await expect(FileFillLedger.open({ dir, name: '../x' })).rejects.toMatchObject({
      name: 'LedgerError',
      field: 'name',
    });
    const ledger = await FileFillLedger.open({ dir, name: 'n' });
    await ledger.close();
    await ledger.close();
    await expect(ledger.append(makeFill())).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(ledger.load()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('creates a missing directory', async () => {
    const dir = join(await tempDir(), 'nested', 'deeper');
    const ledger = await openLedger(dir);
    expect(await ledger.append(makeFill())).toBe('appended');
    expect(await ledger.load()).toEqual([makeFill()]);
  });
});
