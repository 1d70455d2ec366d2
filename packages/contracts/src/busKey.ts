import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The environment variable holding the deployment's bus key. */
export const BUS_KEY_ENV = 'MM_BUS_KEY';
/** The config field naming a key file (engine and optimizer configs). */
export const BUS_KEY_FILE_FIELD = 'redis.busKeyFile';
/** Shortest key accepted, bytes (HMAC-SHA256 keys shorter than this are guessable). */
export const MIN_BUS_KEY_BYTES = 16;
/** Largest key file read, bytes (a key is a line of text; a larger file is a wrong path). */
const MAX_KEY_FILE_BYTES = 4096;
/** Domain separation: a v2 signature cannot be replayed as another protocol's MAC. */
const SIGNATURE_DOMAIN = 'mm-bus/v2\n';

/**
 * The HMAC-SHA256 key that signs params and control messages. The bytes never leave this object:
 * it prints as `BusKey(<origin>)` in logs, JSON and `util.inspect`.
 */
export class BusKey {
  readonly #bytes: Buffer;

  private constructor(
    bytes: Buffer,
    /** Where the key came from: `MM_BUS_KEY`, the key file's path, or `ephemeral`. */
    readonly origin: string,
  ) {
    this.#bytes = bytes;
  }

  /** A random key known to this process only (engine and in-process optimizer of `mm start`). */
  static ephemeral(): BusKey {
    return new BusKey(randomBytes(32), 'ephemeral');
  }

  /** A key from text (the environment variable or a key file); `origin` names where it came from. */
  static fromText(text: string, origin: string): BusKey {
    const bytes = Buffer.from(text.trim(), 'utf8');
    if (bytes.length < MIN_BUS_KEY_BYTES) {
      throw new BusKeyError(
        `${origin}: the bus key must be at least ${MIN_BUS_KEY_BYTES} bytes, got ${bytes.length} (e.g. \`openssl rand -hex 32\`)`,
      );
    }
    return new BusKey(bytes, origin);
  }

  /** HMAC-SHA256 of `body` (UTF-8 bytes), hex. */
  sign(body: string): string {
    return createHmac('sha256', this.#bytes)
      .update(SIGNATURE_DOMAIN)
      .update(body, 'utf8')
      .digest('hex');
  }

  /** Whether `signature` is this key's signature of `body` (constant time). */
  verify(body: string, signature: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(signature)) return false;
    return timingSafeEqual(Buffer.from(this.sign(body), 'hex'), Buffer.from(signature, 'hex'));
  }

  toString(): string {
    return `BusKey(${this.origin})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A bus key that cannot be used; the message names the variable or field, never the value. */
export class BusKeyError extends Error {
  override readonly name = 'BusKeyError';
}

/**
 * The deployment's bus key: `MM_BUS_KEY` from `env` when set, else the file at `file` (named
 * `fileField` in messages, e.g. `redis.busKeyFile`), else null. Setting both is an error (which
 * one wins would be a guess). A key file must be a non-empty regular file of at most 4 KiB.
 */
export async function loadBusKey(options: {
  env?: NodeJS.ProcessEnv;
  file?: string | undefined;
  fileField?: string;
}): Promise<BusKey | null> {
  const fromEnv = (options.env ?? process.env)[BUS_KEY_ENV];
  const field = options.fileField ?? BUS_KEY_FILE_FIELD;
  if (fromEnv !== undefined && fromEnv !== '' && options.file !== undefined) {
    throw new BusKeyError(`${BUS_KEY_ENV} and ${field} are both set: give the bus key once`);
  }
  if (fromEnv !== undefined && fromEnv !== '') return BusKey.fromText(fromEnv, BUS_KEY_ENV);
  if (options.file === undefined) return null;
  return BusKey.fromText(await readKeyFile(options.file, field), `${field} (${options.file})`);
}

async function readKeyFile(path: string, field: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new BusKeyError(`${field}: cannot read the bus key file ${path} (${code})`);
  }
  try {
    const stat = await handle.stat();
    // /proc and device files report size 0 (and may block): only a plain, non-empty file.
    if (!stat.isFile() || stat.size === 0 || stat.size > MAX_KEY_FILE_BYTES) {
      throw new BusKeyError(
        `${field}: ${path} must be a regular, non-empty file of at most ${MAX_KEY_FILE_BYTES} bytes`,
      );
    }
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
