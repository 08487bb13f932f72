import { ConfigError } from '../config.js';
import { nodeAccess, type ClusterAccess, type ClusterSeed } from './redis.client.js';
import { probeRedis } from './redis.probe.js';

const ALL_SLOTS = 16_384;

/** What a healthy cluster looks like to the start-up check: its masters, and how many of them have a replica. */
export interface ClusterHealth {
  masters: ClusterSeed[];
  mastersWithReplica: number;
}

/**
 * The start-up check of REDIS_CLUSTER_NODES: the first seed that answers must
 * say cluster_state:ok with all 16,384 slots served. A cluster that is still
 * forming, has lost a master with no replica to take over, or is not a
 * cluster at all would fail requests at random, so it stops start-up with one
 * line (ConfigError) instead.
 */
export async function requireHealthyCluster(seeds: readonly ClusterSeed[], access: ClusterAccess = {}): Promise<ClusterHealth> {
  const where = seeds.map((seed) => `${seed.host}:${seed.port}`).join(', ');
  for (const seed of seeds) {
    const answer = await askNode(seed, access);
    if (answer === undefined) continue;
    if (answer.refused) throw new ConfigError(`Configuration error: the Redis Cluster at ${where} refused the connection (${answer.refused}): set REDIS_CLUSTER_PASSWORD to its password`);
    if (answer.notCluster) throw new ConfigError(`Configuration error: REDIS_CLUSTER_NODES names ${seed.host}:${seed.port}, which is a Redis without cluster mode: set REDIS_URL for it instead`);
    if (answer.state !== 'ok' || answer.slotsOk !== ALL_SLOTS) {
      throw new ConfigError(
        `Configuration error: the Redis Cluster at ${where} is not healthy (cluster_state:${answer.state}, ${answer.slotsOk} of ${ALL_SLOTS} slots served): wait for it to finish forming or failing over, then start again`,
      );
    }
    return answer.health;
  }
  throw new ConfigError(`Configuration error: no node of the Redis Cluster at ${where} (REDIS_CLUSTER_NODES) answered`);
}

interface NodeAnswer {
  notCluster: boolean;
  /** NOAUTH, WRONGPASS: the node wants another password. */
  refused?: string;
  state: string;
  slotsOk: number;
  health: ClusterHealth;
}

async function askNode(seed: ClusterSeed, access: ClusterAccess): Promise<NodeAnswer | undefined> {
  const answer = await probeRedis({ ...seed, ...nodeAccess(access) }, async (client) => {
    const info = String(await client.call('CLUSTER', 'INFO'));
    const field = (name: string) => new RegExp(`${name}:(\\S+)`).exec(info)?.[1];
    return { notCluster: false, state: field('cluster_state') ?? 'unknown', slotsOk: Number(field('cluster_slots_ok') ?? 0), health: clusterHealth(String(await client.call('CLUSTER', 'NODES'))) };
  });
  if (answer.answered) return answer.value;
  const none = { notCluster: false, state: 'none', slotsOk: 0, health: { masters: [], mastersWithReplica: 0 } };
  if (/cluster support disabled/i.test(answer.error.message)) return { ...none, notCluster: true };
  if (/^(NOAUTH|WRONGPASS)/.test(answer.error.message)) return { ...none, refused: answer.error.message.split(' ')[0] };
  return undefined;
}

/** Masters that serve slots and are not failing, and how many of them have a replica that is connected, from CLUSTER NODES. */
export function clusterHealth(nodesReply: string): ClusterHealth {
  const nodes = nodesReply
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .map(([id, address, flags, master, , , , link, ...slots]) => ({ id, address: address!.split('@')[0]!, flags: flags!.split(','), master, link, slots }));
  const masters = nodes.filter((node) => node.flags.includes('master') && !node.flags.includes('fail') && node.slots.length > 0);
  const replicated = new Set(nodes.filter((node) => node.flags.includes('slave') && !node.flags.includes('fail') && node.link === 'connected').map((node) => node.master));
  return {
    masters: masters.map((node) => {
      const at = node.address.lastIndexOf(':');
      return { host: node.address.slice(0, at), port: Number(node.address.slice(at + 1)) };
    }),
    mastersWithReplica: masters.filter((node) => replicated.has(node.id)).length,
  };
}
