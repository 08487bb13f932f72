// The process entry point: `node dist/src/main.js [all|web|worker]`, started by
// bin/box-office (npm start, the container), which sets V8's memory flags.
// `all` (the default, what `npm start` runs) serves HTTP and does the
// background work in one process; docker-compose runs `web` and `worker` apart.
import { loadCatalog } from './catalog/catalog.loader.js';
import { ConfigError, loadConfig, productionProblems } from './config.js';
import { createLogger, logFormatFor } from './logger.js';
import { DEMO_PHONE_PATH } from './http/paths.js';
import { locateRedis } from './redis/redis.connection.js';
import { checkRedisAtStart } from './redis/redis.start-check.js';
import { createFoundation, type Foundation } from './roles/foundation.js';
import { startWebRole } from './roles/web.role.js';
import { startOpsServer } from './roles/ops.server.js';
import { startWorkerRole } from './roles/worker.role.js';

type Role = 'all' | 'web' | 'worker';

/** Longest wait for one shutdown step, so a hung close never keeps the process from exiting. */
const STEP_TIMEOUT_MS = 9_000;
/**
 * How long the web and worker roles wait for in-flight requests and jobs:
 * inside STEP_TIMEOUT_MS, so a role that gives up says what it left behind
 * (jobs left to stalled-job recovery) before the step itself is cut short.
 */
const ROLE_GRACE_MS = STEP_TIMEOUT_MS - 1_000;

/**
 * Settles with the promise, or 'timeout' after `ms`. The timer is not
 * unref'd on purpose: while a step is pending it keeps the process alive, so
 * a close that leaves no handle behind cannot let it exit half-way, unlogged.
 */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(role: Role): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { format: logFormatFor(process.env, process.stdout.isTTY === true) });
  const catalog = loadCatalog(config.catalogPath, new Date());
  const location = await locateRedis(config, log);
  await checkRedisAtStart(location.target, { production: config.env === 'production', checkPersistence: config.checkRedisPersistence, log });
  // With NODE_ENV=production loadConfig has refused these already; elsewhere
  // they are how a laptop runs (demo checkout, the Emulator), so only noted.
  const notForProduction = productionProblems(config);
  if (notForProduction.length > 0) log.info({ component: 'config', problems: notForProduction }, `production checklist: ${notForProduction.length} setting(s) to change before NODE_ENV=production (fine for trying it here)`);
  const foundation = createFoundation({ config, log, catalog, redis: location.target });

  // Stopped in reverse order: first no new requests, then no new jobs; then
  // Redis connections, then the private Redis. A start that fails half-way
  // stops what it had started the same way, so it leaves nothing running.
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of [...stops, () => foundation.close(), async () => location.privateServer?.stop()]) {
      if ((await within(stop(), STEP_TIMEOUT_MS)) === 'timeout') log.warn({ component: 'process' }, 'a shutdown step did not finish in time: moving on');
    }
  };
  try {
    await startRoles(role, foundation, stops);
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ component: 'process', signal }, 'shutting down: finishing in-flight work');
    await stopAll();
    log.info({ component: 'process' }, 'stopped');
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (err) => {
          log.error({ component: 'process', err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/** Starts the role's parts, each adding how to stop it to `stops`, newest first. */
async function startRoles(role: Role, foundation: Foundation, stops: Array<() => Promise<void>>): Promise<void> {
  const { config, log } = foundation;
  if (role === 'all' || role === 'worker') {
    const worker = startWorkerRole(foundation);
    stops.unshift(() => worker.close(ROLE_GRACE_MS));
    log.info({ component: 'worker' }, 'worker started: payment events and notifications');
  }
  if (role === 'all' || role === 'web') {
    const web = await startWebRole(foundation);
    stops.unshift(() => web.close(ROLE_GRACE_MS));
    log.info(
      { component: 'web', publicBaseUrl: config.publicBaseUrl, demoCheckout: config.stripe.demo },
      `box office listening on ${web.url}; try it: ${[...tryItCommands(web.demoPages), ...web.demoPages.map((path) => `${config.publicBaseUrl}${path}`)].join(', ')}`,
    );
    if (!config.staff.apiToken) log.warn({ component: 'staff' }, 'STAFF_API_TOKEN is not set: the staff API refuses every request');
  }
  if (role === 'worker') {
    // Without the web role nothing else listens: probes and Prometheus still need an answer.
    // A port already taken (web and worker started apart on one laptop) must not stop the jobs.
    try {
      const ops = await startOpsServer(foundation);
      stops.unshift(() => ops.close());
      log.info({ component: 'ops' }, `worker health and metrics on ${ops.url} (/healthz, /readyz, /metrics)`);
    } catch (err) {
      log.error({ component: 'ops', port: config.port, err: (err as Error).message }, 'could not serve health and metrics: set PORT to a free port (jobs are still processed)');
    }
  }
}

/** The terminal clients that work with what this web role serves: the chat always; SMS with the demo phone. */
function tryItCommands(demoPages: readonly string[]): string[] {
  return ['npm run chat', ...(demoPages.includes(DEMO_PHONE_PATH) ? ['npm run sms'] : [])];
}

function parseRole(arg: string | undefined): Role {
  if (arg === undefined || arg === 'all' || arg === 'web' || arg === 'worker') return arg ?? 'all';
  throw new ConfigError(`Unknown role "${arg}": use all, web or worker.`);
}

try {
  await main(parseRole(process.argv[2]));
} catch (err) {
  // Start-up errors (configuration, catalog, Redis) are one clear line, not a stack.
  const error = err as Error;
  const expected = ['ConfigError', 'CatalogError', 'RedisServerMissingError'].includes(error.name);
  console.error(expected ? error.message : error);
  process.exit(1);
}
