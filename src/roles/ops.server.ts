import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createWebApp, createWebServer } from './web.app.js';
import { metricsRoutes } from '../observability/metrics.route.js';
import type { Foundation } from './foundation.js';
import { closeGracefully, type RunningServer } from './web.role.js';

/**
 * The HTTP side of a process that runs only the worker role: /healthz,
 * /readyz and /metrics on PORT, so an orchestrator can probe it and
 * Prometheus can scrape its job counters. No customer or staff routes.
 * Built like the web role's app, so it has the same headers and request ids.
 */
export async function startOpsServer(foundation: Foundation, port = foundation.config.port): Promise<RunningServer> {
  const { config, log, redis, metrics } = foundation;
  const app = createWebApp({ log, redis, publicBaseUrl: config.publicBaseUrl, trustProxy: config.trustProxy, routers: [metricsRoutes(metrics.registry)] });
  const server = createWebServer(app).listen(port);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, close: (graceMs) => closeGracefully(server, graceMs) };
}
