// The tests' own Redis Cluster (test/support/redis-cluster.ts): six nodes on
// loopback, three masters with a replica each, every slot served; keys of
// different slots land on different masters; nothing is left running
// afterwards.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config.js';
import { pino } from 'pino';
import { connectRedis, parseClusterNodes } from '../src/redis/redis.client.js';
import { checkRedisAtStart } from '../src/redis/redis.start-check.js';
import { clusterHealth, requireHealthyCluster } from '../src/redis/redis.cluster-check.js';
import { redisAnswers, startRedisServer } from '../src/redis/redis-server.process.js';
import { startRedisCluster, type RedisClusterHandle } from './support/redis-cluster.js';

let cluster: RedisClusterHandle;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.seeds);
  client.on('error', () => {});
  // Ready once it has read the slots from the cluster: before that it knows only the seeds.
  await new Promise((resolve) => client.once('ready', resolve));
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

describe('the start-up check of a cluster', () => {
  it('refuses a cluster that serves no slots yet (nodes in cluster mode never joined), in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'box-office-unjoined-'));
    const node = await startRedisServer({ dir, appendOnly: false, extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')] });
    try {
      const refused = await requireHealthyCluster([{ host: '127.0.0.1', port: node.port }]).catch((err: Error) => err);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as Error).message).toMatch(/^Configuration error: the Redis Cluster at 127\.0\.0\.1:\d+ is not healthy \(cluster_state:fail, 0 of 16384 slots served\)/);
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a master whose replica has failed as one without a replica', () => {
    const nodes = [
      'aaa 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460',
      'bbb 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-10922',
      'ccc 127.0.0.1:7003@17003 master - 0 0 3 connected 10923-16383',
      'ddd 127.0.0.1:7004@17004 slave aaa 0 0 1 connected',
      'eee 127.0.0.1:7005@17005 slave,fail bbb 0 0 2 disconnected',
      'fff 127.0.0.1:7006@17006 master,fail - 0 0 4 disconnected',
    ].join('\n');
    expect(clusterHealth(nodes)).toEqual({
      masters: [{ host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7002 }, { host: '127.0.0.1', port: 7003 }],
      mastersWithReplica: 1,
    });
  });
});

describe('a cluster that asks for a password, as managed ones do', { timeout: 60_000 }, () => {
  it('is refused at start-up without REDIS_CLUSTER_PASSWORD, in one line, and used with it: commands, and the persistence check of every master', async () => {
    const guarded = await startRedisCluster({ password: 'cluster-secret-0123' });
    const seeds = parseClusterNodes(guarded.nodes.join(','))!;
    try {
      const refused = await requireHealthyCluster(seeds).catch((err: Error) => err);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as Error).message).toMatch(/^Configuration error: the Redis Cluster at .* refused the connection \(NOAUTH\): set REDIS_CLUSTER_PASSWORD to its password$/);

      const target = { clusterNodes: seeds, password: 'cluster-secret-0123' };
      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      await checkRedisAtStart(target, { production: true, checkPersistence: true, log });
      expect(lines.join('')).toContain('on a Redis Cluster of 3 masters, each with a replica');
      const redis = connectRedis(target);
      try {
        await redis.set('{p}:k', 'v');
        expect(await redis.get('{p}:k')).toBe('v');
      } finally {
        redis.disconnect();
      }
    } finally {
      await guarded.stop();
    }
  });
});

describe('the tests\' Redis Cluster', { timeout: 60_000 }, () => {
  it('has three masters and three replicas, and spreads keys of different slots over the masters', async () => {
    expect(cluster.nodes).toHaveLength(6);
    const nodes = ((await client.call('CLUSTER', 'NODES')) as string).trim().split('\n');
    expect(nodes.filter((line) => / master /.test(line.replace('myself,', '')))).toHaveLength(3);
    expect(nodes.filter((line) => / slave /.test(line.replace('myself,', '')))).toHaveLength(3);
    // Hash tags pick the slot: these land on more than one master.
    const keys = ['{a}:x', '{b}:x', '{c}:x', '{d}:x', '{e}:x', '{f}:x'];
    for (const key of keys) await client.set(key, key);
    expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
    const slots = (await client.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number], ...unknown[]]>;
    const masterOf = async (key: string) => {
      const slot = (await client.call('CLUSTER', 'KEYSLOT', key)) as number;
      return slots.find(([from, to]) => slot >= from && slot <= to)![2][1];
    };
    expect(new Set(await Promise.all(keys.map(masterOf))).size).toBeGreaterThan(1);
  });

  it('passes the start-up check: every slot served, three masters each with a replica', async () => {
    const health = await requireHealthyCluster(parseClusterNodes(cluster.nodes.join(','))!);
    expect(health.masters).toHaveLength(3);
    expect(health.mastersWithReplica).toBe(3);
  });

  it('stops every node', async () => {
    const ports = cluster.seeds.map((seed) => seed.port);
    client.disconnect();
    await cluster.stop();
    expect(await Promise.all(ports.map((port) => redisAnswers(`redis://127.0.0.1:${port}`, 300)))).toEqual(ports.map(() => false));
  });
});
