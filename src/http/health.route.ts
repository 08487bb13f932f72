import { Router } from 'express';
import type { RedisClient } from '../redis/redis.client.js';

const READY_TIMEOUT_MS = 1_000;

/** `/healthz`: the process is up. `/readyz`: Redis answers, so requests can be served. */
export function healthRoutes(redis: RedisClient): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await pingWithin(redis, READY_TIMEOUT_MS);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', redis: ready ? 'up' : 'down' });
  });
  return router;
}

async function pingWithin(redis: RedisClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG', () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
