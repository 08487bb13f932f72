// Raw Redis and BullMQ costs measured in the same run, on the same Redis, at
// the same concurrency as the figure beside them: the floor any operation
// that makes one round trip (EVALSHA) or queues one job (Queue.add) can reach
// on this machine right now. On a Redis Cluster both run on the one master
// that serves the `{bench}` hash tag.
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../src/redis/redis.client.js';
import { atConcurrency, type Measured } from './measure.js';

const WARM_UP = 500;
const MEASURED = 5_000;

/** The one key the EVALSHA baseline names (and never touches): a cluster routes the call by it. */
const BASELINE_KEY = '{bench}:evalsha';

/** Loads `source` on the Redis, or on every master of a cluster (each keeps its own scripts); resolves with its SHA. */
async function loadScript(client: RedisClient, source: string): Promise<string> {
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  if (servers.length === 0) throw new Error('the cluster client knows no master yet: send it a command first');
  const [sha] = await Promise.all(servers.map((server) => server.script('LOAD', source) as Promise<string>));
  return sha!;
}

/** A trivial script (`return 1`) by SHA, spread over `clients`. */
export async function evalshaBaseline(clients: RedisClient[], inFlight: number, name = 'EVALSHA return 1', count = MEASURED): Promise<Measured> {
  const [sha] = await Promise.all(clients.map((client) => loadScript(client, 'return 1')));
  const call = (n: number) => clients[n % clients.length]!.evalsha(sha!, 1, BASELINE_KEY);
  await atConcurrency('warm-up', WARM_UP, inFlight, call);
  return atConcurrency(name, count, inFlight, call);
}

/** BullMQ `Queue.add` of a small job on a queue of its own, removed afterwards. */
export async function queueAddBaseline(connection: RedisClient, inFlight: number, name = 'BullMQ Queue.add'): Promise<Measured> {
  const queue = new Queue('bench-baseline', { connection, prefix: '{bench}' });
  try {
    await atConcurrency('warm-up', WARM_UP, inFlight, (n) => queue.add('job', { n }));
    return await atConcurrency(name, MEASURED, inFlight, (n) => queue.add('job', { n, at: Date.now() }));
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

export interface Baselines {
  queueAdd: Measured;
  evalsha: Measured;
}

/** Both baselines, named for when they ran ('before', 'after'). */
export async function measureBaselines(connection: RedisClient, inFlight: number, when: string): Promise<Baselines> {
  return {
    queueAdd: await queueAddBaseline(connection, inFlight, `Queue.add ${when}`),
    evalsha: await evalshaBaseline([connection], inFlight, `EVALSHA ${when}`),
  };
}
