import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractExamples, readReadme, runExample } from './readmeExamples.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Packages whose README must carry a runnable example (issue 13, "Docs in the repo"). */
const PACKAGES = [
  'packages/hjb-core',
  'packages/regime',
  'packages/backtest',
  'packages/contracts',
  'apps/mm-engine',
  'apps/optimizer',
];

/** Generous: a spawn typechecks and runs on a machine shared by several test runs. */
const EXAMPLE_TIMEOUT_MS = 90_000;

describe('extractExamples', () => {
  it('pairs each ts block with the text block after it', () => {
    const md = [
      '# x',
      '```ts',
      'console.log(1);',
      '```',
      'Output:',
      '```text',
      '1',
      '```',
      '```sh',
      'pnpm x',
      '```',
      '```ts',
      'const a = 2;',
      '```',
      '```ts',
      'console.log(3);',
      '```',
    ].join('\n');
    expect(extractExamples(md)).toEqual([
      { line: 2, code: 'console.log(1);\n', expectedOutput: '1\n' },
      { line: 12, code: 'const a = 2;\n', expectedOutput: undefined },
      { line: 15, code: 'console.log(3);\n', expectedOutput: undefined },
    ]);
  });

  it('names the line of a fence that never closes', () => {
    expect(() => extractExamples('a\n```ts\nconsole.log(1);\n')).toThrow('line 2');
  });
});

describe.each(PACKAGES)('%s/README.md', (pkg) => {
  const packageDir = path.join(repoRoot, pkg);

  it(
    'has examples that typecheck, run and print what the README shows',
    async () => {
      const examples = extractExamples(await readReadme(packageDir));
      expect(examples.length, 'runnable ts examples').toBeGreaterThan(0);
      expect(
        examples.some((e) => e.expectedOutput !== undefined),
        'at least one example shows its output',
      ).toBe(true);
      for (const example of examples) {
        const run = await runExample(repoRoot, packageDir, example, EXAMPLE_TIMEOUT_MS);
        const where = `${pkg}/README.md:${example.line}`;
        expect(run.typeErrors, `${where} type errors`).toEqual([]);
        expect(run.exitCode, `${where} exit code; stderr:\n${run.stderr}`).toBe(0);
        if (example.expectedOutput !== undefined) {
          expect(run.stdout, `${where} output`).toBe(example.expectedOutput);
        }
      }
    },
    EXAMPLE_TIMEOUT_MS * 3,
  );
});
