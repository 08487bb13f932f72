import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { inject } from 'vitest';
import { connectRedis, parseClusterNodes, type RedisClient, type RedisTarget } from '../../src/redis/redis.client.js';

/** The URL of the test run's private single Redis (started in redis.global-setup.ts), for tests of one Redis's own behaviour. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** Where the tests' data goes: the run's Redis Cluster under TEST_REDIS=cluster, else its single Redis. */
export function testRedisTarget(): RedisTarget {
  const nodes = inject('redisCluster');
  return nodes.length > 0 ? { clusterNodes: parseClusterNodes(nodes.join(','))! } : { url: testRedisUrl() };
}

/** True when this run is on a Redis Cluster. */
export function onCluster(): boolean {
  return inject('redisCluster').length > 0;
}

/** A key prefix no other test uses, e.g. `t-1f3a…:`. */
export function uniquePrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

/** A fresh client on the test Redis (or cluster); close it with quit() in afterEach/afterAll. */
export function testRedis(): RedisClient {
  return connectRedis(testRedisTarget(), { maxRetriesPerRequest: null });
}

/** Every key matching `match`: SCAN on one Redis, on each master of a cluster (a SCAN sees only its own node's keys). */
export async function scanKeys(redis: RedisClient, match: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const keys: string[] = [];
  for (const node of nodes) for await (const batch of node.scanStream({ match, count: 1000 })) keys.push(...(batch as string[]));
  return keys;
}
