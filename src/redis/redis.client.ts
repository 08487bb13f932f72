import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to the box office's data: one Redis, or a Redis Cluster. Both take the same commands. */
export type RedisClient = Redis | Cluster;

/** A seed node of a Redis Cluster; the client learns the others from it. */
export interface ClusterSeed {
  host: string;
  port: number;
}

/** How to reach each node of a cluster that asks for it (a managed cluster): REDIS_CLUSTER_PASSWORD, REDIS_CLUSTER_TLS. */
export interface ClusterAccess {
  password?: string;
  tls?: boolean;
}

/** Where the box office's data lives: one Redis by URL, or a Redis Cluster by its seed nodes (REDIS_CLUSTER_NODES). */
export type RedisTarget = { url: string } | ({ clusterNodes: readonly ClusterSeed[] } & ClusterAccess);

/** Connection options for one node of a cluster (a URL carries its own). */
export function nodeAccess(access: ClusterAccess): RedisOptions {
  return { ...(access.password ? { password: access.password } : {}), ...(access.tls ? { tls: {} } : {}) };
}

/** `host:port,host:port` as REDIS_CLUSTER_NODES writes it; undefined for anything else. */
export function parseClusterNodes(text: string): ClusterSeed[] | undefined {
  const seeds = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(entry))
    .map((match) => (match && Number(match[2]) >= 1 && Number(match[2]) <= 65535 ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) } : undefined));
  return seeds.length > 0 && seeds.every(Boolean) ? (seeds as ClusterSeed[]) : undefined;
}

/** For the log: host:port of one Redis or of the cluster's first seed, never a password. */
export function describeTarget(target: RedisTarget): string {
  if ('clusterNodes' in target) return `the Redis Cluster at ${target.clusterNodes.map((seed) => `${seed.host}:${seed.port}`).join(', ')}`;
  try {
    return new URL(target.url).host;
  } catch {
    return 'the configured URL';
  }
}

/**
 * A connection for commands. A command fails after a couple of reconnect
 * attempts rather than waiting forever, so an HTTP request answers 5xx while
 * Redis is away (and Stripe retries). BullMQ workers pass
 * `maxRetriesPerRequest: null`, as their blocking connections require.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  // Auto-pipelining sends the commands issued in one tick of the event loop in
  // one socket write; under an on-sale rush that is many turns' commands at
  // once instead of a system call per command.
  const perNode: RedisOptions = { maxRetriesPerRequest: 2, retryStrategy: reconnectDelay, enableReadyCheck: true, ...options };
  if ('url' in target) return new Redis(target.url, { enableAutoPipelining: true, ...perNode });
  return new Cluster([...target.clusterNodes], {
    redisOptions: { ...perNode, ...nodeAccess(target) },
    // With TLS the certificate names the host the seed was given by: keep the
    // name rather than the address DNS gives (ioredis's advice for managed clusters).
    ...(target.tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    enableAutoPipelining: true,
    // Reads go to masters too: a replica can be behind, and a seat or an order
    // read from one could be the state before a write this process just made.
    scaleReads: 'master',
    // While a master fails over its slots answer CLUSTERDOWN or point at the
    // dead node; the client retries a moment later. Past maxRedirections the
    // command fails (a texter is told to try again, Stripe retries its webhook).
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    retryDelayOnTryAgain: 200,
    maxRedirections: 16,
    slotsRefreshTimeout: 2_000,
    clusterRetryStrategy: reconnectDelay,
  });
}

/** Longest pause between reconnect attempts. */
const RECONNECT_MAX_DELAY_MS = 1_000;

/**
 * ioredis 6 backs off to 5 s (plus jitter) between attempts and fails queued
 * commands only once per maxRetriesPerRequest + 1 attempts, so with its
 * default a request made while Redis was away waited ~15 s for its 5xx: past
 * Twilio's 15 s webhook timeout (the texter got no answer at all), and as long
 * again to notice Redis was back. At most a second apart, it is ~3 s.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** (attempt - 1), RECONNECT_MAX_DELAY_MS);
}
