// A notice whose sending was interrupted (the worker died, or Twilio's answer
// never came back) is run again by BullMQ; the retry asks the sender whether
// the first attempt's message went out before sending it again. The job is a
// plain function, run here against a real order store and a fake sender
// (our own MessageSender interface), and TwilioSmsSender's lookup against
// the local Twilio-compatible server through the real SDK.
import { pino } from 'pino';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.loader.js';
import type { MessageSender, OutboundMessage, SentMessage } from '../src/notifications/message.sender.js';
import { TwilioSmsSender } from '../src/channels/sms/sms.sender.js';
import { createTwilioClient } from '../src/channels/sms/twilio.client.js';
import { FOUND_SENT, sendNotification, SendingElsewhereError, SENT_LOOKUP_MARGIN_MS, type NotificationDeps } from '../src/jobs/notification.job.js';
import { SendClaims } from '../src/notifications/send-claim.store.js';
import type { SentNotice } from '../src/notifications/delivery.store.js';
import type { Customer } from '../src/customers/customer.js';
import type { Order } from '../src/orders/order.js';
import { OrderStore } from '../src/orders/order.store.js';
import { testRedis, uniquePrefix } from './support/redis.js';
import { startTwilioApiServer, type TwilioApiServer } from './support/twilio-api.server.js';

const START = Date.parse('2026-11-20T18:00:00Z');
const CATALOG = loadCatalog(new URL('../catalog/sample-events.json', import.meta.url).pathname, new Date(START));
const PHONE = '+14155550188';

/** A provider in memory: what it accepted, and whether the answer got back to the caller. */
class FakeSms implements MessageSender {
  readonly accepted: Array<{ sid: string; to: string; text: string; at: number }> = [];
  readonly lookups: Date[] = [];
  /** The next send is accepted by the provider, but its answer is lost (the caller sees this error). */
  loseNextAnswer = false;
  /** The next send is refused before anything is accepted (a 503). */
  refuseNext = false;
  /** The lookup fails (an API key without read access, say). */
  lookupFails = false;

  constructor(private readonly now: () => number) {}

  async send(customer: Customer, message: OutboundMessage): Promise<SentMessage> {
    if (this.refuseNext) {
      this.refuseNext = false;
      throw new Error('503 Service Unavailable');
    }
    const sid = `SM${String(this.accepted.length + 1).padStart(32, '0')}`;
    this.accepted.push({ sid, to: customer.address, text: message.text, at: this.now() });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new Error('socket hang up');
    }
    return { messageId: sid };
  }

  async findSent(customer: Customer, message: OutboundMessage, since: Date): Promise<SentMessage | undefined> {
    this.lookups.push(since);
    if (this.lookupFails) throw new Error('20003 Authenticate');
    const found = this.accepted.find((m) => m.to === customer.address && m.text === message.text && m.at >= since.getTime());
    return found && { messageId: found.sid };
  }
}

describe('sendNotification, run again after an interrupted attempt', () => {
  const redis = testRedis();
  let clock: number;
  let orders: OrderStore;
  let sms: FakeSms;
  let remembered: Array<[string, SentNotice]>;
  let deps: NotificationDeps;

  beforeEach(() => {
    clock = START;
    orders = new OrderStore(redis, { prefix: uniquePrefix(), now: () => clock });
    sms = new FakeSms(() => clock);
    remembered = [];
    deps = {
      orders,
      catalog: CATALOG,
      sender: sms,
      log: pino({ level: 'silent' }),
      deliveries: { remember: async (messageId, sent) => void remembered.push([messageId, sent]) },
    };
  });

  afterAll(async () => {
    await redis.quit();
  });

  /** A paid, fulfilled SMS order with two tickets. */
  async function fulfilledOrder(customer: Customer = { channel: 'sms', address: PHONE }): Promise<Order> {
    const order = await orders.create({
      customer,
      eventId: 'lakers-warriors',
      sectionId: '101',
      quantity: 2,
      seats: ['A-1', 'A-2'],
      unitAmount: 20_000,
      currency: 'usd',
      holdExpiresAt: clock + 30 * 60_000,
    });
    await orders.transition(order.id, { to: 'awaiting_payment', cause: 'setup:checkout' });
    await orders.transition(order.id, { to: 'paid', cause: 'setup:paid' });
    const done = await orders.transition(order.id, { to: 'fulfilled', cause: 'setup:fulfilled', patch: { tickets: [`${order.id}-A1-AAAA`, `${order.id}-A2-BBBB`] } });
    return done.order!;
  }

  async function timeline(orderId: string) {
    return (await orders.get(orderId))!.timeline;
  }

  it('sends once when two runs of the job send at the same moment (a job taken over after a failover)', async () => {
    const order = await fulfilledOrder();
    // The provider takes its time; neither run has recorded anything when the other starts.
    let letGo: () => void = () => undefined;
    const slow: MessageSender = {
      send: async (customer, message) => {
        await new Promise<void>((resolve) => (letGo = resolve));
        return sms.send(customer, message);
      },
      findSent: (customer, message, since) => sms.findSent(customer, message, since),
    };
    const claimed = { ...deps, sender: slow, claims: new SendClaims(redis, orders) };
    const first = sendNotification({ orderId: order.id, notice: 'tickets' }, claimed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(sendNotification({ orderId: order.id, notice: 'tickets' }, claimed)).rejects.toBeInstanceOf(SendingElsewhereError);
    letGo();
    expect(await first).toBe('sent');
    // The run retried later finds it sent.
    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, claimed)).toBe('already_sent');
    expect(sms.accepted).toHaveLength(1);
  });

  it('sends on the first attempt, records it and the attempt, and looks nothing up', async () => {
    const order = await fulfilledOrder();

    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).toBe('sent');

    expect(sms.accepted).toHaveLength(1);
    expect(sms.accepted[0]!.text).toContain(`${order.id}-A1-AAAA`);
    expect(sms.lookups).toEqual([]);
    const entries = await timeline(order.id);
    expect(entries.filter((e) => e.cause === 'notify:tickets:attempt')).toHaveLength(1);
    expect(entries.find((e) => e.cause === 'notify:tickets')?.note).toBe(`tickets sent by sms (${sms.accepted[0]!.sid})`);
    expect(remembered).toEqual([[sms.accepted[0]!.sid, { orderId: order.id, notice: 'tickets', resend: 0 }]]);
  });

  it('does not send again when the interrupted attempt reached the provider: records the message it finds', async () => {
    const order = await fulfilledOrder();
    sms.loseNextAnswer = true;
    await expect(sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).rejects.toThrow('socket hang up');
    const attemptAt = Date.parse((await timeline(order.id)).find((e) => e.cause === 'notify:tickets:attempt')!.at);
    clock += 35_000; // BullMQ hands the job over once the dead worker's lock has run out

    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).toBe(FOUND_SENT);

    expect(sms.accepted).toHaveLength(1);
    expect(sms.lookups).toEqual([new Date(attemptAt - SENT_LOOKUP_MARGIN_MS)]);
    const entries = await timeline(order.id);
    expect(entries.filter((e) => e.cause === 'notify:tickets')).toEqual([
      expect.objectContaining({ note: `tickets sent by sms (${sms.accepted[0]!.sid}), found after an interrupted attempt` }),
    ]);
    expect(entries.filter((e) => e.cause === 'notify:tickets:attempt')).toHaveLength(1);
    expect(remembered).toEqual([[sms.accepted[0]!.sid, { orderId: order.id, notice: 'tickets', resend: 0 }]]);
    // And a third run changes nothing.
    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).toBe('already_sent');
    expect(sms.accepted).toHaveLength(1);
  });

  it('sends when the interrupted attempt never reached the provider', async () => {
    const order = await fulfilledOrder();
    sms.refuseNext = true;
    await expect(sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).rejects.toThrow('503');
    clock += 5_000;

    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).toBe('sent');

    expect(sms.lookups).toHaveLength(1);
    expect(sms.accepted).toHaveLength(1);
    expect((await timeline(order.id)).find((e) => e.cause === 'notify:tickets')?.note).toBe(`tickets sent by sms (${sms.accepted[0]!.sid})`);
    expect(remembered.map(([sid]) => sid)).toEqual([sms.accepted[0]!.sid]);
  });

  it('sends when the lookup itself fails: a duplicate is better than no tickets', async () => {
    const order = await fulfilledOrder();
    sms.refuseNext = true;
    await expect(sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).rejects.toThrow('503');
    sms.lookupFails = true;

    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, deps)).toBe('sent');
    expect(sms.accepted).toHaveLength(1);
  });

  it('keeps the resend apart from the first message: each has its own attempt', async () => {
    const order = await fulfilledOrder();
    await sendNotification({ orderId: order.id, notice: 'tickets' }, deps);
    clock += 60_000; // the first message is reported undelivered
    sms.loseNextAnswer = true;
    await expect(sendNotification({ orderId: order.id, notice: 'tickets', resend: 1 }, deps)).rejects.toThrow('socket hang up');
    clock += 35_000;

    expect(await sendNotification({ orderId: order.id, notice: 'tickets', resend: 1 }, deps)).toBe(FOUND_SENT);

    expect(sms.accepted).toHaveLength(2);
    const entries = await timeline(order.id);
    expect(entries.find((e) => e.cause === 'notify:tickets:resend-1')?.note).toBe(`tickets re-sent by sms (${sms.accepted[1]!.sid}), found after an interrupted attempt`);
    expect(remembered.map(([sid, sent]) => [sid, sent.resend])).toEqual([[sms.accepted[0]!.sid, 0], [sms.accepted[1]!.sid, 1]]);
  });

  it('sends again on a channel that cannot look messages up (chat)', async () => {
    const order = await fulfilledOrder({ channel: 'chat', address: 'user-1' });
    const sent: string[] = [];
    let fail = true;
    const chat: MessageSender = {
      async send(_customer, message) {
        sent.push(message.text);
        if (fail) {
          fail = false;
          throw new Error('connector timed out');
        }
      },
    };
    await expect(sendNotification({ orderId: order.id, notice: 'tickets' }, { ...deps, sender: chat })).rejects.toThrow('timed out');

    expect(await sendNotification({ orderId: order.id, notice: 'tickets' }, { ...deps, sender: chat })).toBe('sent');
    expect(sent).toHaveLength(2);
  });
});

describe('TwilioSmsSender.findSent, through the SDK, against the local Twilio server', () => {
  const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
  const FROM = '+15550001111';
  let server: TwilioApiServer;
  let client: twilio.Twilio;

  beforeAll(async () => {
    server = await startTwilioApiServer();
    client = createTwilioClient({ accountSid, authToken: 'test-auth-token', apiUrl: server.url });
  });
  afterAll(() => server.close());

  function customer(address: string): Customer {
    return { channel: 'sms', address };
  }

  it('finds our message with exactly this text since the given time, and asks Twilio with To, From and DateSent>', async () => {
    const sender = new TwilioSmsSender(client, { from: FROM });
    const to = '+15551240001';
    const since = new Date(Date.now() - 2_000);
    await sender.send(customer(to), { text: 'Your tickets: BX-AAAA-A1' });
    const { messageId } = await sender.send(customer(to), { text: 'Your tickets: BX-BBBB-A1' });

    expect(await sender.findSent(customer(to), { text: 'Your tickets: BX-BBBB-A1' }, since)).toEqual({ messageId });
    expect(await sender.findSent(customer(to), { text: 'Your tickets: BX-CCCC-A1' }, since)).toBeUndefined();
    expect(await sender.findSent(customer('+15551240002'), { text: 'Your tickets: BX-BBBB-A1' }, since)).toBeUndefined();
    const lookup = server.requests.filter((r) => r.method === 'GET').at(-1)!;
    expect(lookup.query).toMatchObject({ To: '+15551240002', From: FROM, 'DateSent>': since.toISOString().replace(/\.\d{3}Z$/, 'Z') });
  });

  it('does not count a message from before `since` (Twilio filters by day only), nor one Twilio reports failed', async () => {
    const sender = new TwilioSmsSender(client, { from: FROM });
    const to = '+15551240003';
    const text = 'Your tickets: BX-DDDD-A1';
    const { messageId } = await sender.send(customer(to), { text });
    const dated = server.messages.find((m) => m.sid === messageId)!;
    // Created a minute ago: Twilio's DateSent> filter, a whole day, still returns it.
    const minuteAgo = new Date(Date.now() - 60_000);
    dated.date_created = minuteAgo.toUTCString().replace('GMT', '+0000');

    expect(await sender.findSent(customer(to), { text }, new Date(minuteAgo.getTime() + 10_000))).toBeUndefined();
    expect(await sender.findSent(customer(to), { text }, new Date(minuteAgo.getTime() - 10_000))).toEqual({ messageId });
    dated.status = 'undelivered';
    expect(await sender.findSent(customer(to), { text }, new Date(minuteAgo.getTime() - 10_000))).toBeUndefined();
  });

  it('with a Messaging Service, asks without From and matches the service', async () => {
    const sender = new TwilioSmsSender(client, { messagingServiceSid: 'MG0123' });
    const other = new TwilioSmsSender(client, { messagingServiceSid: 'MG9999' });
    const to = '+15551240004';
    const since = new Date(Date.now() - 2_000);
    const { messageId } = await sender.send(customer(to), { text: 'Order BX-EEEE is refunded.' });

    expect(await sender.findSent(customer(to), { text: 'Order BX-EEEE is refunded.' }, since)).toEqual({ messageId });
    expect(server.requests.filter((r) => r.method === 'GET').at(-1)!.query.From).toBeUndefined();
    expect(await other.findSent(customer(to), { text: 'Order BX-EEEE is refunded.' }, since)).toBeUndefined();
  });
});
