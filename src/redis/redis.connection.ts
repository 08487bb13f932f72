import { join } from 'node:path';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../config.js';
import type { ClusterAccess, ClusterSeed, RedisTarget } from './redis.client.js';
import { freePort, redisAnswers, startRedisServer, type RedisServerHandle } from './redis-server.process.js';

const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';
/** REDIS_URL's word for a redis-server of this process's own, whatever answers on 6379 (a laptop's Redis with other data in it). */
export const PRIVATE_REDIS = 'private';

/** Where Redis is, and the private server this process started, if any. */
export interface RedisLocation {
  target: RedisTarget;
  /** Set when no Redis answered and this process started its own; stop it on exit. */
  privateServer?: RedisServerHandle;
}

/** Where locateRedis looks when REDIS_URL is unset, and where a private server keeps its files. */
export interface LocateRedisOptions {
  /** The Redis to try first. Default: redis://127.0.0.1:6379. */
  localUrl?: string;
  /** Folder for a private server's files (append-only file). Default: `<project>/.data/redis`. */
  dataDir?: string;
}

/**
 * REDIS_CLUSTER_NODES when set: that cluster, nothing else tried. Then
 * REDIS_URL when set (`private`: straight to a private server); otherwise a Redis on 127.0.0.1:6379; otherwise a private
 * redis-server with its append-only file under .data/redis, so a laptop needs
 * no set-up and loses nothing on restart. The private server listens on the
 * local URL's port when that port is free, else on a free one. `options`
 * exists so tests can look at a port where nothing answers and use a
 * throw-away folder.
 */
export async function locateRedis(
  configured: { redisUrl?: string; redisClusterNodes?: readonly ClusterSeed[]; redisCluster?: ClusterAccess },
  log: Logger,
  options: LocateRedisOptions = {},
): Promise<RedisLocation> {
  if (configured.redisClusterNodes) return { target: { clusterNodes: configured.redisClusterNodes, ...configured.redisCluster } };
  const configuredUrl = configured.redisUrl;
  const asked = configuredUrl === PRIVATE_REDIS;
  if (configuredUrl && !asked) return { target: { url: configuredUrl } };
  const localUrl = options.localUrl ?? LOCAL_REDIS_URL;
  const local = new URL(localUrl);
  if (!asked && (await redisAnswers(localUrl))) {
    log.info({ component: 'redis' }, `using the Redis on ${local.host} (REDIS_URL=private starts one of this box office's own instead)`);
    return { target: { url: localUrl } };
  }
  const dir = options.dataDir ?? join(PROJECT_ROOT, '.data', 'redis');
  const localPort = Number(local.port || 6379);
  const port = (await portIsFree(localPort)) ? localPort : await freePort();
  const privateServer = await startRedisServer({ dir, port, appendOnly: true });
  const why = asked ? 'REDIS_URL=private' : 'no Redis was answering';
  log.info({ component: 'redis', dir, port }, `${why}: started a private redis-server on port ${port} (append-only file on)`);
  return { target: { url: privateServer.url }, privateServer };
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
