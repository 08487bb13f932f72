import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwimlReplies } from '../src/channels/sms/twiml.replies.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { textBoxOffice } from './support/sms.client.js';

/** What twilio's own builder writes for these texts, one <Message> each. */
function twilioTwiml(texts: string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  for (const text of texts) response.message(text);
  return response.toString();
}

describe('TwiML replies to inbound texts', () => {
  it("is exactly twilio's TwiML, escaping included, the first time and every time after", () => {
    const replies = new TwimlReplies();
    const texts = ['Section 101 is sold out. Would one of these work?', '[1] Stalls & Circle <front> - $50\r\n"quoted"'];
    expect(replies.for(texts)).toBe(twilioTwiml(texts));
    expect(replies.for(texts)).toBe(twilioTwiml(texts));
    expect(replies.for([])).toBe(twilioTwiml([]));
  });

  it('never answers one customer with the reply kept for another', () => {
    const replies = new TwimlReplies({ maxCached: 2 });
    const each = ['Holding seat A-1: pay http://x/p/BX-AAAA', 'Holding seat A-2: pay http://x/p/BX-BBBB', 'Holding seat A-3: pay http://x/p/BX-CCCC'];
    for (let round = 0; round < 3; round++) {
      for (const text of each) expect(replies.for([text])).toBe(twilioTwiml([text]));
    }
    // Texts that join to the same string are still different replies.
    expect(replies.for(['a', 'b'])).toBe(twilioTwiml(['a', 'b']));
    expect(replies.for(['ab'])).toBe(twilioTwiml(['ab']));
  });

  it('sends more than ten texts as nine messages and a tenth that holds the rest (Twilio error 14109)', () => {
    const texts = Array.from({ length: 12 }, (_, n) => `message ${n + 1}`);
    expect(new TwimlReplies().for(texts)).toBe(twilioTwiml([...texts.slice(0, 9), 'message 10\n\nmessage 11\n\nmessage 12']));
  });

  it('drops what XML 1.0 cannot carry, so the answer is always TwiML', () => {
    const replies = new TwimlReplies();
    const texts = ['No event matches "\u0000\u0007\u000b\u001b[1m".', 'odd \ufffe\uffff \ud800 end', 'kept: tab\t, lines\r\n, 🎟️ and ünïcödé'];
    expect(replies.for(texts)).toBe(twilioTwiml(['No event matches "[1m".', 'odd   end', 'kept: tab\t, lines\r\n, 🎟️ and ünïcödé']));
  });
});

describe('TwiML through the SMS route', () => {
  const STAFF_PHONE = '+15550003333';
  let office: BoxOffice;

  beforeAll(async () => {
    office = await startBoxOffice({ worker: false, env: { STAFF_IDS: STAFF_PHONE } });
  });

  afterAll(async () => {
    await office?.stop();
  });

  it('answers a reply that echoes control characters with valid TwiML, not a 500', async () => {
    // The staff desk names back what it was asked for: "No event matches …".
    const reply = await textBoxOffice(office, STAFF_PHONE, 'inventory \u0007\u0001bell');
    expect(reply.status).toBe(200);
    expect(reply.twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>/);
    expect(reply.messages).toEqual(['No event matches "bell".']);
  });
});
