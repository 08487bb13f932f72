import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Commerce } from './commerce.js';
import type { Config } from './config.js';
import { staffRoutes } from './http/staff.route.js';
import { createWebApp } from './http/web.app.js';

export interface WebRoleDeps {
  config: Config;
  log: Logger;
  redis: Redis;
  commerce: Commerce;
}

export interface RunningWeb {
  /** The address it listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** Composition root of the web role: builds the routes and listens. */
export async function startWebRole(deps: WebRoleDeps, port = deps.config.port): Promise<RunningWeb> {
  const app = createWebApp({
    log: deps.log,
    redis: deps.redis,
    routers: [staffRoutes({ staffApiToken: deps.config.staff.apiToken, orders: deps.commerce.orders, seats: deps.commerce.seats })],
  });
  const server = app.listen(port);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, close: (graceMs) => closeGracefully(server, graceMs) };
}

async function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
