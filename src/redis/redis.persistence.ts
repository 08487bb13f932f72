import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import { probeRedis } from './redis.probe.js';

/** How a Redis keeps its data on disk, as far as it will say. */
export interface RedisPersistence {
  /** Append-only file on. */
  aof: boolean;
  /** RDB snapshots: save points configured, or (when CONFIG is refused) a snapshot taken since it started. */
  rdb: boolean;
  /** Where the answer came from: CONFIG GET, or INFO persistence where CONFIG is disabled (managed Redis). */
  source: 'config' | 'info';
}


export const REDIS_NOT_PERSISTENT =
  'Configuration error: the Redis at REDIS_URL keeps nothing on disk (no append-only file, no RDB snapshots), so a restart would lose every hold, order and queued job: ' +
  'turn on appendonly yes there, point REDIS_URL at a Redis that persists, or set REDIS_PERSISTENCE_CHECK=off if your provider persists it in a way Redis does not show';

/**
 * Asks the Redis at `url` (or a cluster node, by host, port and access) whether it persists. Undefined when it cannot be
 * reached within a couple of seconds: start-up goes on (the web role says
 * "not ready" until Redis answers) rather than deciding without an answer.
 */
export async function redisPersistence(where: string | RedisOptions): Promise<RedisPersistence | undefined> {
  const answer = await probeRedis(where, (client) => fromConfig(client).catch(() => fromInfo(client)));
  return answer.answered ? answer.value : undefined;
}

async function fromConfig(client: Redis): Promise<RedisPersistence> {
  const [appendonly, save] = await Promise.all([configValue(client, 'appendonly'), configValue(client, 'save')]);
  return { aof: appendonly === 'yes', rdb: save.trim() !== '', source: 'config' };
}

async function configValue(client: Redis, name: string): Promise<string> {
  const reply: unknown = await client.config('GET', name);
  // RESP2 answers [name, value]; RESP3 a map.
  const value = Array.isArray(reply) ? reply[1] : (reply as Record<string, unknown> | null)?.[name];
  if (typeof value !== 'string') throw new Error(`CONFIG GET ${name} gave no value`);
  return value;
}

/**
 * INFO does not list save points, only what snapshots did: one taken since
 * the server started (rdb_saves from Redis 7, rdb_last_bgsave_time_sec before)
 * is the evidence that they are on.
 */
async function fromInfo(client: Redis): Promise<RedisPersistence> {
  const fields = new Map(
    (await client.info('persistence'))
      .split(/\r?\n/)
      .map((line) => line.split(':') as [string, string?])
      .filter((pair): pair is [string, string] => pair[1] !== undefined),
  );
  const snapshots = Number(fields.get('rdb_saves') ?? 0) > 0 || Number(fields.get('rdb_last_bgsave_time_sec') ?? -1) >= 0;
  return { aof: fields.get('aof_enabled') === '1', rdb: snapshots, source: 'info' };
}

/**
 * The start-up check: with NODE_ENV=production a Redis that keeps nothing on
 * disk stops start-up (ConfigError, one line, exit 1); elsewhere it is a warning.
 */
export async function requirePersistentRedis(where: string | RedisOptions, options: { production: boolean; log: Logger }): Promise<void> {
  const persistence = await redisPersistence(where);
  const log = options.log.child({ component: 'redis' });
  if (!persistence) {
    log.warn('could not ask Redis whether it keeps its data on disk: not checked');
    return;
  }
  if (persistence.aof || persistence.rdb) return;
  if (options.production) throw new ConfigError(REDIS_NOT_PERSISTENT);
  log.warn({ source: persistence.source }, 'this Redis keeps nothing on disk: a restart loses every hold, order and queued job (fine for tests, refused with NODE_ENV=production)');
}
