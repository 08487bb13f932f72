// The worker process dies (SIGKILL: no shutdown, no cleanup) in the middle of
// fulfilling a paid order, and a new one is started: once while it waits on
// Stripe, once while the ticket SMS is in flight to Twilio after Twilio has
// taken it (Twilio's Messages API has no idempotency key, so the retry has to
// ask Twilio what went out). The web role runs in
// this process; each worker is the real entry point (`src/main.ts worker`) in
// a child process. The run has a Redis of its own, because main.ts uses the
// production prefixes (`bx:`, `bx`) and other test files start it too.
// BullMQ's lock and stalled-job check are shortened through
// WORKER_LOCK_DURATION_MS / WORKER_STALLED_INTERVAL_MS so the dead worker's
// job is handed over in seconds instead of half a minute.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { KEY_PREFIX } from '../src/commerce.js';
import { FOUND_SENT } from '../src/jobs/notification.job.js';
import { QUEUE_PREFIX } from '../src/queue/queues.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { mainEnv, spawnMain, type MainProcess } from './support/box-office.process.js';
import { jobEnd, newPhone, payLinkIn, sectionInventory, smsTo, staffOrder, textBoxOffice, twilioRequestsFor } from './support/sms.client.js';
import { expectFulfilledOnce } from './support/purchases.js';
import { postStatus, statusParams } from './support/sms-orders.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

/** Generous, only so a broken run fails instead of hanging: tsx loads the stack in seconds on a busy machine. */
const START_TIMEOUT_MS = 45_000;
const SETTLE_TIMEOUT_MS = 45_000;

type WorkerProcess = MainProcess;

const workers: WorkerProcess[] = [];
let dir: string;
let redis: RedisServerHandle;
let office: BoxOffice;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'box-office-crash-'));
  redis = await startRedisServer({ dir, appendOnly: false });
  office = await startBoxOffice({ worker: false, redisUrl: redis.url, keyPrefix: KEY_PREFIX, queuePrefix: QUEUE_PREFIX });
}, START_TIMEOUT_MS);

afterEach(() => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
});

afterAll(async () => {
  await office?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `node --import tsx src/main.ts worker`, pointed at this test's Redis, Stripe and Twilio, its health port a free one. */
async function startWorker(): Promise<WorkerProcess> {
  const env = mainEnv({ redis: { url: redis.url }, stripeUrl: office.stripe!.url, twilioUrl: office.twilio.url, env: { PORT: String(await freePort()) } });
  const worker = spawnMain('worker', env);
  workers.push(worker);
  return worker;
}

async function started(worker: WorkerProcess): Promise<void> {
  await eventually(async () => {
    if (worker.child.exitCode !== null) throw new Error(`the worker exited with ${worker.child.exitCode}:\n${worker.log()}`);
    return worker.log().includes('"worker started') ? true : undefined;
  }, START_TIMEOUT_MS, `the worker to start; log so far:\n${worker.log()}`);
}

describe('a worker killed in the middle of fulfilment', { timeout: START_TIMEOUT_MS * 2 + SETTLE_TIMEOUT_MS }, () => {
  it('is replaced, and the order ends fulfilled once: seats sold once, one ticket SMS', async () => {
    const first = await startWorker();
    await started(first);
    const customer = newPhone();
    const before = await sectionInventory(office, '101');
    const reply = await textBoxOffice(office, customer, '2 tickets lakers section 101');
    const orderId = payLinkIn(reply.messages[0] ?? '')!.orderId;
    const sessionId = (await staffOrder(office, orderId)).stripeSessionId!;
    const sessionPath = `/v1/checkout/sessions/${sessionId}`;
    const retrievals = () => office.stripe!.requests.filter((r) => r.method === 'GET' && r.path === sessionPath).length;

    // The customer pays; Stripe answers the worker slowly, so its job is caught half-way.
    office.stripe!.setLatency(120_000);
    office.stripe!.markPaid(sessionId);
    const event = sessionEvent(office, 'checkout.session.completed', sessionId);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await eventually(async () => (retrievals() === 1 ? true : undefined), SETTLE_TIMEOUT_MS, 'the worker asking Stripe for the session');
    expect(await office.foundation.queues.payments.getJobState(event.id)).toBe('active');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    office.stripe!.setLatency(0);
    const second = await startWorker();
    await started(second);

    // The dead worker's job is found stalled and run again by the new one.
    const payment = await jobEnd(office, 'payments', event.id, SETTLE_TIMEOUT_MS);
    expect(payment.state).toBe('completed');
    await jobEnd(office, 'notifications', `tickets-${orderId}`, SETTLE_TIMEOUT_MS);
    expect(retrievals()).toBe(2);

    const order = await expectFulfilledOnce(office, orderId, customer, before);
    expect(order.tickets).toHaveLength(2);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('is replaced while the ticket SMS is in flight after Twilio took it: the retry finds it, and sends nothing more', async () => {
    const first = await startWorker();
    await started(first);
    const customer = newPhone();
    const before = await sectionInventory(office, '101');
    const reply = await textBoxOffice(office, customer, '2 tickets lakers section 101');
    const orderId = payLinkIn(reply.messages[0] ?? '')!.orderId;
    const sessionId = (await staffOrder(office, orderId)).stripeSessionId!;
    const lookups = () => office.twilio.requests.filter((r) => r.method === 'GET' && r.query.To === customer).length;

    // The customer pays; Twilio takes the ticket SMS but its answer is slow, so the worker dies waiting for it.
    office.twilio.setLatency(120_000);
    office.stripe!.markPaid(sessionId);
    const event = sessionEvent(office, 'checkout.session.completed', sessionId);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await eventually(async () => (smsTo(office, customer).length === 1 ? true : undefined), SETTLE_TIMEOUT_MS, 'Twilio taking the ticket SMS');
    expect(await office.foundation.queues.sms.getJobState(`tickets-${orderId}`)).toBe('active');
    expect((await staffOrder(office, orderId)).timeline.some((entry) => entry.cause === 'notify:tickets')).toBe(false);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    office.twilio.setLatency(0);
    const second = await startWorker();
    await started(second);

    // The dead worker's SMS job is found stalled; the new worker asks Twilio, finds the message and sends nothing.
    const notice = await jobEnd(office, 'sms', `tickets-${orderId}`, SETTLE_TIMEOUT_MS);
    expect(notice).toMatchObject({ state: 'completed', returnvalue: FOUND_SENT });
    expect(lookups()).toBe(1);
    expect(twilioRequestsFor(office, customer)).toBe(1);
    const [sms] = office.twilio.messages.filter((message) => message.to === customer);

    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('fulfilled');
    expect(order.timeline.filter((entry) => entry.to === 'fulfilled')).toHaveLength(1);
    expect(order.timeline.filter((entry) => entry.cause === 'notify:tickets')).toEqual([
      expect.objectContaining({ note: `tickets sent by sms (${sms!.sid}), found after an interrupted attempt` }),
    ]);
    expect(order.timeline.filter((entry) => entry.cause === 'notify:tickets:attempt')).toHaveLength(1);
    const after = await sectionInventory(office, '101');
    expect(after.sold - before.sold).toBe(2);
    expect(after.held - before.held).toBe(0);
    for (const code of order.tickets) expect(sms!.body).toContain(code);
    // The found message is known like one sent normally: its delivery report lands on the order.
    expect((await postStatus(office, statusParams(sms!, 'delivered'))).status).toBe(204);
    expect((await staffOrder(office, orderId)).timeline.some((entry) => entry.cause === `sms:${sms!.sid}:delivered`)).toBe(true);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
