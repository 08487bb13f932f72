import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** The URL of the test run's private Redis (started in redis.global-setup.ts). */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses, e.g. `t-1f3a…:`. */
export function uniquePrefix(): string {
  return `t-${randomUUID().slice(0, 8)}:`;
}

/** A fresh ioredis client on the test Redis; close it with quit() in afterEach/afterAll. */
export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}
