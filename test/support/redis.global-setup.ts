// Starts one private redis-server for the whole test run on a free port with a
// throw-away folder, so tests never touch a Redis someone else uses. Each test
// then works under its own key prefix (see ./redis.ts). With TEST_REDIS=cluster
// it also starts a Redis Cluster of six nodes, and the box offices and stores
// the tests start run on it instead (tests of one Redis's own behaviour, such
// as a restart or persistence, keep the single server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../src/redis/redis-server.process.js';
import { startRedisCluster } from './redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** `host:port` of every node when the run is on a Redis Cluster (TEST_REDIS=cluster); empty otherwise. */
    redisCluster: string[];
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-test-redis-'));
  const server = await startRedisServer({ dir, appendOnly: false });
  const cluster = process.env.TEST_REDIS === 'cluster' ? await startRedisCluster() : undefined;
  project.provide('redisUrl', server.url);
  project.provide('redisCluster', cluster?.nodes ?? []);
  return async () => {
    await cluster?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
