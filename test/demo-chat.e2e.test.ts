// The demo chat's local Direct Line, as Web Chat's directlinejs speaks it
// (polling): a conversation, the page's activities echoed into the stream and
// posted to the bot, the bot's replies after them; refusals for what no Web
// Chat sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';

let office: BoxOffice;
let withAppId: BoxOffice;

beforeAll(async () => {
  [office, withAppId] = await Promise.all([
    startBoxOffice({ demo: true }),
    startBoxOffice({ demo: true, env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([office?.stop(), withAppId?.stop()]);
});

const DIRECT_LINE = '/demo/chat/directline';

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

async function startConversation(): Promise<string> {
  const started = await fetch(`${office.url}${DIRECT_LINE}/conversations`, { method: 'POST', headers: { authorization: 'Bearer demo' } });
  expect(started.status).toBe(201);
  return (await json(started)).conversationId as string;
}

function post(conversationId: string, activity: unknown): Promise<Response> {
  return fetch(`${office.url}${DIRECT_LINE}/conversations/${conversationId}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
}

async function activities(conversationId: string, watermark = ''): Promise<{ activities: Array<{ id: string; type: string; text?: string; from: { id: string; role?: string } }>; watermark: string }> {
  const response = await fetch(`${office.url}${DIRECT_LINE}/conversations/${conversationId}/activities?watermark=${watermark}`);
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

describe('the demo chat\'s local Direct Line', () => {
  it('echoes what the page sends, then the bot\'s answers, from a watermark on', async () => {
    const id = await startConversation();
    const sent = await post(id, { type: 'message', text: '2 tickets lakers section 101', from: { id: 'web-user-1', name: 'You' }, channelData: { clientActivityID: 'c1' } });
    expect(sent.status).toBe(200);
    const { id: activityId } = (await json(sent)) as { id: string };
    const first = await activities(id);
    expect(first.activities[0]).toMatchObject({ id: activityId, type: 'message', text: '2 tickets lakers section 101', from: { id: 'web-user-1', role: 'user' }, channelData: { clientActivityID: 'c1' } });
    expect(first.activities[1]).toMatchObject({ type: 'message', from: { role: 'bot' }, text: expect.stringContaining('Holding Section 101') });
    // Nothing new after the watermark until something happens.
    expect((await activities(id, first.watermark)).activities).toEqual([]);
    // The order is the chat customer's, on the webchat channel.
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', 'webchat:web-user-1');
    expect(order).toMatchObject({ state: 'awaiting_payment', quantity: 2 });
  });

  it('refuses an unknown conversation, and a body that is no activity, changing nothing', async () => {
    const unknown = await post('no-such-conversation', { type: 'message', text: 'hi', from: { id: 'x' } });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${office.url}${DIRECT_LINE}/conversations/no-such-conversation/activities`)).status).toBe(404);
    const id = await startConversation();
    expect((await post(id, 'hello')).status).toBe(400);
    expect((await post(id, { text: 'no type' })).status).toBe(400);
    const broken = await fetch(`${office.url}${DIRECT_LINE}/conversations/${id}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(broken.status).toBe(400);
    expect((await activities(id)).activities).toEqual([]);
  });

  it('is not there when the bot has an app id (its /api/messages wants a token)', async () => {
    expect((await fetch(`${withAppId.url}/demo/chat`)).status).toBe(404);
    expect((await fetch(`${withAppId.url}${DIRECT_LINE}/conversations`, { method: 'POST' })).status).toBe(404);
  });
});
