// SMS consent, end to end (DESIGN rule 9): opt-out words opt the number out
// with one confirmation and then nothing at all is sent to it, not even the
// tickets of an order it pays for, until START, UNSTOP or YES; HELP and INFO
// are always answered; Twilio's 21610 opts a number out too. Texts go through
// the signed webhook, tickets through the real Twilio SDK to the local
// Twilio-compatible server, which records every request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { allCounts, newPhone, payLinkIn, smsTo, textBoxOffice, twilioRequestsFor } from './support/sms.client.js';
import { holdSeats, messagesAbout, payAndFulfil } from './support/sms-orders.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice();
});

afterAll(async () => {
  await office?.stop();
});

const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
const OPT_IN_WORDS = ['START', 'UNSTOP', 'YES'];
const UNSUBSCRIBED = /unsubscribed from the Box Office/;
const RESUBSCRIBED = /subscribed to the Box Office again/;

/** Each word as typed in capitals, in small letters, capitalised, and with the spaces and full stop phones add. */
function casings(word: string): string[] {
  const lower = word.toLowerCase();
  return [word, lower, lower[0]!.toUpperCase() + lower.slice(1), `  ${lower}. `];
}

/** The number gets an answer to "hi": it is opted in (an opted-out number gets none). */
async function answersHi(phone: string): Promise<boolean> {
  const reply = await textBoxOffice(office, phone, 'hi');
  expect(reply.status).toBe(200);
  return reply.messages.length > 0;
}

describe('opting out', () => {
  it.each(OPT_OUT_WORDS.flatMap((word) => casings(word).map((text) => [word, text] as const)))('%s (as %j) opts the number out with one confirmation', async (_word, text) => {
    const phone = newPhone();

    const reply = await textBoxOffice(office, phone, text);

    expect(reply.status).toBe(200);
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0]).toMatch(UNSUBSCRIBED);
    expect(reply.messages[0]).toContain('START');
    expect(await answersHi(phone)).toBe(false);
  });

  it('confirms once: a second STOP, and anything else, gets no answer and reaches no dialog', async () => {
    const phone = newPhone();
    const before = await allCounts(office);

    expect((await textBoxOffice(office, phone, 'STOP')).messages).toHaveLength(1);
    const again = await textBoxOffice(office, phone, 'stop');
    const purchase = await textBoxOffice(office, phone, '2 tickets lakers section 101');

    for (const reply of [again, purchase]) {
      expect(reply.status).toBe(200);
      expect(reply.twiml).toMatch(/<Response\/>|<Response><\/Response>/);
      expect(reply.messages).toEqual([]);
    }
    expect(await allCounts(office)).toEqual(before);
    expect(twilioRequestsFor(office, phone)).toBe(0);
  });

  it("takes Twilio's word for a keyword of its own (Advanced Opt-Out names it in OptOutType)", async () => {
    const phone = newPhone();

    const out = await textBoxOffice(office, phone, 'ARRET', { OptOutType: 'STOP' });
    expect(out.messages).toEqual([expect.stringMatching(UNSUBSCRIBED)]);
    expect(await answersHi(phone)).toBe(false);

    const back = await textBoxOffice(office, phone, 'REPRENDRE', { OptOutType: 'START' });
    expect(back.messages).toEqual([expect.stringMatching(RESUBSCRIBED)]);
    expect(await answersHi(phone)).toBe(true);
  });

  it.each([
    'please stop texting me so much',
    "don't stop",
    'I want to cancel my order',
    'when does the game end',
    'quit it',
    'stop by section 101',
  ])('does not opt out on a longer message that contains the word: %j', async (text) => {
    const phone = newPhone();

    const reply = await textBoxOffice(office, phone, text);

    expect(reply.status).toBe(200);
    expect(reply.messages.length).toBeGreaterThan(0);
    expect(reply.messages.join('\n')).not.toMatch(UNSUBSCRIBED);
    expect(await answersHi(phone)).toBe(true);
  });

  it('fulfils an order paid after STOP but sends no ticket SMS, and the timeline says why', async () => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    expect((await textBoxOffice(office, phone, 'STOP')).messages).toHaveLength(1);

    const { order, notice } = await payAndFulfil(office, orderId);

    expect(order.state).toBe('fulfilled');
    expect(order.tickets).toHaveLength(2);
    expect(notice.state).toBe('failed');
    expect(notice.attemptsMade).toBe(1);
    expect(twilioRequestsFor(office, phone)).toBe(0);
    expect(smsTo(office, phone)).toEqual([]);
    const why = order.timeline.find((entry) => entry.cause === 'notify:tickets:undeliverable');
    expect(why?.note).toMatch(/opted out/);
    expect(why?.note).toMatch(/STOP/);
    expect(order.timeline.some((entry) => entry.cause === 'notify:tickets')).toBe(false);
  });
});

describe('opting back in', () => {
  it.each(OPT_IN_WORDS.flatMap((word) => [word, word.toLowerCase()]))('%s after STOP opts the number back in with one confirmation', async (word) => {
    const phone = newPhone();
    await textBoxOffice(office, phone, 'STOP');
    expect(await answersHi(phone)).toBe(false);

    const reply = await textBoxOffice(office, phone, word);

    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0]).toMatch(RESUBSCRIBED);
    expect(reply.messages[0]).toContain('STOP');
    expect(await answersHi(phone)).toBe(true);
  });

  it('sends the tickets again once the number has texted START', async () => {
    const phone = newPhone();
    const orderId = await holdSeats(office, phone);
    await textBoxOffice(office, phone, 'STOP');
    await textBoxOffice(office, phone, 'START');

    const { order, notice } = await payAndFulfil(office, orderId);

    expect(notice.state).toBe('completed');
    const sent = messagesAbout(office, phone, orderId);
    expect(sent).toHaveLength(1);
    for (const ticket of order.tickets) expect(sent[0]!.body).toContain(ticket);
  });

  it('leaves YES and START to the conversation from a number that never opted out', async () => {
    const phone = newPhone();

    const yes = await textBoxOffice(office, phone, 'YES');
    const start = await textBoxOffice(office, phone, 'start');

    for (const reply of [yes, start]) {
      expect(reply.messages.length).toBeGreaterThan(0);
      expect(reply.messages.join('\n')).not.toMatch(RESUBSCRIBED);
    }
    expect(start.messages.join('\n')).toMatch(/which event/i);
  });
});

describe('help', () => {
  it.each(['HELP', 'help', 'Help', 'INFO', 'info'])('%s answers with the box office name and how to stop', async (word) => {
    const reply = await textBoxOffice(office, newPhone(), word);

    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0]).toContain('Box Office');
    expect(reply.messages[0]).toMatch(/Reply STOP to opt out/);
  });

  it('answers HELP from an opted-out number too, saying how to come back, and keeps it opted out', async () => {
    const phone = newPhone();
    await textBoxOffice(office, phone, 'STOP');

    const reply = await textBoxOffice(office, phone, 'help');

    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0]).toContain('Box Office');
    expect(reply.messages[0]).toMatch(/unsubscribed/);
    expect(reply.messages[0]).toContain('START');
    expect(await answersHi(phone)).toBe(false);
  });

  it('answers HELP mid-purchase and keeps the question open; EXIT, never CANCEL, is the word to leave', async () => {
    const phone = newPhone();
    const texts: string[] = [];
    const say = async (text: string) => {
      const reply = await textBoxOffice(office, phone, text);
      texts.push(...reply.messages);
      return reply.messages.join('\n');
    };

    expect(await say('2 lakers tickets')).toMatch(/which section/i);
    const help = await say('help');
    expect(help).toContain('EXIT');
    expect(await say('3')).toContain('Holding');
    const link = payLinkIn(texts.join('\n'));
    expect(link).toBeDefined();

    // Asking again for the same event offers to let the first hold go, by EXIT.
    expect(await say('2 tickets lakers section 102')).toMatch(/text EXIT to let them go/);
    expect(await say('exit')).toMatch(/cancelled and the seats are released/);
    expect(texts.join('\n')).not.toMatch(/\bCANCEL\b/);
    expect(await answersHi(phone)).toBe(true);
  });
});

describe("Twilio's 21610", () => {
  it('marks the number opted out: later notices are not attempted, and START brings it back', async () => {
    const phone = newPhone();
    const first = await holdSeats(office, phone, '2 tickets lakers section 101');
    const second = await holdSeats(office, phone, '2 tickets hozier section 201');
    expect(second).not.toBe(first);
    // The customer texted STOP to Twilio, which kept it from us.
    office.twilio.failFor(phone, { code: 21610 });

    const refused = await payAndFulfil(office, first);
    expect(refused.notice.state).toBe('failed');
    expect(twilioRequestsFor(office, phone)).toBe(1);
    expect(refused.order.timeline.find((entry) => entry.cause === 'notify:tickets:undeliverable')?.note).toMatch(/21610/);

    const skipped = await payAndFulfil(office, second);
    expect(skipped.order.state).toBe('fulfilled');
    expect(skipped.notice.state).toBe('failed');
    expect(twilioRequestsFor(office, phone)).toBe(1);
    expect(skipped.order.timeline.find((entry) => entry.cause === 'notify:tickets:undeliverable')?.note).toMatch(/opted out.*21610/);
    expect(await answersHi(phone)).toBe(false);

    office.twilio.clearFailures();
    expect((await textBoxOffice(office, phone, 'START')).messages[0]).toMatch(RESUBSCRIBED);
    expect(await answersHi(phone)).toBe(true);
  });
});
