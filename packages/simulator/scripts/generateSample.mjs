// Regenerates data/sample-l2.jsonl from SAMPLE_L2_CONFIG (build first: pnpm turbo run build).
// The replay tests check that the committed file is exactly what this writes.
import { fileURLToPath } from 'node:url';
import { generateSyntheticL2, SAMPLE_L2_CONFIG, writeL2File } from '../dist/index.js';

const path = fileURLToPath(new URL('../data/sample-l2.jsonl', import.meta.url));
const lines = await writeL2File(path, generateSyntheticL2(SAMPLE_L2_CONFIG));
process.stdout.write(`wrote ${lines} lines to ${path}\n`);
