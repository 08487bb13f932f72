// Raw Redis and BullMQ costs measured in the same run, on the same Redis, at
// the same concurrency as the figure beside them: the floor any operation
// that makes one round trip (EVALSHA) or queues one job (Queue.add) can reach
// on this machine right now.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { atConcurrency, type Measured } from './measure.js';

const WARM_UP = 500;
const MEASURED = 5_000;

/** A trivial script (`return 1`) by SHA, spread over `clients`. */
export async function evalshaBaseline(clients: Redis[], inFlight: number, name = 'EVALSHA return 1', count = MEASURED): Promise<Measured> {
  const sha = (await clients[0]!.script('LOAD', 'return 1')) as string;
  const call = (n: number) => clients[n % clients.length]!.evalsha(sha, 0);
  await atConcurrency('warm-up', WARM_UP, inFlight, call);
  return atConcurrency(name, count, inFlight, call);
}

/** BullMQ `Queue.add` of a small job on a queue of its own, removed afterwards. */
export async function queueAddBaseline(connection: Redis, inFlight: number, name = 'BullMQ Queue.add'): Promise<Measured> {
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
export async function measureBaselines(connection: Redis, inFlight: number, when: string): Promise<Baselines> {
  return {
    queueAdd: await queueAddBaseline(connection, inFlight, `Queue.add ${when}`),
    evalsha: await evalshaBaseline([connection], inFlight, `EVALSHA ${when}`),
  };
}
