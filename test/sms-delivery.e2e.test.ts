// Delivery of the messages we start, end to end: Twilio's signed status
// callbacks are recorded on the order's timeline; a ticket message that did
// not arrive is sent once more through the queue, and if that one does not
// arrive either the order is flagged for staff; forged callbacks and ones for
// messages we never sent change nothing. Outbound SMS leave through a queue
// whose worker has a limiter of SMS_PER_SECOND.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.loader.js';
import { loadConfig } from '../src/config.js';
import { createFoundation } from '../src/roles/foundation.js';
import { startSmsWorker } from '../src/roles/sms.worker.js';
import { startBoxOffice, TEST_PUBLIC_BASE_URL, type BoxOffice } from './support/box-office.harness.js';
import { testRedisTarget, uniquePrefix } from './support/redis.js';
import { jobEnd, newPhone, staffOrder, textBoxOffice } from './support/sms.client.js';
import { forgedStatusSignature, holdSeats, messagesAbout, payAndFulfil, postStatus, statusParams, unknownSid } from './support/sms-orders.js';
import type { FakeTwilioMessage } from './support/twilio-api.server.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

/** A customer buys and pays; resolves with the order id and the one ticket SMS Twilio accepted. */
async function ticketsSent(): Promise<{ phone: string; orderId: string; sms: FakeTwilioMessage }> {
  const phone = newPhone();
  const orderId = await holdSeats(office, phone);
  const { notice } = await payAndFulfil(office, orderId);
  expect(notice.state).toBe('completed');
  const sent = messagesAbout(office, phone, orderId);
  expect(sent).toHaveLength(1);
  return { phone, orderId, sms: sent[0]! };
}

async function timeline(orderId: string) {
  return (await staffOrder(office, orderId)).timeline;
}

describe('delivery status callbacks', () => {
  it('asks Twilio to report to the public /sms/status URL', async () => {
    const { sms } = await ticketsSent();
    expect(sms.status_callback).toBe(`${TEST_PUBLIC_BASE_URL}/sms/status`);
  });

  it('records sent and delivered on the timeline, once each however often Twilio reports them', async () => {
    const { orderId, sms } = await ticketsSent();

    for (const status of ['queued', 'sent', 'delivered', 'delivered']) {
      expect((await postStatus(office, statusParams(sms, status))).status).toBe(204);
    }

    const entries = await timeline(orderId);
    expect(entries.filter((entry) => entry.cause === `sms:${sms.sid}:delivered`)).toEqual([
      expect.objectContaining({ note: 'tickets SMS delivered' }),
    ]);
    expect(entries.filter((entry) => entry.cause === `sms:${sms.sid}:sent`)).toHaveLength(1);
    expect(entries.some((entry) => entry.cause.endsWith(':queued'))).toBe(false);
    expect(entries.find((entry) => entry.cause === 'notify:tickets')?.note).toContain(sms.sid);
  });

  it.each(['undelivered', 'failed'])('sends the tickets once more when the first is %s, then flags the order for staff when the resend is not delivered either', async (status) => {
    const { phone, orderId, sms } = await ticketsSent();

    // The first message did not arrive: one resend, through the SMS queue.
    expect((await postStatus(office, statusParams(sms, status, 30003))).status).toBe(204);
    const resend = await jobEnd(office, 'sms', `tickets-${orderId}-resend-1`);
    expect(resend.state).toBe('completed');
    const sent = messagesAbout(office, phone, orderId);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBe(sms.body);
    let entries = await timeline(orderId);
    expect(entries.find((entry) => entry.cause === `sms:${sms.sid}:${status}`)?.note).toBe(`tickets SMS ${status} (error 30003)`);
    expect(entries.find((entry) => entry.cause === 'notify:tickets:resend-1')?.note).toContain(sent[1]!.sid);

    // Twilio repeating the first report sends nothing more.
    expect((await postStatus(office, statusParams(sms, status, 30003))).status).toBe(204);

    // The resend does not arrive either: flagged for staff, and no third message.
    expect((await postStatus(office, statusParams(sent[1]!, 'undelivered', 30005))).status).toBe(204);
    entries = await timeline(orderId);
    expect(entries.find((entry) => entry.cause === `sms:${sent[1]!.sid}:undelivered`)?.note).toBe('tickets SMS (resend 1) undelivered (error 30005)');
    const flags = entries.filter((entry) => entry.cause.startsWith('staff-attention:'));
    expect(flags).toHaveLength(1);
    expect(flags[0]!.note).toMatch(/^Needs staff: the tickets SMS did not arrive/);
    expect(await office.foundation.queues.sms.getJob(`tickets-${orderId}-resend-2`)).toBeUndefined();
    expect(messagesAbout(office, phone, orderId)).toHaveLength(2);
    expect((await staffOrder(office, orderId)).state).toBe('fulfilled');
  });

  it('records a delivered resend without flagging anything', async () => {
    const { phone, orderId, sms } = await ticketsSent();
    await postStatus(office, statusParams(sms, 'undelivered', 30003));
    await jobEnd(office, 'sms', `tickets-${orderId}-resend-1`);
    const resent = messagesAbout(office, phone, orderId)[1]!;

    expect((await postStatus(office, statusParams(resent, 'delivered'))).status).toBe(204);

    const entries = await timeline(orderId);
    expect(entries.find((entry) => entry.cause === `sms:${resent.sid}:delivered`)?.note).toBe('tickets SMS (resend 1) delivered');
    expect(entries.some((entry) => entry.cause.startsWith('staff-attention:'))).toBe(false);
  });

  it('opts the number out when Twilio reports 21610 for a message, and the resend is not attempted', async () => {
    const { phone, orderId, sms } = await ticketsSent();

    await postStatus(office, statusParams(sms, 'failed', 21610));

    const resend = await jobEnd(office, 'sms', `tickets-${orderId}-resend-1`);
    expect(resend.state).toBe('failed');
    expect(messagesAbout(office, phone, orderId)).toHaveLength(1);
    expect((await timeline(orderId)).find((entry) => entry.cause === 'notify:tickets:resend-1:undeliverable')?.note).toMatch(/opted out/);
    expect((await textBoxOffice(office, phone, 'hi')).messages).toEqual([]);
  });

  it('refuses a forged callback with 403 and records nothing', async () => {
    const { phone, orderId, sms } = await ticketsSent();
    const before = await timeline(orderId);
    const params = statusParams(sms, 'undelivered', 30003);

    const forged = await postStatus(office, params, forgedStatusSignature(params));
    const unsigned = await postStatus(office, params, null);

    expect(forged.status).toBe(403);
    expect(unsigned.status).toBe(403);
    expect(await timeline(orderId)).toEqual(before);
    expect(await office.foundation.queues.sms.getJob(`tickets-${orderId}-resend-1`)).toBeUndefined();
    expect(messagesAbout(office, phone, orderId)).toHaveLength(1);
  });

  it('answers 2xx to a callback for a message we never sent, and records nothing', async () => {
    const { orderId, sms } = await ticketsSent();
    const before = await timeline(orderId);

    for (const status of ['delivered', 'undelivered']) {
      const reply = await postStatus(office, statusParams({ sid: unknownSid(), to: sms.to }, status, 30003));
      expect(reply.status).toBeGreaterThanOrEqual(200);
      expect(reply.status).toBeLessThan(300);
    }

    expect(await timeline(orderId)).toEqual(before);
  });
});

describe('outbound SMS rate', () => {
  it('sends SMS through a worker limited to SMS_PER_SECOND, by default one a second (a US long code)', async () => {
    expect(loadConfig({}).twilio.smsPerSecond).toBe(1);
    const config = loadConfig({ LOG_LEVEL: 'silent', SMS_PER_SECOND: '7' });
    const prefix = uniquePrefix();
    const foundation = createFoundation({ config, log: pino({ level: 'silent' }), catalog: loadCatalog(config.catalogPath, new Date()), redis: testRedisTarget(), keyPrefix: prefix, queuePrefix: prefix });
    try {
      const worker = startSmsWorker(foundation, { ...foundation.commerce, sender: { send: async () => undefined }, log: foundation.log });
      expect(worker.name).toBe('sms-outbound');
      expect(worker.opts.limiter).toEqual({ max: 7, duration: 1_000 });
      await worker.close();
    } finally {
      await foundation.close();
    }
  });

  it.each(['0', '-1', '2.5', 'lots'])('refuses SMS_PER_SECOND=%s with a message naming it', (value) => {
    expect(() => loadConfig({ SMS_PER_SECOND: value })).toThrow(/SMS_PER_SECOND/);
  });
});
