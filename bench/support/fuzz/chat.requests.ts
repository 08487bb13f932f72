// The Bot Framework channel under attack, in anonymous mode (no
// MicrosoftAppId, as the Emulator speaks): activities of every type,
// malformed ones, invokes the bot does not handle, and identities a client
// claims for itself (an SMS customer's number, a staff id, another user).
// Replies go to a local connector, or to a loopback port nobody answers.
import { phone } from '../customers.js';
import { hostileText } from './hostile-text.js';
import { forwardedFor, jsonRequest, oversized, type FuzzRequest, type FuzzWorld } from './fuzz.request.js';
import type { Prng } from './prng.js';

const PATH = '/api/messages';
/** Users and conversations the fuzz writes as: some come back, so dialogs go past their first question. */
const USERS = 2_000;
/** A STAFF_IDS entry the fuzz office is started with (fuzz.bench.ts): a client claiming it must not be staff. */
export const CLAIMED_STAFF_PHONE = '+15550009999';
export const CLAIMED_STAFF_CHAT = 'emulator:staff-user';

const INVOKES = ['adaptiveCard/action', 'signin/verifyState', 'signin/tokenExchange', 'composeExtension/query', 'task/fetch', 'healthCheck', 'actionableMessage/executeAction', 'x'.repeat(300), ''];
const OTHER_TYPES = ['typing', 'endOfConversation', 'messageReaction', 'installationUpdate', 'messageUpdate', 'messageDelete', 'handoff', 'trace', 'command', 'suggestion', 'x', '🎟️'];

/** A request to POST /api/messages. */
export function chatMessage(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  return rng.weighted<() => FuzzRequest>([
    [45, () => post(rng, 'message', { ...base(world), type: 'message', text: hostileText(rng) })],
    [10, () => post(rng, 'claimed identity', claimed(world))],
    [6, () => post(rng, 'conversationUpdate', { ...base(world), type: 'conversationUpdate', membersAdded: [{ id: `u-${rng.int(0, USERS)}` }, { id: 'bot' }] })],
    [8, () => post(rng, 'invoke', { ...base(world), type: 'invoke', name: rng.pick(INVOKES), value: rng.pick([{}, null, { action: { type: 'Action.Execute', verb: 'x', data: {} } }, 'x', [1, 2]]) })],
    [5, () => post(rng, 'event', { ...base(world), type: 'event', name: rng.pick(['webchat/join', 'tokens/response', 'x']), value: rng.pick([{ language: 'en' }, null, 'x']) })],
    [5, () => post(rng, 'other activity type', { ...base(world), type: rng.pick(OTHER_TYPES), text: hostileText(rng) })],
    [8, () => post(rng, 'broken fields', broken(world))],
    [10, () => malformed(rng)],
    [3, () => post(rng, 'message, undeliverable replies', { ...base(world), serviceUrl: rng.pick([world.deadUrl, 'not a url', '', 'ftp://127.0.0.1/x', 'http://127.0.0.1:0']), type: 'message', text: hostileText(rng) })],
  ])();
}

/** A well-formed activity envelope from one of the fuzz's users. */
function base(world: FuzzWorld): Record<string, unknown> {
  const { rng } = world;
  const user = rng.int(0, USERS - 1);
  return {
    id: `act-${rng.chars(12)}`,
    channelId: rng.weighted([[70, 'emulator'], [20, 'webchat'], [10, 'directline']]),
    serviceUrl: world.connectorUrl,
    from: { id: `fuzz-user-${user}`, name: 'Fuzz', role: 'user' },
    recipient: { id: 'bot', name: 'Box Office', role: 'bot' },
    conversation: { id: `fuzz-conversation-${user}` },
    timestamp: new Date().toISOString(),
    locale: rng.pick(['en-US', 'es', '', 'xx-🎟️']),
  };
}

/** A client writing as someone it is not: the route, not the activity, says who writes (DESIGN rule 10). */
function claimed(world: FuzzWorld): Record<string, unknown> {
  const { rng } = world;
  const number = rng.chance(0.2) ? CLAIMED_STAFF_PHONE : phone(rng.int(0, 4_999));
  const [channelId, fromId] = rng.pick<[string, string]>([
    ['sms', number],
    ['sms', CLAIMED_STAFF_PHONE],
    ['emulator', number],
    ['emulator', CLAIMED_STAFF_CHAT.slice('emulator:'.length)],
    ['msteams', `29:${rng.chars(20)}`],
    ['twilio-sms', number],
  ]);
  const text = rng.pick(['status', 'my tickets', 'cancel BX-AAAA', 'refund BX-AAAA', 'orders lakers-warriors', hostileText(rng)]);
  return { ...base(world), channelId, from: { id: fromId, name: 'Someone else', role: rng.pick(['user', 'bot', 'skill']) }, recipient: { id: 'bot', role: rng.pick(['bot', 'skill']) }, type: 'message', text };
}

/** An activity with a field of the wrong shape. */
function broken(world: FuzzWorld): Record<string, unknown> {
  const { rng } = world;
  const activity: Record<string, unknown> = { ...base(world), type: 'message', text: hostileText(rng) };
  rng.pick<() => void>([
    () => delete activity.conversation,
    () => delete activity.from,
    () => (activity.from = { id: rng.pick(['', 'x'.repeat(10_000), null, 42]) }),
    () => (activity.conversation = { id: rng.pick([null, 42, {}, '', 'x'.repeat(10_000)]) }),
    () => (activity.text = rng.pick([42, null, {}, ['a'], true])),
    () => (activity.attachments = rng.pick([{}, 'x', [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1:9/x.png' }], [null]])),
    () => (activity.entities = [{ type: 'mention', mentioned: { id: 'bot' }, text: '<at>bot</at>' }, null]),
    () => (activity.channelData = { deep: nested(rng.int(10, 200)) }),
    () => (activity.value = { text: hostileText(rng) }),
    () => (activity.replyToId = 'x'.repeat(rng.int(1, 5000))),
    () => (activity.timestamp = rng.pick(['yesterday', '', 42, '9999-99-99T99:99:99Z'])),
    () => (activity.membersAdded = rng.pick(['x', [null], [{}], Array.from({ length: 500 }, (_, i) => ({ id: `m${i}` }))])),
  ])();
  return activity;
}

/** Bodies that are not an activity at all. */
function malformed(rng: Prng): FuzzRequest {
  const [variant, body, contentType] = rng.pick<[string, string, string?]>([
    ['not JSON', '{"type": "message", "text": ', undefined],
    ['JSON null', 'null', undefined],
    ['JSON array', '[{"type":"message"}]', undefined],
    ['JSON number', '42', undefined],
    ['no type', JSON.stringify({ text: 'hi', conversation: { id: 'c' } }), undefined],
    ['type not a string', JSON.stringify({ type: 1, text: 'hi' }), undefined],
    ['deeply nested', `${'['.repeat(rng.int(1_000, 20_000))}${']'.repeat(rng.int(1_000, 20_000))}`, undefined],
    ['past 256 kB', JSON.stringify({ type: 'message', text: oversized(rng, 256) }), undefined],
    ['text/plain', JSON.stringify({ type: 'message', text: 'hi' }), 'text/plain'],
    ['empty', '', undefined],
  ]);
  return jsonRequest('POST /api/messages', `malformed: ${variant}`, 'POST', PATH, body, { ...(contentType ? { 'content-type': contentType } : {}), ...forwardedFor(rng) });
}

function post(rng: Prng, variant: string, activity: Record<string, unknown>): FuzzRequest {
  // Anonymous mode ignores the token, so a forged one must change nothing (and must not send the box office off to fetch signing keys).
  const auth: Record<string, string> = rng.chance(0.1) ? { authorization: rng.pick(['Bearer not-a-jwt', 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.', 'Basic YTpi', '']) } : {};
  return jsonRequest('POST /api/messages', variant, 'POST', PATH, activity, { ...auth, ...forwardedFor(rng) });
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
