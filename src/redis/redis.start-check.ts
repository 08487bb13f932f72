import type { Logger } from 'pino';
import type { RedisOptions } from 'ioredis';
import { nodeAccess, type RedisTarget } from './redis.client.js';
import { requireHealthyCluster } from './redis.cluster-check.js';
import { requirePersistentRedis } from './redis.persistence.js';

/**
 * What start-up asks of the data store before anything uses it: a cluster
 * must be healthy (all slots served), and every node that holds data (the one
 * Redis, or each master) must keep it on disk. A master with no replica is
 * only warned about: losing it loses its slots until it is back, not data.
 */
export async function checkRedisAtStart(target: RedisTarget, options: { production: boolean; checkPersistence: boolean; log: Logger }): Promise<void> {
  const { log } = options;
  let nodes: Array<string | RedisOptions> = 'url' in target ? [target.url] : [];
  if ('clusterNodes' in target) {
    const health = await requireHealthyCluster(target.clusterNodes, target);
    nodes = health.masters.map((master) => ({ ...master, ...nodeAccess(target) }));
    const bare = health.masters.length - health.mastersWithReplica;
    if (bare > 0) log.warn({ component: 'redis', masters: health.masters.length, withoutReplica: bare }, `${bare} of the cluster's ${health.masters.length} masters have no replica: if one fails, its part of the data is unavailable until it is back`);
    else log.info({ component: 'redis', masters: health.masters.length }, `on a Redis Cluster of ${health.masters.length} masters, each with a replica`);
  }
  if (!options.checkPersistence) return;
  for (const node of nodes) await requirePersistentRedis(node, { production: options.production, log });
}
