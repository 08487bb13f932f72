import { Router } from 'express';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

/** `GET /metrics`: this process's registry in Prometheus text format. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get(METRICS_PATH, async (_req, res) => {
    const text = await registry.metrics();
    res.type(registry.contentType).send(text);
  });
  return router;
}
