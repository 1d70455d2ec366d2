import { connect, type Socket } from 'node:net';

/** A Redis reply: simple/bulk strings, integers, arrays, `null`; an error reply rejects. */
export type Reply = string | number | null | Reply[];

/**
 * A minimal Redis client speaking RESP2 over one TCP connection, for test set-up and clean-up
 * only (XADD, SCAN, DEL). infra lists no Redis client among its dependencies.
 * TODO(lead): with `ioredis` (or `@mm/contracts`) as a devDependency of infra, use it instead.
 */
export class RespClient {
  private buffer = Buffer.alloc(0);
  private readonly pending: Array<{ resolve(r: Reply): void; reject(e: Error): void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parseReply(this.buffer, 0);
        if (parsed === undefined) break;
        this.buffer = this.buffer.subarray(parsed.next);
        const waiter = this.pending.shift();
        if (parsed.value instanceof Error) waiter?.reject(parsed.value);
        else waiter?.resolve(parsed.value);
      }
    });
    socket.on('error', (e) => {
      for (const w of this.pending.splice(0)) w.reject(e);
    });
  }

  /** Connect to `redis://host:port`; rejects after `timeoutMs` or on a refused connection. */
  static connect(url: string, timeoutMs = 2000): Promise<RespClient> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port || 6379) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no Redis answered at ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RespClient(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`no Redis at ${url}: ${e.message}`));
      });
    });
  }

  command(...args: Array<string | number>): Promise<Reply> {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(String(a))}\r\n${String(a)}\r\n`;
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(out);
    });
  }

  /** Delete every key matching `pattern` (SCAN + DEL); returns how many were deleted. */
  async deleteMatching(pattern: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const reply = await this.command('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1]))
        throw new Error(`unexpected SCAN reply: ${JSON.stringify(reply)}`);
      cursor = reply[0];
      const keys = reply[1].map(String);
      if (keys.length > 0) deleted += Number(await this.command('DEL', ...keys));
    } while (cursor !== '0');
    return deleted;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

const CRLF = '\r\n';

/** One reply at `offset`, or `undefined` when the buffer does not hold all of it yet. */
function parseReply(
  buf: Buffer,
  offset: number,
): { value: Reply | Error; next: number } | undefined {
  const end = buf.indexOf(CRLF, offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new Error(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: Reply[] = [];
      let error: Error | undefined;
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === undefined) return undefined;
        if (item.value instanceof Error) error ??= item.value;
        else items.push(item.value);
        at = item.next;
      }
      return { value: error ?? items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}
