import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { RedisClient } from '../redis/redis.client.js';
import type { Logger } from 'pino';
import { errorHandler, notFound } from '../http/errors.js';
import { healthRoutes } from '../http/health.route.js';
import { requestContext } from '../http/request-context.js';
import { securityHeaders } from '../http/security-headers.js';

export interface WebAppDeps {
  log: Logger;
  redis: RedisClient;
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

/**
 * The HTTP server for `app`, whose requests and responses are born with
 * express's prototypes. Express gives every request and response its own
 * prototypes as it enters the app (`Object.setPrototypeOf` in app.handle);
 * on V8 that change makes each request's objects outlive the young
 * generation, so they pile up in the old one as garbage between full
 * collections: under the fuzz (bench/fuzz.bench.ts) the heap grew to four
 * times what was alive and RSS from 173 to 494 MB. Made by the classes
 * below, the objects already have the prototypes express sets, and its
 * call changes nothing. Behaviour is the same either way: an app served by
 * a plain server (app.listen, a test) still works, only without the saving.
 */
export function createWebServer(app: Express): Server {
  class ExpressRequest extends IncomingMessage {}
  class ExpressResponse extends ServerResponse<ExpressRequest> {}
  // Each class's prototype sits in front of express's own for this app (which carries `app`, then express's methods).
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  app.request = ExpressRequest.prototype as Express['request'];
  app.response = ExpressResponse.prototype as Express['response'];
  return createServer({ IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse }, app);
}
