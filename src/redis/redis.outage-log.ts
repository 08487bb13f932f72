import type { RedisClient } from './redis.client.js';
import type { Logger } from 'pino';

/** While Redis stays away, how often to say so again. */
export const STILL_AWAY_EVERY_MS = 60_000;

/**
 * What the log says about a Redis that is away. Every connection of the
 * process (commands, queue producers, workers) reconnects about once a
 * second and ioredis reports each failed attempt as an error: logged as they
 * come, an outage wrote several lines a second. This says it once, when the
 * first connection loses Redis, then at most once a minute while it stays
 * away, and once when it is back.
 */
export class RedisOutageLog {
  #awaySince: number | undefined;
  #lastSaid = 0;
  readonly #away = new Set<RedisClient>();

  constructor(
    private readonly log: Logger,
    private readonly where: string,
    private readonly options: { everyMs?: number; now?: () => number } = {},
  ) {}

  /** Reports this connection's errors and recoveries through this log. */
  watch(connection: RedisClient, role: string): RedisClient {
    connection.on('error', (err: Error) => this.failed(connection, role, err));
    connection.on('ready', () => this.recovered(connection));
    return connection;
  }

  private failed(connection: RedisClient, role: string, err: Error): void {
    const now = this.now();
    this.#away.add(connection);
    if (this.#awaySince === undefined) {
      this.#awaySince = now;
      this.#lastSaid = now;
      this.log.error({ component: 'redis', connection: role, err: err.message }, `Redis at ${this.where} is unreachable (${err.message}): retrying every second; requests that need it fail until it is back`);
      return;
    }
    if (now - this.#lastSaid < (this.options.everyMs ?? STILL_AWAY_EVERY_MS)) return;
    this.#lastSaid = now;
    this.log.error({ component: 'redis', err: err.message, awaySeconds: Math.round((now - this.#awaySince) / 1000) }, `Redis at ${this.where} is still unreachable after ${Math.round((now - this.#awaySince) / 1000)} s (${err.message})`);
  }

  private recovered(connection: RedisClient): void {
    if (!this.#away.delete(connection) || this.#away.size > 0 || this.#awaySince === undefined) return;
    const seconds = Math.round((this.now() - this.#awaySince) / 1000);
    this.#awaySince = undefined;
    this.log.info({ component: 'redis', awaySeconds: seconds }, `Redis at ${this.where} is back after ${seconds} s`);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** An error that only says Redis cannot be reached: RedisOutageLog has said so already. */
export function isConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE'].includes(code)) || /Connection is closed|connect ECONNREFUSED/.test(err.message);
}
