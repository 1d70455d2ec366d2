import { describe, expect, it } from 'vitest';
import { displayUrl } from '../src/index.js';

describe('displayUrl', () => {
  it.each([
    ['redis://mm-engine:s3cret@redis:6379/0', 'redis://mm-engine:***@redis:6379/0'],
    ['rediss://:s3cret@host:6380', 'rediss://:***@host:6380'],
    ['redis://s3cret@host', 'redis://***@host'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s -> %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
    expect(displayUrl(url)).not.toContain('s3cret');
  });

  it('does not echo text that is not a URL', () => {
    expect(displayUrl('s3cret-but-no-scheme')).toBe('<invalid URL>');
  });
});
