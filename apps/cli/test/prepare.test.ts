import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support/builtCli.js';

/** Workspace packages with a build script (what `pnpm install` builds through `prepare`). */
function builtPackages(): string[] {
  const dirs = ['bench', 'infra'];
  for (const group of ['apps', 'packages']) {
    for (const d of readdirSync(path.join(root, group))) dirs.push(`${group}/${d}`);
  }
  return dirs
    .map((d) => path.join(root, d, 'package.json'))
    .filter((f) => existsSync(f))
    .map(
      (f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; scripts?: { build?: string } },
    )
    .filter((p) => p.scripts?.build !== undefined)
    .map((p) => p.name);
}

describe('the root prepare script (run by pnpm install)', () => {
  it('says what it is doing before the build, then names every package it builds', () => {
    const r = spawnSync('pnpm', ['run', 'prepare'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const announce = r.stdout.indexOf('pnpm install: building every package with turbo');
    expect(announce).toBeGreaterThanOrEqual(0);
    const packages = builtPackages();
    expect(packages.length).toBeGreaterThan(5);
    for (const name of packages) {
      const at = r.stdout.indexOf(`${name}:build: `);
      expect(at, `${name} is named`).toBeGreaterThan(announce);
    }
  }, 300_000);
});
