import { readFileSync, writeFileSync } from 'node:fs';

export const BEGIN_MARKER = '<!-- bench:begin -->';
export const END_MARKER = '<!-- bench:end -->';

/**
 * Replace the text between the bench markers of a markdown file with `block`; throws an Error
 * naming the file when a marker is missing (the file is left untouched).
 */
export function updateMarkdownBlock(path: string, block: string): void {
  const { text, begin, end } = locateBlock(path);
  const head = text.slice(0, begin + BEGIN_MARKER.length);
  writeFileSync(path, `${head}\n${block}\n${text.slice(end)}`);
}

/** Read the file and find its markers; throws an Error naming the file when one is missing. */
export function locateBlock(path: string): { text: string; begin: number; end: number } {
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(BEGIN_MARKER);
  const end = text.indexOf(END_MARKER);
  if (begin < 0 || end < begin)
    throw new Error(`${path}: needs ${BEGIN_MARKER} followed by ${END_MARKER}`);
  return { text, begin, end };
}
