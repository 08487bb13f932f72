// The process entry point: `node dist/src/main.js [all|web|worker]`.
// `all` (the default, what `npm start` runs) serves HTTP and does the
// background work in one process; docker-compose runs `web` and `worker` apart.
import { loadCatalog } from './catalog/catalog.loader.js';
import { createCommerce } from './commerce.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { connectRedis, locateRedis } from './redis/redis.connection.js';
import { startWebRole } from './web.role.js';

type Role = 'all' | 'web' | 'worker';

async function main(role: Role): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const catalog = loadCatalog(config.catalogPath);
  const location = await locateRedis(config.redisUrl, log);
  const redis = connectRedis(location.url);
  redis.on('error', (err) => log.warn({ component: 'redis', err: err.message }, 'redis connection error'));
  const commerce = createCommerce(redis, catalog, config);

  const stops: Array<() => Promise<void>> = [];
  if (role === 'all' || role === 'web') {
    const web = await startWebRole({ config, log, redis, commerce });
    stops.push(() => web.close());
    log.info({ component: 'web', port: config.port, publicBaseUrl: config.publicBaseUrl, demoCheckout: config.stripe.demo }, `box office listening on ${web.url}`);
  }
  if (!config.staff.apiToken) log.warn({ component: 'staff' }, 'STAFF_API_TOKEN is not set: the staff API refuses every request');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ component: 'process', signal }, 'shutting down: finishing in-flight work');
    for (const stop of stops) await stop();
    await redis.quit().catch(() => redis.disconnect());
    await location.privateServer?.stop();
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

function parseRole(arg: string | undefined): Role {
  if (arg === undefined || arg === 'all' || arg === 'web' || arg === 'worker') return arg ?? 'all';
  throw new ConfigError(`Unknown role "${arg}": use all, web or worker.`);
}

main(parseRole(process.argv[2])).catch((err: Error) => {
  // Start-up errors (configuration, catalog, Redis) are one clear line, not a stack.
  const expected = ['ConfigError', 'CatalogError', 'RedisServerMissingError'].includes(err.name);
  console.error(expected ? err.message : err);
  process.exit(1);
});
