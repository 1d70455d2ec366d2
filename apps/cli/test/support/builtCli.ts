import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll } from 'vitest';

/** The repository root and the built `mm` entry point the CLI tests spawn. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const main = resolve(root, 'apps/cli/dist/main.js');

/** Build the workspace once if `mm` is not built yet (the root `pnpm test` builds first anyway). */
export function useBuiltCli(): void {
  beforeAll(() => {
    if (!existsSync(main))
      execSync('pnpm -s turbo run build --output-logs=errors-only', { cwd: root });
  }, 120_000);
}
