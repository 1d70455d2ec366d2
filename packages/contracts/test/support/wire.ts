import { createHmac } from 'node:crypto';

/** A key for tests (32 ASCII bytes). */
export const TEST_KEY_TEXT = 'test-bus-key-0123456789abcdef-xyz';

/**
 * The v2 wire form of any JSON value, written independently of the codec from the documented
 * format: `{"v":2,"body":"<JSON>","sig":hex HMAC-SHA256(key, "mm-bus/v2\n" + body)}`.
 */
export function wire(message: unknown, keyText: string | null = null, v: unknown = 2): string {
  const body = JSON.stringify(message);
  const sig =
    keyText === null
      ? undefined
      : createHmac('sha256', Buffer.from(keyText, 'utf8'))
          .update(`mm-bus/v2\n${body}`, 'utf8')
          .digest('hex');
  return JSON.stringify({ v, body, ...(sig === undefined ? {} : { sig }) });
}
