import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/** One ```ts block of a README and the ```text block that follows it (its expected output). */
export interface ReadmeExample {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** Expected stdout, or undefined when the README shows none. */
  readonly expectedOutput: string | undefined;
}

const FENCE = /^```(\w*)\s*$/;

/**
 * Every ```ts block of `markdown`, each with the first ```text block after it and before the next
 * ```ts block as its expected output.
 */
export function extractExamples(markdown: string): ReadmeExample[] {
  const lines = markdown.split('\n');
  const blocks: { lang: string; line: number; body: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`line ${start + 1}: code fence never closed`);
    blocks.push({ lang: open[1] ?? '', line: start + 1, body: `${body.join('\n')}\n` });
  }
  const examples: ReadmeExample[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b];
    if (block?.lang !== 'ts') continue;
    const next = blocks[b + 1];
    examples.push({
      line: block.line,
      code: block.body,
      expectedOutput: next?.lang === 'text' ? next.body : undefined,
    });
  }
  return examples;
}

/** The compiler options every package builds with (tsconfig.base.json), for a check without emit. */
function baseOptions(repoRoot: string): ts.CompilerOptions {
  const file = path.join(repoRoot, 'tsconfig.base.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot);
  return { ...parsed.options, noEmit: true, declaration: false, declarationMap: false };
}

/** Type errors of one file, formatted `file:line:col message`; empty when it typechecks. */
function typeErrors(file: string, options: ts.CompilerOptions): string[] {
  const program = ts.createProgram([file], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.basename(d.file.fileName)}:${line + 1}:${character + 1} ${text}`;
  });
}

export interface ExampleRun {
  readonly typeErrors: string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Typechecks and runs one example as an ES module inside `packageDir` (so that it imports the
 * package by its own name, as a user would import it), then deletes the files it wrote.
 */
export async function runExample(
  repoRoot: string,
  packageDir: string,
  example: ReadmeExample,
  timeoutMs: number,
): Promise<ExampleRun> {
  const base = path.join(packageDir, `.readme-example-${example.line}-${process.pid}`);
  const source = `${base}.mts`;
  const compiled = `${base}.mjs`;
  try {
    await writeFile(source, example.code);
    const errors = typeErrors(source, baseOptions(repoRoot));
    if (errors.length > 0) return { typeErrors: errors, exitCode: -1, stdout: '', stderr: '' };
    const js = ts.transpileModule(example.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    await writeFile(compiled, js);
    return await new Promise<ExampleRun>((resolve) => {
      execFile(
        process.execPath,
        [compiled],
        { cwd: packageDir, timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ typeErrors: [], exitCode: code, stdout, stderr });
        },
      );
    });
  } finally {
    await rm(source, { force: true });
    await rm(compiled, { force: true });
  }
}

/** The README of a package directory, read as text. */
export function readReadme(packageDir: string): Promise<string> {
  return readFile(path.join(packageDir, 'README.md'), 'utf8');
}
