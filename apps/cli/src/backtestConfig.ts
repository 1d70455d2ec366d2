import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  type BacktestConfig,
  backtestConfigSchema,
  isPortfolioBacktestConfig,
  type PortfolioBacktestConfig,
  portfolioBacktestConfigSchema,
} from '@mm/backtest/run';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';

export {
  type BacktestConfig,
  backtestConfigSchema,
  MAX_PATHS,
  marketSpecOf,
  phiOf,
  policySpecsOf,
} from '@mm/backtest/run';

export type ParsedBacktestConfig =
  | { ok: true; kind: 'single'; config: BacktestConfig }
  | { ok: true; kind: 'portfolio'; config: PortfolioBacktestConfig }
  | { ok: false; message: string };

/** `a.b[2].c` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  return (JSON.stringify(v) ?? String(v)).replace(/\s+/g, ' ').slice(0, 60);
}

export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${formatPath([...issue.path, k])}"`).join(', ');
    return `${issue.keys.length > 1 ? 'fields' : 'field'} ${keys}: unknown`;
  }
  if (issue.path.length === 0) return `config: expected a JSON object, got ${describeValue(input)}`;
  const field = `field "${formatPath(issue.path)}"`;
  if (issue.code === 'custom') return `${field}: ${issue.message}`;
  const value = valueAt(input, issue.path);
  return value === undefined
    ? `${field}: missing (${issue.message})`
    : `${field}: ${issue.message}, got ${describeValue(value)}`;
}

/** Whether `file` is read as YAML (`.yaml`, `.yml`); anything else is JSON. */
export function isYamlFile(file: string): boolean {
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase());
}

/** The text as YAML or JSON (by the file's extension); a message naming the file (and line) if not. */
function parseText(
  text: string,
  file: string,
): { ok: true; input: unknown } | { ok: false; message: string } {
  if (isYamlFile(file)) {
    try {
      return { ok: true, input: parseYaml(text) };
    } catch (err) {
      if (err instanceof YAMLParseError) {
        const line = err.linePos?.[0]?.line;
        const reason = (err.message.split('\n')[0] ?? '').replace(
          / at line \d+, column \d+:?$/,
          '',
        );
        return {
          ok: false,
          message: `${file}${line === undefined ? '' : `:${line}`}: invalid YAML (${reason})`,
        };
      }
      throw err;
    }
  }
  try {
    return { ok: true, input: JSON.parse(text) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `${file}: invalid JSON (${reason.replace(/\s+/g, ' ')})` };
  }
}

/** Validate a config text, YAML or JSON by `file`'s extension; the message names the field. */
export function parseBacktestConfig(text: string, file: string): ParsedBacktestConfig {
  const parsed = parseText(text, file);
  if (!parsed.ok) return parsed;
  const input = parsed.input;
  if (isPortfolioBacktestConfig(input)) {
    const portfolio = portfolioBacktestConfigSchema.safeParse(input);
    if (portfolio.success) return { ok: true, kind: 'portfolio', config: portfolio.data };
    const issue = portfolio.error.issues[0];
    return { ok: false, message: issue ? describeIssue(issue, input) : 'invalid config' };
  }
  const result = backtestConfigSchema.safeParse(input);
  if (result.success) return { ok: true, kind: 'single', config: result.data };
  const issue = result.error.issues[0];
  return { ok: false, message: issue ? describeIssue(issue, input) : 'invalid config' };
}

/** Read and validate a config file; the message names the file when it cannot be read. */
export async function loadBacktestConfig(file: string): Promise<ParsedBacktestConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? String(err));
    return { ok: false, message: `${file}: cannot read config (${reason})` };
  }
  return parseBacktestConfig(text, file);
}
