// Where the box office finds Redis when REDIS_URL is unset: a Redis answering
// at the local address, else a private redis-server it starts itself (files in
// a project folder, append-only file on) and stops on exit, else one line
// telling the operator how to install Redis or set REDIS_URL.
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { locateRedis, type RedisLocation } from '../src/redis/redis.connection.js';
import { freePort, redisAnswers, RedisServerMissingError, startRedisServer } from '../src/redis/redis-server.process.js';
import { testRedisUrl, uniquePrefix } from './support/redis.js';

/** A logger whose lines the test can read, as an operator reads the log. */
function capturingLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    log: pino({ level: 'info' }, stream),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** One short-lived client: a command, then quit. */
async function withClient<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-redis-location-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Calls locateRedis and makes sure any private server it starts is stopped after the test. */
async function locate(configuredUrl: string | undefined, log: Logger, options: { localUrl: string; dataDir: string }): Promise<RedisLocation & { url: string }> {
  const location = await locateRedis({ redisUrl: configuredUrl }, log, options);
  if (location.privateServer) cleanups.push(() => location.privateServer!.stop());
  if (!('url' in location.target)) throw new Error('a URL was expected');
  return { ...location, url: location.target.url };
}

describe('locating Redis with REDIS_URL unset', () => {
  it('starts a private redis-server when nothing answers, with its append-only file in the data folder, and stops it', async () => {
    const port = await freePort();
    const localUrl = `redis://127.0.0.1:${port}`;
    const dataDir = join(tempDir(), 'redis');
    const { log, lines } = capturingLogger();

    const location = await locate(undefined, log, { localUrl, dataDir });

    // The port was free, so the private server took it.
    expect(location.url).toBe(localUrl);
    expect(location.privateServer).toBeDefined();
    expect(location.privateServer!.port).toBe(port);
    expect(await redisAnswers(location.url, 2_000)).toBe(true);

    // Append-only on, files in the data folder (created for us).
    await withClient(location.url, async (redis) => {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
      expect(realpathSync(dir)).toBe(realpathSync(dataDir));
      await redis.set(`${uniquePrefix()}probe`, 'kept');
    });
    expect(readdirSync(dataDir).some((name) => name.startsWith('appendonly'))).toBe(true);

    // The operator is told what happened and where the data lives.
    const started = lines().find((line) => /private redis-server/.test(String(line.msg)));
    expect(started, JSON.stringify(lines())).toMatchObject({ dir: dataDir, port });

    // stop() stops it: nothing answers any more.
    await location.privateServer!.stop();
    expect(await redisAnswers(localUrl, 1_000)).toBe(false);
  });

  it('keeps what was written across a restart (the append-only file is replayed)', async () => {
    const port = await freePort();
    const options = { localUrl: `redis://127.0.0.1:${port}`, dataDir: join(tempDir(), 'redis') };
    const key = `${uniquePrefix()}order`;

    const first = await locate(undefined, capturingLogger().log, options);
    await withClient(first.url, (redis) => redis.set(key, 'BX-7K2Q'));
    await first.privateServer!.stop();

    const second = await locate(undefined, capturingLogger().log, options);
    expect(second.privateServer).toBeDefined();
    expect(await withClient(second.url, (redis) => redis.get(key))).toBe('BX-7K2Q');
  });

  it('uses another free port when the local port is taken by something that is not Redis', async () => {
    // Something listens on the port but hangs up at once: not a Redis.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const taken = (squatter.address() as { port: number }).port;

    const location = await locate(undefined, capturingLogger().log, { localUrl: `redis://127.0.0.1:${taken}`, dataDir: join(tempDir(), 'redis') });

    expect(location.privateServer).toBeDefined();
    expect(location.privateServer!.port).not.toBe(taken);
    expect(location.url).toBe(`redis://127.0.0.1:${location.privateServer!.port}`);
    expect(await redisAnswers(location.url, 2_000)).toBe(true);
  });

  it('uses the Redis answering at the local address and starts nothing', async () => {
    const dataDir = join(tempDir(), 'redis');
    const { log, lines } = capturingLogger();

    const location = await locate(undefined, log, { localUrl: testRedisUrl(), dataDir });

    expect(location.target).toEqual({ url: testRedisUrl() });
    expect(location.privateServer).toBeUndefined();
    expect(existsSync(dataDir)).toBe(false);
    expect(lines().some((line) => /private redis-server/.test(String(line.msg)))).toBe(false);
  });
});

describe('locating Redis with REDIS_URL=private', () => {
  it('starts a private redis-server even though a Redis answers at the local address, on another port', async () => {
    const dataDir = join(tempDir(), 'redis');
    const { log, lines } = capturingLogger();
    const answering = testRedisUrl();

    const location = await locate('private', log, { localUrl: answering, dataDir });

    expect(location.privateServer).toBeDefined();
    expect(location.url).not.toBe(answering);
    expect(await redisAnswers(location.url, 2_000)).toBe(true);
    expect(lines().find((line) => /^REDIS_URL=private: started a private redis-server/.test(String(line.msg)))).toMatchObject({ dir: dataDir });
  });

  it('is a value REDIS_URL accepts; any other word is refused', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(loadConfig({ REDIS_URL: 'private' }).redisUrl).toBe('private');
    expect(() => loadConfig({ REDIS_URL: 'privat' })).toThrow('REDIS_URL must start with redis:// or rediss://, or be private');
  });
});

describe('locating Redis with REDIS_URL set', () => {
  it('returns the configured URL untouched and starts nothing, even when nothing answers there', async () => {
    const nobodyHome = `redis://127.0.0.1:${await freePort()}/2`;
    const localUrl = `redis://127.0.0.1:${await freePort()}`;
    const dataDir = join(tempDir(), 'redis');

    const location = await locate(nobodyHome, capturingLogger().log, { localUrl, dataDir });

    expect(location.target).toEqual({ url: nobodyHome });
    expect(location.privateServer).toBeUndefined();
    expect(existsSync(dataDir)).toBe(false);
    expect(await redisAnswers(localUrl, 500)).toBe(false);
  });
});

describe('no redis-server on this machine', () => {
  it('fails with one line that says how to install Redis or set REDIS_URL', async () => {
    const dir = tempDir();
    const failure = await startRedisServer({ binary: 'redis-server-that-does-not-exist', dir, port: await freePort() }).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(failure).toBeInstanceOf(RedisServerMissingError);
    const error = failure as Error;
    // main.ts prints the message alone (no stack) for errors of this name.
    expect(error.name).toBe('RedisServerMissingError');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('apt-get install redis-server');
    expect(error.message).toContain('REDIS_URL');
  });
});
