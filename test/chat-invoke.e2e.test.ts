// Chat `invoke` activities (Adaptive Card Action.Execute, sign-in, Teams task
// modules, names no one knows) ask for an answer in the HTTP response. The bot
// starts none of them, so it acknowledges each with an invoke response, as
// the Bot Framework protocol expects, and never a 5xx: an activity the bot
// does not handle is not a failure on our side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postActivityToBot } from '../src/channels/chat/emulator-connector.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';

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

describe('chat invoke activities', () => {
  it.each([
    ['signin/verifyState', { state: '123456' }],
    ['signin/tokenExchange', { id: 'x', connectionName: 'none', token: 'ey...' }],
    ['task/fetch', { data: { type: 'task/fetch' } }],
    ['application/search', { kind: 'search', queryText: 'lakers' }],
    ['composeExtension/query', undefined],
    ['something/nobody-knows', 'a value'],
    [undefined, undefined],
  ])('answers %s with 200 and sends nothing into the chat', async (name, value) => {
    const user = chatUser(office.url, connector);
    const invoke = { ...user.message(''), type: 'invoke', text: undefined, ...(name ? { name } : {}), ...(value === undefined ? {} : { value }) };
    const answer = await postActivityToBot(`${office.url}/api/messages`, invoke);
    expect(answer.status).toBe(200);
    expect(user.received()).toEqual([]);
    // The conversation goes on as before.
    const [reply] = await user.say('hi');
    expect(reply?.text).toMatch(/which event/i);
  });

  it.each([
    ['an Action.Execute', { action: { type: 'Action.Execute', verb: 'buy', data: {} }, trigger: 'manual' }],
    ['no value', undefined],
    ['an action of another type', { action: { type: 'Action.Submit' } }],
  ])('answers an adaptiveCard/action with %s with the Universal Actions error, not a 5xx', async (_what, value) => {
    const user = chatUser(office.url, connector);
    const invoke = { ...user.message(''), type: 'invoke', text: undefined, name: 'adaptiveCard/action', ...(value === undefined ? {} : { value }) };
    const answer = await postActivityToBot(`${office.url}/api/messages`, invoke);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NotSupported' } });
    expect(user.received()).toEqual([]);
  });
});
