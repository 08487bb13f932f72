import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../config.js';
import { freePort, redisAnswers, startRedisServer, type RedisServerHandle } from './redis-server.process.js';

const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';
/** REDIS_URL's word for a redis-server of this process's own, whatever answers on 6379 (a laptop's Redis with other data in it). */
export const PRIVATE_REDIS = 'private';

/** Where Redis is, and the private server this process started, if any. */
export interface RedisLocation {
  url: string;
  /** Set when no Redis answered and this process started its own; stop it on exit. */
  privateServer?: RedisServerHandle;
}

/** Where locateRedis looks when REDIS_URL is unset, and where a private server keeps its files. */
export interface LocateRedisOptions {
  /** The Redis to try first. Default: redis://127.0.0.1:6379. */
  localUrl?: string;
  /** Folder for a private server's files (append-only file). Default: `<project>/.data/redis`. */
  dataDir?: string;
}

/**
 * REDIS_URL when set (`private`: straight to a private server); otherwise a Redis on 127.0.0.1:6379; otherwise a private
 * redis-server with its append-only file under .data/redis, so a laptop needs
 * no set-up and loses nothing on restart. The private server listens on the
 * local URL's port when that port is free, else on a free one. `options`
 * exists so tests can look at a port where nothing answers and use a
 * throw-away folder.
 */
export async function locateRedis(
  configuredUrl: string | undefined,
  log: Logger,
  options: LocateRedisOptions = {},
): Promise<RedisLocation> {
  const asked = configuredUrl === PRIVATE_REDIS;
  if (configuredUrl && !asked) return { url: configuredUrl };
  const localUrl = options.localUrl ?? LOCAL_REDIS_URL;
  const local = new URL(localUrl);
  if (!asked && (await redisAnswers(localUrl))) {
    log.info({ component: 'redis' }, `using the Redis on ${local.host} (REDIS_URL=private starts one of this box office's own instead)`);
    return { url: localUrl };
  }
  const dir = options.dataDir ?? join(PROJECT_ROOT, '.data', 'redis');
  const localPort = Number(local.port || 6379);
  const port = (await portIsFree(localPort)) ? localPort : await freePort();
  const privateServer = await startRedisServer({ dir, port, appendOnly: true });
  const why = asked ? 'REDIS_URL=private' : 'no Redis was answering';
  log.info({ component: 'redis', dir, port }, `${why}: started a private redis-server on port ${port} (append-only file on)`);
  return { url: privateServer.url, privateServer };
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A connection for commands. A command fails after a couple of reconnect
 * attempts rather than waiting forever, so an HTTP request answers 5xx while
 * Redis is away (and Stripe retries). BullMQ workers pass
 * `maxRetriesPerRequest: null`, as their blocking connections require.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  // Auto-pipelining sends the commands issued in one tick of the event loop in
  // one socket write; under an on-sale rush that is many turns' commands at
  // once instead of a system call per command.
  return new Redis(url, { maxRetriesPerRequest: 2, retryStrategy: reconnectDelay, enableReadyCheck: true, enableAutoPipelining: true, ...options });
}

/** Longest pause between reconnect attempts. */
const RECONNECT_MAX_DELAY_MS = 1_000;

/**
 * ioredis 6 backs off to 5 s (plus jitter) between attempts and fails queued
 * commands only once per maxRetriesPerRequest + 1 attempts, so with its
 * default a request made while Redis was away waited ~15 s for its 5xx: past
 * Twilio's 15 s webhook timeout (the texter got no answer at all), and as long
 * again to notice Redis was back. At most a second apart, it is ~3 s.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** (attempt - 1), RECONNECT_MAX_DELAY_MS);
}
