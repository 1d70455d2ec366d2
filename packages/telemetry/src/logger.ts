import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** The `name` field of each app's log lines. */
export const APP_NAMES = ['mm-engine', 'mm-optimizer', 'mm-cli'] as const;
export type AppName = (typeof APP_NAMES)[number];

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
  /** The app writing: each line's `name`. */
  name: AppName;
  /** pino level (default `info`; `LOG_LEVEL` in the environment overrides it in the CLI). */
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** An app's JSON logger: one line per event, named after the app, credentials redacted by path. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination,
  );
}
