import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Where a run was measured. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  /** UTC date of the run, YYYY-MM-DD. */
  date: string;
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    node: process.version,
    date: now.toISOString().slice(0, 10),
  };
}

/** `model name` from /proc/cpuinfo, falling back to what Node reports. */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    const model = line?.split(':')[1]?.trim();
    if (model) return model;
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model.trim() || 'unknown';
}
