import { Router } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_PATH } from '../http/paths.js';


/** `GET /metrics`: this process's registry in Prometheus text format. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get(METRICS_PATH, async (_req, res) => {
    const text = await registry.metrics();
    res.type(registry.contentType).send(text);
  });
  return router;
}
