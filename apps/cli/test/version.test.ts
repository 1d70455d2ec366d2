import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, root, useBuiltCli } from './support/builtCli.js';

useBuiltCli();

describe('mm --version', { timeout: 60_000 }, () => {
  const { version } = JSON.parse(
    readFileSync(path.join(root, 'apps/cli/package.json'), 'utf8'),
  ) as { version: string };

  it.each(['--version', '-V'])(
    '%s prints the package version and the Node version, exit 0',
    (flag) => {
      const r = spawnSync('node', [main, flag], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`mm ${version} (node ${process.versions.node})\n`);
    },
  );

  it('is listed in --help', () => {
    const r = spawnSync('node', [main, '--help'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/-V, --version\s+print the version and exit/);
  });
});
