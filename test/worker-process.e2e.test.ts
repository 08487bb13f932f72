// `node dist/src/main.js worker` as docker-compose runs it: no web role, yet
// it answers /healthz, /readyz and /metrics on PORT, so it can be probed and
// scraped; and a taken port does not stop it doing its jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type Queues } from '../src/queue/queues.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { eventually } from './support/box-office.harness.js';
import { mainEnv, PROCESS_START_TIMEOUT_MS, spawnMain, type MainProcess } from './support/box-office.process.js';
import { counterValue, scrape } from './support/metrics.js';

const TEST_TIMEOUT_MS = PROCESS_START_TIMEOUT_MS + 30_000;
/** Nothing listens here: this worker is never given a job that calls Stripe or Twilio. */
const NOWHERE = 'http://127.0.0.1:9';

// A Redis of its own: a worker on the production prefixes must not take other tests' jobs.
let dir: string;
let redis: RedisServerHandle;
let client: Redis;
let queues: Queues;
const running: MainProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'box-office-worker-'));
  redis = await startRedisServer({ dir, appendOnly: true });
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  queues = createQueues(client);
});

afterEach(() => {
  for (const main of running.splice(0)) {
    if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill('SIGKILL');
  }
});

afterAll(async () => {
  await queues?.close();
  await client?.quit();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(port: number): MainProcess {
  const main = spawnMain('worker', mainEnv({ redis: { url: redis.url }, stripeUrl: NOWHERE, twilioUrl: NOWHERE, env: { PORT: String(port) } }));
  running.push(main);
  return main;
}

async function stopped(main: MainProcess): Promise<number | string> {
  main.child.kill('SIGTERM');
  return main.exited;
}

describe('a worker-only process', { timeout: TEST_TIMEOUT_MS }, () => {
  it('serves /healthz, /readyz and /metrics on PORT, with its own job counts, and nothing else', async () => {
    const port = await freePort();
    const main = startWorker(port);
    await main.logged('worker health and metrics on');
    const base = `http://127.0.0.1:${port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`${base}/sms/inbound`, { method: 'POST' })).status).toBe(404);

    // A notice for an order that does not exist fails for good in this worker.
    const job = await queues.notifications.add('tickets', { orderId: 'BX-NONE', notice: 'tickets' }, { jobId: 'tickets-BX-NONE' });
    const metrics = await eventually(async () => {
      const exposition = await scrape(base);
      return counterValue(exposition, 'box_office_jobs_total', { queue: 'notifications', outcome: 'failed' }) === 1 ? exposition : undefined;
    }, 15_000, `job ${job.id} counted on /metrics`);
    expect(counterValue(metrics, 'box_office_queue_jobs', { queue: 'notifications', state: 'failed' })).toBe(1);
    expect(metrics.types.get('box_office_jobs_total')).toBe('counter');

    expect(await stopped(main)).toBe(0);
    expect(main.log()).toContain('"msg":"stopped"');
  });

  it('still does its jobs when PORT is taken, and says so', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const main = startWorker(port);
      await main.logged('could not serve health and metrics');
      await main.logged('worker started');

      const job = await queues.notifications.add('tickets', { orderId: 'BX-ZERO', notice: 'tickets' }, { jobId: 'tickets-BX-ZERO' });
      await eventually(async () => ((await queues.notifications.getJobState(job.id!)) === 'failed' ? true : undefined), 15_000, 'the job taken and ended');

      expect(await stopped(main)).toBe(0);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
