// The tests' own Redis Cluster (test/support/redis-cluster.ts): six nodes on
// loopback, three masters with a replica each, every slot served; keys of
// different slots land on different masters; nothing is left running
// afterwards.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../src/redis/redis-server.process.js';
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

  it('stops every node', async () => {
    const ports = cluster.seeds.map((seed) => seed.port);
    client.disconnect();
    await cluster.stop();
    expect(await Promise.all(ports.map((port) => redisAnswers(`redis://127.0.0.1:${port}`, 300)))).toEqual(ports.map(() => false));
  });
});
