// Does this Redis keep its data on disk? Asked of real redis-servers: one
// without persistence, one with an append-only file, one with RDB save points;
// and as a managed Redis answers, where CONFIG is refused (a user without it
// here) and only INFO persistence tells. The start-up check built on it
// refuses with one line in production and only warns elsewhere.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { REDIS_NOT_PERSISTENT, redisPersistence, requirePersistentRedis } from '../src/redis/redis.persistence.js';

const dirs: string[] = [];
const servers: RedisServerHandle[] = [];

async function server(appendOnly: boolean): Promise<RedisServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-persistence-'));
  dirs.push(dir);
  const handle = await startRedisServer({ dir, appendOnly });
  servers.push(handle);
  return handle;
}

/** The same server, reached as a user who may not run CONFIG (as on managed Redis). */
async function withoutConfig(handle: RedisServerHandle): Promise<string> {
  const user = `no-config-${randomUUID().slice(0, 8)}`;
  const admin = new Redis(handle.url);
  await admin.call('ACL', 'SETUSER', user, 'on', '>pw', '~*', '&*', '+@all', '-config');
  await admin.quit();
  const url = new URL(handle.url);
  url.username = user;
  url.password = 'pw';
  return url.toString();
}

async function admin<T>(handle: RedisServerHandle, run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(handle.url);
  try {
    return await run(redis);
  } finally {
    await redis.quit();
  }
}

let bare: RedisServerHandle;
let aof: RedisServerHandle;

beforeAll(async () => {
  [bare, aof] = await Promise.all([server(false), server(true)]);
});

afterAll(async () => {
  await Promise.all(servers.map((handle) => handle.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('redisPersistence', () => {
  it('no append-only file and no save points: nothing on disk', async () => {
    expect(await redisPersistence(bare.url)).toEqual({ aof: false, rdb: false, source: 'config' });
  });

  it('an append-only file', async () => {
    expect(await redisPersistence(aof.url)).toEqual({ aof: true, rdb: false, source: 'config' });
  });

  it('RDB save points', async () => {
    const rdb = await server(false);
    await admin(rdb, (redis) => redis.config('SET', 'save', '3600 1'));
    expect(await redisPersistence(rdb.url)).toEqual({ aof: false, rdb: true, source: 'config' });
  });

  it('with CONFIG refused, reads INFO persistence: an append-only file shows there', async () => {
    expect(await redisPersistence(await withoutConfig(aof))).toEqual({ aof: true, rdb: false, source: 'info' });
  });

  it('with CONFIG refused, reads INFO persistence: no snapshot taken and no AOF is nothing on disk; a snapshot taken is RDB on', async () => {
    const rdb = await server(false);
    const url = await withoutConfig(rdb);
    expect(await redisPersistence(url)).toEqual({ aof: false, rdb: false, source: 'info' });

    await admin(rdb, (redis) => redis.call('SAVE'));

    expect(await redisPersistence(url)).toEqual({ aof: false, rdb: true, source: 'info' });
  });

  it('a Redis that cannot be reached: no answer, rather than a guess', async () => {
    expect(await redisPersistence(`redis://127.0.0.1:${await freePort()}`)).toBeUndefined();
  });
});

describe('requirePersistentRedis (the start-up check)', () => {
  /** A logger whose JSON lines are kept. */
  function recordingLog() {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    return { log: pino({ level: 'info' }, sink), lines };
  }

  it('refuses a Redis without persistence in production, with one line naming REDIS_URL', async () => {
    const { log } = recordingLog();
    const check = requirePersistentRedis(bare.url, { production: true, log });
    await expect(check).rejects.toThrow(ConfigError);
    await expect(check).rejects.toThrow(REDIS_NOT_PERSISTENT);
    expect(REDIS_NOT_PERSISTENT).not.toContain('\n');
    expect(REDIS_NOT_PERSISTENT).toMatch(/^Configuration error: .*REDIS_URL.*appendonly yes.*REDIS_PERSISTENCE_CHECK=off/);
  });

  it('only warns about it outside production', async () => {
    const { log, lines } = recordingLog();
    await requirePersistentRedis(bare.url, { production: false, log });
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/keeps nothing on disk/) })]);
  });

  it('accepts a Redis with an append-only file in production, saying nothing', async () => {
    const { log, lines } = recordingLog();
    await requirePersistentRedis(aof.url, { production: true, log });
    expect(lines).toEqual([]);
  });
});
