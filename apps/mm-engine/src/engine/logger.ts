import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Field paths never written to logs (credentials, wherever they appear in a logged object). */
export const REDACTED_PATHS = [
  'apiKey',
  'secret',
  'password',
  'privateKey',
  'walletAddress',
  'token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.privateKey',
  '*.walletAddress',
  '*.token',
  'credentials',
  '*.credentials',
];

export interface LoggerOptions {
  /** pino level (default `info`; `LOG_LEVEL` in the environment overrides it in the CLI). */
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** The engine's JSON logger: one line per event, credentials redacted by path. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'mm-engine',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination,
  );
}
