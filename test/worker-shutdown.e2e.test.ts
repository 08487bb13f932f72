// A worker asked to stop (SIGTERM: `docker stop`, a Kubernetes rollout, Ctrl-C)
// with a job in flight. The web role runs in this process; each worker is the
// real entry point (`src/main.ts worker`) in a child process, on a Redis of the
// test's own with the production prefixes (`bx:`, `bx`), as in
// worker-crash.e2e.test.ts, which covers the SIGKILL case.
//
// The job is kept in flight by holding back the answer of the local Stripe or
// Twilio server (support/answer-gate.proxy.ts) until the test has seen the
// stop begin, so what is checked does not depend on the machine's speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../src/commerce.js';
import { FOUND_SENT } from '../src/jobs/notification.job.js';
import { QUEUE_PREFIX } from '../src/queue/queues.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { startAnswerGate, type AnswerGate } from './support/answer-gate.proxy.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { mainEnv, PROCESS_START_TIMEOUT_MS, spawnMain, type MainProcess } from './support/box-office.process.js';
import { expectFulfilledOnce } from './support/purchases.js';
import { holdSeats } from './support/sms-orders.js';
import { jobEnd, newPhone, sectionInventory, smsTo, staffOrder, twilioRequestsFor } from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

/** Bounds for things to happen, only so a broken run fails instead of hanging. */
const SETTLE_MS = 45_000;

let dir: string;
let redis: RedisServerHandle;
let office: BoxOffice;
const workers: MainProcess[] = [];
const gates: AnswerGate[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'box-office-shutdown-'));
  redis = await startRedisServer({ dir, appendOnly: false });
  office = await startBoxOffice({ worker: false, redisUrl: redis.url, keyPrefix: KEY_PREFIX, queuePrefix: QUEUE_PREFIX });
}, PROCESS_START_TIMEOUT_MS);

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
  await Promise.all(gates.splice(0).map((gate) => gate.close()));
});

afterAll(async () => {
  await office?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `src/main.ts worker` against this test's Redis, with Stripe and Twilio reached through `via` where given. */
async function startWorker(via: { stripeUrl?: string; twilioUrl?: string } = {}): Promise<MainProcess> {
  const env = mainEnv({
    redis: { url: redis.url },
    stripeUrl: via.stripeUrl ?? office.stripe!.url,
    twilioUrl: via.twilioUrl ?? office.twilio.url,
    // The worker's health and metrics server; a free port keeps two workers (and other tests) apart.
    env: { PORT: String(await freePort()) },
  });
  const worker = spawnMain('worker', env);
  workers.push(worker);
  await worker.logged('"worker started');
  return worker;
}

async function gate(target: string, hold: (method: string, path: string) => boolean): Promise<AnswerGate> {
  const started = await startAnswerGate(target, hold);
  gates.push(started);
  return started;
}

/** A customer holds two seats and pays; Stripe delivers checkout.session.completed. Resolves with the order and event ids. */
async function customerPays(customer: string): Promise<{ orderId: string; eventId: string; sessionId: string }> {
  const orderId = await holdSeats(office, customer, '2 tickets lakers section 101');
  const sessionId = (await staffOrder(office, orderId)).stripeSessionId!;
  office.stripe!.markPaid(sessionId);
  const event = sessionEvent(office, 'checkout.session.completed', sessionId);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return { orderId, eventId: event.id, sessionId };
}

describe('a worker stopped with SIGTERM', { timeout: 2 * PROCESS_START_TIMEOUT_MS + 2 * SETTLE_MS }, () => {
  it('finishes the payment job in flight before it exits 0; the order is fulfilled once and its tickets texted once', async () => {
    const sessionReads = (method: string, path: string) => method === 'GET' && path.startsWith('/v1/checkout/sessions/');
    const stripe = await gate(office.stripe!.url, sessionReads);
    const first = await startWorker({ stripeUrl: stripe.url });
    const customer = newPhone();
    const before = await sectionInventory(office, '101');
    const { orderId, eventId, sessionId } = await customerPays(customer);
    await eventually(async () => (stripe.held() === 1 ? true : undefined), SETTLE_MS, 'the worker asking Stripe for the session');
    expect(await office.foundation.queues.payments.getJobState(eventId)).toBe('active');

    first.child.kill('SIGTERM');
    await first.logged('shutting down: finishing in-flight work', SETTLE_MS);
    // Still at work: its job waits on Stripe's answer, which the gate holds back.
    expect(first.child.exitCode).toBeNull();
    expect(await office.foundation.queues.payments.getJobState(eventId)).toBe('active');
    stripe.open();
    expect(await first.exited).toBe(0);
    expect(first.log()).toContain('"msg":"stopped"');
    expect(first.log()).not.toMatch(/did not finish in time|left to stalled-job recovery/);

    // It finished the job itself: completed once, not left to a stalled-job retry.
    expect(await jobEnd(office, 'payments', eventId)).toMatchObject({ state: 'completed', returnvalue: 'fulfilled' });
    const fulfilled = await staffOrder(office, orderId);
    expect(fulfilled.state).toBe('fulfilled');
    expect(fulfilled.tickets).toHaveLength(2);

    // The ticket notice queued as it stopped is sent by the next worker, once.
    const second = await startWorker();
    await jobEnd(office, 'notifications', `tickets-${orderId}`, SETTLE_MS);
    await expectFulfilledOnce(office, orderId, customer, before);
    expect(office.stripe!.requests.filter((r) => r.method === 'GET' && r.path === `/v1/checkout/sessions/${sessionId}`)).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('still exits 0 when a job outlasts the grace; the next worker finds the ticket SMS already sent and sends nothing more', async () => {
    // Twilio takes the ticket SMS but never answers: the send outlasts any grace.
    const messagesPosts = (method: string, path: string) => method === 'POST' && path.endsWith('/Messages.json');
    const twilio = await gate(office.twilio.url, messagesPosts);
    const first = await startWorker({ twilioUrl: twilio.url });
    const customer = newPhone();
    const { orderId } = await customerPays(customer);
    await eventually(async () => (twilio.held() === 1 ? true : undefined), SETTLE_MS, 'Twilio taking the ticket SMS');
    expect(await office.foundation.queues.sms.getJobState(`tickets-${orderId}`)).toBe('active');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.log()).toContain('"msg":"stopped"');
    // The worker role says what it left behind, within the process's own limit for the step.
    expect(first.log()).toContain('jobs still running at shutdown: left to stalled-job recovery');
    expect(first.log()).not.toContain('did not finish in time');

    // The job it gave up on is found stalled by the next worker, which asks Twilio before sending again.
    const second = await startWorker();
    const notice = await jobEnd(office, 'sms', `tickets-${orderId}`, SETTLE_MS);
    expect(notice).toMatchObject({ state: 'completed', returnvalue: FOUND_SENT });
    expect(twilioRequestsFor(office, customer)).toBe(1);
    const order = await staffOrder(office, orderId);
    expect(order.state).toBe('fulfilled');
    expect(smsTo(office, customer)).toHaveLength(1);
    for (const code of order.tickets) expect(smsTo(office, customer)[0]).toContain(code);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
