import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchor, headingAnchors, markdownLinks } from './markdownLinks.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** README.md, docs/*.md and every package's README: what a reader of a clone follows. */
function documents(): string[] {
  const files = ['README.md', 'BENCHMARKS.md', 'infra/README.md'];
  for (const f of readdirSync(path.join(repoRoot, 'docs'))) {
    if (f.endsWith('.md')) files.push(`docs/${f}`);
  }
  for (const dir of ['packages', 'apps']) {
    for (const pkg of readdirSync(path.join(repoRoot, dir))) {
      const readme = `${dir}/${pkg}/README.md`;
      if (existsSync(path.join(repoRoot, readme))) files.push(readme);
    }
  }
  return files;
}

/** Why `target`, linked from `file`, does not resolve inside the repository; null when it does. */
function brokenReason(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) {
    return 'links outside the repository';
  }
  const [rawPath = '', anchor] = target.split('#', 2);
  const resolved =
    rawPath === ''
      ? path.join(repoRoot, file)
      : path.resolve(repoRoot, path.dirname(file), decodeURI(rawPath));
  const inside = path.relative(repoRoot, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return 'resolves outside the repository';
  if (!existsSync(resolved)) return 'no such file';
  if (
    anchor !== undefined &&
    anchor !== '' &&
    resolved.endsWith('.md') &&
    statSync(resolved).isFile()
  ) {
    if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) return `no heading #${anchor}`;
  }
  return null;
}

describe('markdownLinks', () => {
  it('finds links and images outside code, with their lines', () => {
    const md = [
      'See [a](docs/a.md) and ![img](x.png "t").',
      '`[not](a link)` but [b](../b.md#part)',
      '```',
      '[in](code.md)',
      '```',
    ].join('\n');
    expect(markdownLinks(md)).toEqual([
      { line: 1, target: 'docs/a.md' },
      { line: 1, target: 'x.png' },
      { line: 2, target: '../b.md#part' },
    ]);
  });

  it('makes GitHub anchors from headings', () => {
    expect(headingAnchor("6. Several assets: the penalty q' Phi q")).toBe(
      '6-several-assets-the-penalty-q-phi-q',
    );
    expect(headingAnchor('`mm run --config FILE`, `mm kill`')).toBe('mm-run---config-file-mm-kill');
    expect([...headingAnchors('# A\n## A\n```\n# no\n```\n')]).toEqual(['a', 'a-1']);
  });
});

describe('links of README.md, docs/*.md and the package READMEs', () => {
  const files = documents();

  it('covers the README and the docs', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/math.md', 'docs/contracts.md']),
    );
  });

  it.each(files)('%s: every link resolves to a file inside the repository', (file) => {
    const links = markdownLinks(readFileSync(path.join(repoRoot, file), 'utf8'));
    const broken = links
      .map((l) => ({ ...l, reason: brokenReason(file, l.target) }))
      .filter((l) => l.reason !== null)
      .map((l) => `${file}:${l.line} ${l.target}: ${l.reason}`);
    expect(broken).toEqual([]);
  });

  it('reports a link that leaves the repository', () => {
    expect(brokenReason('README.md', '../shared/DESIGN.md')).toBe(
      'resolves outside the repository',
    );
    expect(brokenReason('README.md', 'https://example.com')).toBe('links outside the repository');
    expect(brokenReason('README.md', 'docs/nope.md')).toBe('no such file');
    expect(brokenReason('README.md', 'docs/math.md#no-such-heading')).toBe(
      'no heading #no-such-heading',
    );
    expect(brokenReason('README.md', 'docs/math.md')).toBeNull();
  });
});
