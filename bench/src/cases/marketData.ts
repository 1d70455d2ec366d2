import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import type { BenchCase } from '../harness.js';

const GROUP = 'market data';

/**
 * A child process that writes a generated ~1e6-event L2 stream as `.mmb`, then replays it from
 * disk `runs` times (streamed, `readEvents` + the replay engine with the queue model) and prints
 * one JSON line per run: events, wall and CPU seconds, bytes and peak RSS growth. The samples
 * are CPU time (user + system) per event: "on one core" even when the machine is shared; the
 * wall-clock rates are in the note.
 */
const MMB_SCRIPT = `
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticL2, replayL2, SAMPLE_L2_CONFIG } from '@mm/simulator';
import { createEventWriter, readEvents } from '@mm/marketdata';
const events = Number(process.argv[1] ?? 1e6);
const runs = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'mm-bench-mmb-'));
const file = join(dir, 'large.mmb');
try {
  const w = createEventWriter(file);
  // SAMPLE_L2_CONFIG: 4 book events (5 levels a side) + 3 trades per second
  for (const e of generateSyntheticL2({ ...SAMPLE_L2_CONFIG, durationSec: Math.ceil(events / 7) })) w.write(e);
  w.commit();
  const bytes = statSync(file).size;
  const policy = { decide: () => ({ bidDeltaPrice: 0.02, askDeltaPrice: 0.02, bidDeltaBps: 2, askDeltaBps: 2, take: null, takerBuyRatePerSec: 0, takerSellRatePerSec: 0 }) };
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 5);
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const r = replayL2(readEvents(file), { policy, seed: 1, recordEverySec: 0, recordFills: false });
    const c1 = process.cpuUsage(c0);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuSec = (c1.user + c1.system) / 1e6;
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.stdout.write(JSON.stringify({ events: r.events, bytes, sec, cpuSec, rssGrowth: peakRss - rss0 }) + '\\n');
  }
} finally { rmSync(dir, { recursive: true, force: true }); }
`;

const MB = 1024 * 1024;

interface Run {
  events: number;
  bytes: number;
  sec: number;
  cpuSec: number;
  rssGrowth: number;
}

export const marketDataCases: BenchCase[] = [
  {
    group: GROUP,
    name: 'replay from a .mmb file on disk (streamed, queue model), CPU time per event (child process)',
    target: { label: '>= 2M events/s (<= 500 ns median)', maxMedianNs: 500 },
    setup(options) {
      const runs = options.quick ? 1 : 5;
      const r = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', MMB_SCRIPT, '1000000', String(runs)],
        { encoding: 'utf8', cwd: dirname(new URL(import.meta.url).pathname), maxBuffer: 1 << 20 },
      );
      const results: Run[] = [];
      for (const line of r.stdout.trim().split('\n'))
        try {
          results.push(JSON.parse(line) as Run);
        } catch {
          // not a result line
        }
      const first = results[0];
      return {
        // one sample per run: its time per event
        samplesNs: results.map((x) => (x.cpuSec * 1e9) / x.events),
        note: first
          ? `${first.events} events, ${(first.bytes / MB).toFixed(1)} MB .mmb; ` +
            `CPU ${results.map((x) => `${(x.events / x.cpuSec / 1e6).toFixed(2)}M`).join(', ')} events/s; ` +
            `wall ${results.map((x) => `${(x.events / x.sec / 1e6).toFixed(2)}M`).join(', ')} events/s; ` +
            `peak RSS growth ${(Math.max(...results.map((x) => x.rssGrowth)) / MB).toFixed(1)} MB`
          : '',
        verify: () =>
          results.length === runs
            ? undefined
            : `child failed: ${r.stderr.trim().split('\n').at(-1) ?? r.status}`,
      };
    },
  },
];
