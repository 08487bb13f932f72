import { pino, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import pretty from 'pino-pretty';
import { z } from 'zod';
import { ConfigError } from './config.js';
import { currentLogContext } from './log-context.js';

export type { Logger };

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  /** 'json': one JSON object a line. 'pretty': human-readable lines. Default 'json'; main.ts passes {@link logFormatFor}. */
  format?: LogFormat;
  /** Where lines go. Default: stdout. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * The process logger, the one way to make it. Every line carries the
 * `requestId` and `turnId` of the request or bot turn it is written in
 * (observability/log-context.ts) and callers add a `component` and the ids a
 * reader needs. Secrets and full phone numbers never go in: callers log ids
 * and maskPhone(), and as a safety net a field holding a bare E.164 number
 * is masked here too.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings: PinoOptions = {
    level,
    base: undefined,
    mixin: currentLogContext,
    formatters: { log: maskPhoneFields },
    redact: {
      paths: ['authorization', 'password', 'secret', 'token', '*.authorization', '*.password', '*.secret', '*.token'],
      censor: '[redacted]',
    },
  };
  if (options.format === 'pretty') {
    // In-process and synchronous rather than a transport thread: the last
    // lines before process.exit() ("stopped") are never lost, and a terminal
    // is no place where logging throughput matters.
    // One line an entry (a bot turn is two: the turn and its request), not one per field.
    return pino(
      settings,
      pretty({ sync: true, singleLine: true, colorize: !options.destination && process.stdout.isTTY === true, destination: options.destination ?? 1, translateTime: 'SYS:HH:MM:ss.l' }),
    );
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const logFormatSchema = z.enum(LOG_FORMATS).optional();

/**
 * LOG_FORMAT=pretty|json forces a format; unset, a terminal gets readable
 * lines and anything else (a pipe, a file, docker's log driver) gets JSON.
 * Throws ConfigError naming LOG_FORMAT for any other value.
 */
export function logFormatFor(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): LogFormat {
  const parsed = logFormatSchema.safeParse(env.LOG_FORMAT?.trim() || undefined);
  if (!parsed.success) throw new ConfigError(`Configuration error: LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}`);
  return parsed.data ?? (stdoutIsTty ? 'pretty' : 'json');
}

/** "+15551234567" → "+1555•••4567": enough for support, not a full number. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 6) return '•••';
  return `${digits.slice(0, 5)}•••${digits.slice(-4)}`;
}

/** A whole E.164 number: what Twilio sends as From and To. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** Masks top-level fields that hold a bare phone number (DESIGN rule 8), in case a caller forgot maskPhone(). */
function maskPhoneFields(object: Record<string, unknown>): Record<string, unknown> {
  let masked: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string' && E164.test(value)) {
      masked ??= { ...object };
      masked[key] = maskPhone(value);
    }
  }
  return masked ?? object;
}
