import { describe, expect, it } from 'vitest';
import { keysFor, streamNames } from '../src/index.js';

describe('keysFor', () => {
  it('names every key of a deployment under mm:{prefix}', () => {
    const k = keysFor('test:a');
    expect(k.streams).toEqual({
      fills: 'mm:test:a:fills',
      snapshots: 'mm:test:a:snapshots',
      params: 'mm:test:a:params',
      control: 'mm:test:a:control',
      inventory: 'mm:test:a:inventory',
    });
    expect(k.kill).toBe('mm:test:a:kill');
    expect(k.ledger).toEqual({ stream: 'mm:test:a:ledger', ids: 'mm:test:a:ledger:ids' });
    expect(k.bull).toBe('mm:test:a:bull');
    expect(k.published('solve', 'solve.1')).toBe('mm:test:a:published:solve:solve.1');
    expect(k.pattern).toBe('mm:test:a:*');
    expect(streamNames('test:a')).toEqual(k.streams);
  });

  it('refuses an empty prefix or one with whitespace, naming it', () => {
    expect(() => keysFor('')).toThrow('prefix: must be non-empty without whitespace, got ""');
    expect(() => keysFor('a b')).toThrow(TypeError);
  });
});
