import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines with a `component` field on each child.
 * Secrets and full phone numbers never go in: callers log ids and maskPhone().
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['*.authorization', '*.password', '*.secret', '*.token'], censor: '[redacted]' },
  });
}

/** "+15551234567" → "+1555•••4567": enough for support, not a full number. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 6) return '•••';
  return `${digits.slice(0, 5)}•••${digits.slice(-4)}`;
}
