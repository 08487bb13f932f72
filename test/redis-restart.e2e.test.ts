// Redis is stopped under a running box office in the middle of traffic and
// started again on the same port and folder (append-only file on; a graceful
// stop writes it out). The box office is the real entry point in its own
// process (`src/main.ts all`, see support/box-office.process.ts) and is not
// restarted. While Redis is away, /readyz says 503, the Stripe webhook answers
// 5xx (so Stripe retries) and texts are answered without anything being held;
// once it is back, the box office serves again on its own, the retried
// webhooks are fulfilled, and nothing acknowledged before the stop is missing:
// orders, holds, queued jobs; each paid order gets its tickets once. A text
// cut by the stop between its seat hold and its order can leave a hold that
// no customer was told about (reconciliation frees it once the hold has ended
// plus the grace); such holds are checked to be only that.
//
// Traffic is a few "lanes" of customers, each texting to buy and, every other
// time, paying and having Stripe deliver the webhook (again and again until a
// 2xx, as Stripe does). Each turn and delivery records the phase of the outage
// it started and ended in, so checks about "while Redis was away" look only at
// requests that began and ended while it was, whatever the timing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../src/commerce.js';
import type { Order, OrderState } from '../src/orders/order.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import type { Redis } from 'ioredis';
import { connectRedis, reconnectDelay } from '../src/redis/redis.client.js';
import { eventually } from './support/box-office.harness.js';
import { startBoxOfficeProcess, type BoxOfficeProcess } from './support/box-office.process.js';
import { buyAndPay } from './support/purchases.js';
import { auditSeats } from './support/seat-audit.js';
import { holdSeats } from './support/sms-orders.js';
import { jobsLeft, newPhone, payLinkIn, staffOrder, textBoxOffice, type SmsReply } from './support/sms.client.js';
import { postStripeEvent, sessionEvent, type StripeTestEvent } from './support/stripe-events.js';
import { DAY_MS, startsAtIn } from './support/dates.js';

const EVENT = 'harbor-lights';
const BUY = '2 tickets harbor section 101';
const LANES = 4;
/** Bounds for things to happen, only so a broken run fails instead of hanging. */
const SETTLE_MS = 60_000;
const QUEUES = ['payments', 'notifications', 'sms'] as const;

type Phase = 'up' | 'stopping' | 'down' | 'restarting' | 'back';

/** One customer's text, as the traffic saw it. */
interface Turn {
  phone: string;
  began: Phase;
  ended: Phase;
  reply: SmsReply;
  orderId?: string;
}

/** One webhook delivery attempt. */
interface Delivery {
  orderId: string;
  began: Phase;
  ended: Phase;
  status: number;
}

/** 400 seats in one section: room for all the traffic, so every turn that is served holds seats. */
function writeCatalog(dir: string): string {
  const rows = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String.fromCharCode(65 + i), 20]));
  const catalog = {
    events: [{
      id: EVENT, name: 'Harbor Lights', startsAt: startsAtIn(30 * DAY_MS), venue: 'Pier Hall', currency: 'usd', aliases: ['harbor'],
      sections: [{ id: '101', name: 'Section 101', tier: 1, price: 6_000, rows }],
    }],
  };
  const path = join(dir, 'events.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

describe('Redis restarted under a running box office', { timeout: 4 * SETTLE_MS }, () => {
  let dir: string;
  let port: number;
  let redis: RedisServerHandle;
  let office: BoxOfficeProcess;
  let phase: Phase = 'up';
  let trafficStopped = false;
  const turns: Turn[] = [];
  const deliveries: Delivery[] = [];
  const paidOrders = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'box-office-restart-'));
    port = await freePort();
    redis = await startRedisServer({ dir: join(dir, 'redis'), port, appendOnly: true });
    office = await startBoxOfficeProcess({ redis: { url: redis.url }, env: { CATALOG_PATH: writeCatalog(dir) } });
  }, SETTLE_MS);

  afterAll(async () => {
    trafficStopped = true;
    await office?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Delivers a signed event until the box office takes it, as Stripe retries a 5xx (sooner here). A 4xx fails the test. */
  async function deliverLikeStripe(orderId: string, event: StripeTestEvent): Promise<void> {
    for (;;) {
      const began = phase;
      const { status, body } = await postStripeEvent(office, event);
      deliveries.push({ orderId, began, ended: phase, status });
      if (status >= 200 && status < 300) return;
      if (status < 500) throw new Error(`webhook for ${orderId} refused with ${status}: ${body}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The customer pays on Stripe's page; Stripe then tells the box office. */
  async function pay(orderId: string): Promise<StripeTestEvent> {
    const session = [...office.stripe!.sessions.values()].find((s) => s.client_reference_id === orderId)!;
    office.stripe!.markPaid(session.id);
    paidOrders.add(orderId);
    return sessionEvent(office, 'checkout.session.completed', session.id);
  }

  async function lane(): Promise<void> {
    while (!trafficStopped) {
      const phone = newPhone();
      const began = phase;
      const reply = await textBoxOffice(office, phone, BUY);
      const orderId = payLinkIn(reply.messages.join('\n'))?.orderId;
      turns.push({ phone, began, ended: phase, reply, orderId });
      if (orderId && turns.length % 2 === 0) await deliverLikeStripe(orderId, await pay(orderId));
    }
  }

  const linksIn = (which: Phase) => turns.filter((t) => t.orderId && t.began === which && t.ended === which).length;
  const readyz = async () => (await fetch(`${office.url}/readyz`)).status;
  const ticketTexts = (orderId: string) => office.twilio.messages.filter((m) => m.body.includes(orderId));

  it('keeps every order, hold and queued job, refuses while away, and recovers without a restart', async () => {
    const { orders, catalog } = office.foundation.commerce;
    const { queues } = office.foundation;

    // Before: orders fulfilled, orders held, and orders paid whose webhook has not come yet.
    const fulfilled = [await buyAndPay(office, newPhone(), BUY), await buyAndPay(office, newPhone(), BUY)].map((o) => o.id);
    for (const id of fulfilled) paidOrders.add(id);
    const held = [await holdSeats(office, newPhone(), BUY), await holdSeats(office, newPhone(), BUY)];
    const late = [await holdSeats(office, newPhone(), BUY), await holdSeats(office, newPhone(), BUY)];
    const lateEvents = await Promise.all(late.map((id) => pay(id)));

    // Traffic runs; Redis stops under it, after a snapshot of what is stored.
    // Settles with the first error, if any, so a failure elsewhere leaves no unhandled rejection behind.
    const traffic = Promise.all(Array.from({ length: LANES }, lane)).then(() => undefined, (err: unknown) => err);
    await eventually(async () => (linksIn('up') >= 6 ? true : undefined), SETTLE_MS, 'traffic under way');
    const ordersBefore = await orders.listByEvent(EVENT);
    // Read while traffic runs, so only the ids count, not whether counters and allocations agree at this instant.
    const seatsBefore = await auditSeats(office.foundation.redis, catalog, EVENT, KEY_PREFIX);
    const jobsBefore = Object.fromEntries(
      await Promise.all(QUEUES.map(async (name) => [name, (await queues[name].getJobs()).map((job) => job.id!)] as const)),
    );
    expect(jobsBefore.payments!.length).toBeGreaterThan(0);
    phase = 'stopping';
    await redis.stop();
    phase = 'down';

    // While Redis is away.
    await eventually(async () => ((await readyz()) === 503 ? true : undefined), SETTLE_MS, '/readyz to say 503');
    expect((await fetch(`${office.url}/healthz`)).status).toBe(200);
    for (const event of lateEvents) expect((await postStripeEvent(office, event)).status).toBeGreaterThanOrEqual(500);
    const stranger = newPhone();
    const refused = await textBoxOffice(office, stranger, BUY);
    expect(refused.status).toBe(200);
    expect(refused.messages).toEqual([expect.stringMatching(/try again/i)]);
    await eventually(async () => (turns.some((t) => t.began === 'down' && t.ended === 'down') ? true : undefined), SETTLE_MS, 'a text answered while Redis was away');

    // Same port, same folder; the box office is not restarted.
    phase = 'restarting';
    redis = await startRedisServer({ dir: join(dir, 'redis'), port, appendOnly: true });
    phase = 'back';
    await eventually(async () => ((await readyz()) === 200 ? true : undefined), SETTLE_MS, '/readyz to say 200 again');
    expect(office.main.child.exitCode).toBeNull();
    for (const [n, event] of lateEvents.entries()) await deliverLikeStripe(late[n]!, event);
    await eventually(async () => (linksIn('back') >= 4 ? true : undefined), SETTLE_MS, 'traffic served again');
    trafficStopped = true;
    expect(await traffic).toBeUndefined();

    // Settled: every paid order fulfilled and texted, nothing left to run.
    await eventually(async () => {
      for (const id of paidOrders) if ((await staffOrder(office, id)).state !== 'fulfilled' || ticketTexts(id).length === 0) return undefined;
      const left = await Promise.all(QUEUES.map((name) => jobsLeft(queues[name])));
      return left.every((n) => n === 0) ? true : undefined;
    }, SETTLE_MS, 'every paid order fulfilled and every queue idle');

    // Nothing stored before the stop is missing, and nothing went backwards.
    const rank = (state: OrderState) => ['held', 'awaiting_payment', 'paid', 'fulfilled'].indexOf(state);
    for (const before of ordersBefore) {
      const after = (await orders.get(before.id))!;
      expect(after, `order ${before.id}`).toBeDefined();
      expect(after.seats).toEqual(before.seats);
      expect(rank(after.state)).toBeGreaterThanOrEqual(rank(before.state));
      if (before.state === 'fulfilled') expect(after.tickets).toEqual(before.tickets);
    }
    const seatsAfter = await auditSeats(office.foundation.redis, catalog, EVENT, KEY_PREFIX);
    expect(seatsAfter.problems).toEqual([]);
    for (const id of seatsBefore.sold) expect(seatsAfter.sold).toContain(id);
    for (const id of seatsBefore.held) expect([...seatsAfter.held, ...seatsAfter.sold]).toContain(id);
    for (const name of QUEUES) {
      for (const id of jobsBefore[name]!) expect(await queues[name].getJobState(id), `${name} job ${id}`).not.toBe('unknown');
      expect(await queues[name].getJobCountByTypes('failed'), `failed ${name} jobs`).toBe(0);
    }

    // Every customer given a link has that order; every paid one is fulfilled and texted once, the rest still held.
    const allOrders = new Map((await orders.listByEvent(EVENT)).map((order) => [order.id, order]));
    const linked = [...fulfilled, ...held, ...late, ...turns.flatMap((t) => (t.orderId ? [t.orderId] : []))];
    for (const id of linked) {
      const order: Order | undefined = allOrders.get(id);
      expect(order, `order ${id}`).toBeDefined();
      expect(order!.state).toBe(paidOrders.has(id) ? 'fulfilled' : 'awaiting_payment');
      expect(ticketTexts(id), `ticket SMS of ${id}`).toHaveLength(paidOrders.has(id) ? 1 : 0);
      if (paidOrders.has(id)) for (const ticket of order!.tickets) expect(ticketTexts(id)[0]!.body).toContain(ticket);
    }
    expect(new Set(seatsAfter.sold)).toEqual(paidOrders);

    // While Redis was away: every text answered (no link, nothing held), every webhook told to come back.
    const whileAway = turns.filter((t) => t.began === 'down' && t.ended === 'down');
    for (const turn of whileAway) {
      expect(turn.reply.status).toBe(200);
      expect(turn.reply.messages).toEqual([expect.stringMatching(/try again/i)]);
      expect(turn.orderId).toBeUndefined();
    }
    for (const phone of [stranger, ...whileAway.map((t) => t.phone)]) expect(await orders.listByCustomer('sms', phone)).toEqual([]);
    for (const delivery of deliveries.filter((d) => d.began === 'down' && d.ended === 'down')) expect(delivery.status).toBeGreaterThanOrEqual(500);

    // A hold no customer was told about can only come from a turn cut by the stop, between the hold and its order.
    const unowned = seatsAfter.held.filter((id) => allOrders.get(id)?.state !== 'awaiting_payment');
    for (const id of unowned) expect(linked).not.toContain(id);
    expect(unowned.length).toBeLessThanOrEqual(LANES);

    // And it still stops cleanly.
    office.main.child.kill('SIGTERM');
    expect(await office.main.exited).toBe(0);
    expect(office.main.log()).toContain('"msg":"stopped"');
  });
});

describe('reconnecting to Redis', () => {
  it('tries to reconnect at least once a second, so a request made while Redis is away fails in seconds, not after a webhook timeout', () => {
    // ioredis fails queued commands once per maxRetriesPerRequest + 1 attempts: the gap between attempts bounds the wait.
    const client = connectRedis({ url: 'redis://127.0.0.1:1' }, { lazyConnect: true }) as Redis;
    expect(client.options.retryStrategy).toBe(reconnectDelay);
    expect(client.options.maxRetriesPerRequest).toBe(2);
    for (let attempt = 1; attempt <= 100; attempt += 1) expect(reconnectDelay(attempt)).toBeLessThanOrEqual(1_000);
    client.disconnect();
  });
});
