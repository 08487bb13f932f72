import express, { type Express, type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorHandler, notFound } from './errors.js';
import { healthRoutes } from './health.route.js';

export interface WebAppDeps {
  log: Logger;
  redis: Redis;
  /** Feature routers, mounted in order; each parses its own body with its own size limit. */
  routers: Router[];
}

/** The express app: health, the feature routers, then JSON 404s and errors. */
export function createWebApp(deps: WebAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(healthRoutes(deps.redis));
  for (const router of deps.routers) app.use(router);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
