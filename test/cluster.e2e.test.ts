// The box office on a Redis Cluster of six nodes (three masters, a replica
// each), scaled out as a deploy would: two web processes and two worker
// processes (`src/main.ts web`, `src/main.ts worker`), all on
// REDIS_CLUSTER_NODES. Buyers race for fewer seats over both web processes;
// then every held order is paid, with each webhook delivered to both web
// processes. Then five times in a row, a master is SIGKILLed in the middle of
// a rush and a webhook storm: its replica takes over, buyers are answered
// throughout (some asked to try again while the slot moves), every webhook
// answered 2xx leads to exactly one fulfilment and one ticket text, every
// customer shown a pay link has that order, and the seat audit is clean.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../src/commerce.js';
import { parseClusterNodes } from '../src/redis/redis.client.js';
import { eventually, type BoxOffice } from './support/box-office.harness.js';
import { startBoxOfficeFleet, type BoxOfficeFleet } from './support/box-office.process.js';
import { DAY_MS, startsAtIn } from './support/dates.js';
import { startRedisCluster, type RedisClusterHandle } from './support/redis-cluster.js';
import { auditSeats } from './support/seat-audit.js';
import { newPhone, payLinkIn, staffOrder, textBoxOffice, type SmsReply } from './support/sms.client.js';
import { postStripeEvent, sessionEvent, type StripeTestEvent } from './support/stripe-events.js';

/** Bounds for things to happen, only so a broken run fails instead of hanging. */
const SETTLE_MS = 90_000;
const RUSH = { event: 'anchor-night', word: 'anchor', buyers: 240, seats: 100 };
const FAILOVERS = ['beacon', 'compass', 'dune', 'ember', 'fjord'].map((word) => ({ event: `${word}-night`, word, seats: 60 }));
const LANES = 8;

/** One section of `seats` seats in rows of 20, per event: fewer seats than buyers. */
function writeCatalog(dir: string): string {
  const section = (seats: number) => ({
    id: '101',
    name: 'Section 101',
    tier: 1,
    price: 5_000,
    rows: Object.fromEntries(Array.from({ length: seats / 20 }, (_, i) => [String.fromCharCode(65 + i), 20])),
  });
  const events = [RUSH, ...FAILOVERS].map(({ event, word, seats }, i) => ({
    id: event,
    name: `${word[0]!.toUpperCase()}${word.slice(1)} Night`,
    startsAt: startsAtIn((20 + i) * DAY_MS),
    venue: 'Pier Hall',
    currency: 'usd',
    aliases: [word],
    sections: [section(seats)],
  }));
  const path = join(dir, 'events.json');
  writeFileSync(path, JSON.stringify({ events }));
  return path;
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T, n: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const n = next++;
        results[n] = await work(items[n]!, n);
      }
    }),
  );
  return results;
}

describe('on a Redis Cluster, two web and two worker processes', { timeout: 10 * SETTLE_MS }, () => {
  let dir: string;
  let cluster: RedisClusterHandle;
  let fleet: BoxOfficeFleet;
  let offices: BoxOffice[];
  /** Webhooks answered 2xx, by order. */
  const accepted = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'box-office-cluster-e2e-'));
    cluster = await startRedisCluster();
    fleet = await startBoxOfficeFleet({
      redis: { clusterNodes: parseClusterNodes(cluster.nodes.join(','))! },
      roles: ['web', 'web', 'worker', 'worker'],
      // Unpaid holds may take every seat here: the race is for all of them.
      env: { CATALOG_PATH: writeCatalog(dir), UNPAID_HOLD_SHARE_PERCENT: '100' },
    });
    offices = fleet.offices;
  }, SETTLE_MS);

  afterAll(async () => {
    await fleet?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const office = () => offices[0]!;
  const ticketTexts = (orderId: string) => office().twilio.messages.filter((m) => m.body.includes(orderId));

  /** The customer pays on Stripe's page; the event Stripe will deliver. */
  function pay(orderId: string): StripeTestEvent {
    const session = [...office().stripe!.sessions.values()].find((s) => s.client_reference_id === orderId)!;
    office().stripe!.markPaid(session.id);
    return sessionEvent(office(), 'checkout.session.completed', session.id);
  }

  /** Delivers an event as Stripe does, again after a 5xx until a 2xx, to web process `via` first and then the other. */
  async function deliverLikeStripe(orderId: string, event: StripeTestEvent, via: number): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const { status, body } = await postStripeEvent(offices[(via + attempt) % offices.length]!, event);
      if (status >= 200 && status < 300) {
        accepted.set(orderId, (accepted.get(orderId) ?? 0) + 1);
        return;
      }
      if (status < 500) throw new Error(`webhook for ${orderId} refused with ${status}: ${body}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Every accepted order fulfilled and texted once, and the event's seats in order: sold exactly the paid ones. */
  async function expectSettled(eventId: string, linked: readonly string[]): Promise<void> {
    const { orders, catalog } = office().foundation.commerce;
    await eventually(
      async () => {
        for (const id of accepted.keys()) if ((await staffOrder(office(), id)).eventId === eventId && ((await staffOrder(office(), id)).state !== 'fulfilled' || ticketTexts(id).length === 0)) return undefined;
        return true;
      },
      SETTLE_MS,
      `every paid order of ${eventId} fulfilled and texted`,
    );
    const paid = new Set([...accepted.keys()].filter((id) => linked.includes(id)));
    for (const id of linked) {
      const order = await orders.get(id);
      expect(order, `order ${id}, whose pay link a customer was shown`).toBeDefined();
      expect(order!.state).toBe(paid.has(id) ? 'fulfilled' : 'awaiting_payment');
      expect(ticketTexts(id), `ticket texts of ${id}`).toHaveLength(paid.has(id) ? 1 : 0);
    }
    const audit = await auditSeats(office().foundation.redis, catalog, eventId, KEY_PREFIX);
    expect(audit.problems).toEqual([]);
    expect(new Set(audit.sold)).toEqual(paid);
    const capacity = audit.sections.reduce((sum, section) => sum + section.capacity, 0);
    expect(audit.sections.reduce((sum, section) => sum + section.held + section.sold, 0)).toBeLessThanOrEqual(capacity);
  }

  it('sells each seat once in a rush over both web processes, and fulfils every paid order once though each webhook reaches both', async () => {
    const buyers = Array.from({ length: RUSH.buyers }, () => newPhone());
    const replies = await inParallel(buyers, 24, (phone, n) => textBoxOffice(offices[n % 2]!, phone, `2 tickets ${RUSH.word} section 101`));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.messages.length).toBeGreaterThan(0);
    }
    const linked = replies.flatMap((reply) => payLinkIn(reply.messages.join('\n'))?.orderId ?? []);
    // Two seats each: at most half the seats held, and every seat held (nobody was refused while seats were left).
    expect(linked.length).toBe(RUSH.seats / 2);
    const first = await auditSeats(office().foundation.redis, office().foundation.commerce.catalog, RUSH.event, KEY_PREFIX);
    expect(first.problems).toEqual([]);
    expect(new Set(first.held)).toEqual(new Set(linked));

    // Every held order paid; Stripe's delivery and a duplicate, one to each web process.
    await inParallel(linked, 16, async (id, n) => {
      const event = pay(id);
      await Promise.all([deliverLikeStripe(id, event, n % 2), deliverLikeStripe(id, event, (n + 1) % 2)]);
    });
    await expectSettled(RUSH.event, linked);

    // Two workers, one reconciliation schedule.
    expect(await office().foundation.queues.maintenance.getJobSchedulersCount()).toBe(1);
  });

  for (const [round, { event, word }] of FAILOVERS.entries()) {
    it(`loses nothing it acknowledged when a master dies mid-rush (${round + 1} of ${FAILOVERS.length})`, async () => {
      const victim = await cluster.masterOf(`${KEY_PREFIX}{ev:${event}}:seats`);
      let phase = 'before' as 'before' | 'after';
      let stopped = false;
      const turns: Array<{ reply: SmsReply; orderId?: string; phase: typeof phase }> = [];
      const lane = async (n: number) => {
        while (!stopped) {
          const reply = await textBoxOffice(offices[n % 2]!, newPhone(), `2 tickets ${word} section 101`);
          const orderId = payLinkIn(reply.messages.join('\n'))?.orderId;
          turns.push({ reply, orderId, phase });
          if (orderId) {
            const event = pay(orderId);
            await deliverLikeStripe(orderId, event, n);
            delivered.push(event);
          }
          if (turns.filter((turn) => turn.orderId).length >= 28) stopped = true;
        }
      };
      // The storm: events already accepted, delivered again and again to either web process, as Stripe's retries and duplicates do.
      const delivered: StripeTestEvent[] = [];
      const storm = async (n: number) => {
        for (let i = 0; !stopped; i += 1) {
          const event = delivered[(n + i) % Math.max(delivered.length, 1)];
          if (event) await postStripeEvent(offices[(n + i) % 2]!, event);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const traffic = Promise.all([...Array.from({ length: LANES }, (_, n) => lane(n)), storm(0), storm(1)]).then(() => undefined, (err: unknown) => err);
      await eventually(async () => (turns.filter((turn) => turn.orderId).length >= 6 ? true : undefined), SETTLE_MS, 'the rush under way');
      cluster.kill(victim);
      phase = 'after';
      await eventually(async () => (turns.filter((turn) => turn.orderId && turn.phase === 'after').length >= 6 || stopped ? true : undefined), SETTLE_MS, 'served again after the failover');
      stopped = true;
      expect(await traffic).toBeUndefined();

      // Every buyer answered, with a link, sold out, or a request to send again.
      for (const turn of turns) {
        expect(turn.reply.status).toBe(200);
        expect(turn.reply.messages.length).toBeGreaterThan(0);
      }
      await expectSettled(event, turns.flatMap((turn) => turn.orderId ?? []));
      // The killed master comes back as a replica, ready for the next round.
      await cluster.restart(victim);
    });
  }
});
