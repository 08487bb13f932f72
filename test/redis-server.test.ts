import { afterEach, describe, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from './support/redis.js';

describe('test Redis', () => {
  const redis = testRedis();
  afterEach(async () => {});

  it('is a private server, not the machine default on 6379', async () => {
    const info = await redis.info('server');
    expect(info).not.toMatch(/tcp_port:6379\b/);
    const key = `${uniquePrefix()}probe`;
    await redis.set(key, 'ok');
    expect(await redis.get(key)).toBe('ok');
    await redis.quit();
  });
});
