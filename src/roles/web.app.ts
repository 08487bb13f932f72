import express, { type Express, type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorHandler, notFound } from '../http/errors.js';
import { healthRoutes } from '../http/health.route.js';
import { requestContext } from '../http/request-context.js';
import { securityHeaders } from '../http/security-headers.js';

export interface WebAppDeps {
  log: Logger;
  redis: Redis;
  /** PUBLIC_BASE_URL: decides HSTS and where our forms may post. */
  publicBaseUrl: string;
  /** Which proxies' X-Forwarded-For to believe (TRUST_PROXY): per-IP limits count the address it yields. */
  trustProxy: number | string;
  /** Feature routers, mounted in order; each parses its own body with its own size limit. */
  routers: Router[];
}

/** The express app: security headers on everything, health, the feature routers, then JSON 404s and errors. */
export function createWebApp(deps: WebAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(requestContext(deps.log));
  app.use(securityHeaders({ publicBaseUrl: deps.publicBaseUrl }));
  app.use(healthRoutes(deps.redis));
  for (const router of deps.routers) app.use(router);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
