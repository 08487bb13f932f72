// A message is read up to MAX_MESSAGE_CHARS (1,600, Twilio's limit on one SMS
// body), by every reader: the recognizer and the section lookup see the same
// bounded text. A chat window can send far more; what lies past the bound is
// not part of a ticket request, whoever reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../src/catalog/text.normalizer.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';
import { allCounts } from './support/sms.client.js';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  office = await startBoxOffice({ worker: false });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

describe('the 1,600-character bound', () => {
  it('keeps a section named past the bound from being read, at the "which section?" question', async () => {
    const user = chatUser(office.url, connector);
    const [question] = await user.say('2 tickets lakers');
    expect(question?.text).toContain('Lakers vs Warriors: which section?');
    const before = await allCounts(office);

    const chatter = 'blah '.repeat(MAX_MESSAGE_CHARS / 5);
    const replies = await user.say(`${chatter} section 101`);

    const shown = replies.map((reply) => reply.text ?? '').join('\n');
    expect(shown).not.toMatch(/Holding|Pay within/);
    expect(await allCounts(office)).toEqual(before);
  });

  it('still reads the same section named within the bound', async () => {
    const user = chatUser(office.url, connector);
    await user.say('2 tickets lakers');
    const chatter = 'blah '.repeat(MAX_MESSAGE_CHARS / 5 - 4);
    const replies = await user.say(`${chatter}section 101`);
    expect(`${chatter}section 101`.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(replies.map((reply) => reply.text ?? '').join('\n')).toMatch(/Holding .*Section 101/);
  });
});
