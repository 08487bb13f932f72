// Twilio's two webhooks under attack: texts signed with the SDK's own helper
// (what Twilio would send, with hostile contents), forged, unsigned and
// malformed requests, and delivery status callbacks.
import twilio from 'twilio';
import { BENCH } from '../box-office.process.js';
import { phone } from '../customers.js';
import { hostileText } from './hostile-text.js';
import type { FuzzRequest, FuzzWorld } from './fuzz.request.js';
import { forwardedFor, oversized } from './fuzz.request.js';
import type { Prng } from './prng.js';

const FORM = 'application/x-www-form-urlencoded';
/** Distinct senders: enough that the per-sender limit rarely speaks, so texts reach the bot. */
const SENDERS = 5_000;
const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'receiving', 'bogus'];

type Params = Record<string, string | string[]>;

/** A request to POST /sms/inbound. */
export function smsInbound(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const path = rng.chance(0.05) ? `/sms/inbound?${rng.pick(['x=1', 'Body=injected', 'a=%ZZ', ''])}` : '/sms/inbound';
  return rng.weighted<() => FuzzRequest>([
    [55, () => signed(rng, 'POST /sms/inbound', 'signed text', path, textParams(rng))],
    [8, () => signed(rng, 'POST /sms/inbound', 'signed, odd fields', path, oddParams(rng))],
    [4, () => signed(rng, 'POST /sms/inbound', 'signed, repeated fields', path, { ...textParams(rng), Body: [hostileText(rng), hostileText(rng)] })],
    [12, () => forged(rng, 'POST /sms/inbound', path, textParams(rng))],
    [8, () => malformed(rng, 'POST /sms/inbound', path, 64)],
    [3, () => signed(rng, 'POST /sms/inbound', 'signed, past 64 kB', path, { ...textParams(rng), Body: oversized(rng, 64, hostileText(rng) || 'x') })],
  ])();
}

/** A request to POST /sms/status: delivery reports for messages we sent, and for ones we never did. */
export function smsStatus(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  const sent = world.twilio.messages;
  const sid = sent.length > 0 && rng.chance(0.6) ? rng.pick(sent).sid : rng.pick([`SM${rng.chars(32, '0123456789abcdef')}`, '', 'x'.repeat(80), `SM${rng.pick(['🎟️', '\u0000', '<x>'])}`]);
  const params: Params = { MessageSid: sid, MessageStatus: rng.pick(STATUSES), AccountSid: BENCH.twilio.sid, To: phone(rng.int(0, SENDERS - 1)) };
  if (rng.chance(0.4)) params.ErrorCode = rng.pick(['30003', '30005', '30006', '21610', '30008', 'abc', '9'.repeat(20)]);
  return rng.weighted<() => FuzzRequest>([
    [60, () => signed(rng, 'POST /sms/status', 'signed status', '/sms/status', params)],
    [20, () => forged(rng, 'POST /sms/status', '/sms/status', params)],
    [20, () => malformed(rng, 'POST /sms/status', '/sms/status', 64)],
  ])();
}

function textParams(rng: Prng): Params {
  return { From: phone(rng.int(0, SENDERS - 1)), To: BENCH.twilio.from, Body: hostileText(rng), MessageSid: `SM${rng.chars(32, '0123456789abcdef')}`, NumMedia: '0', AccountSid: BENCH.twilio.sid };
}

/** Fields Twilio would never send, or would send differently: other channels, media, no sender, huge values. */
function oddParams(rng: Prng): Params {
  const params = textParams(rng);
  const change = rng.pick<(p: Params) => void>([
    (p) => delete p.From,
    (p) => (p.From = rng.pick(['', 'x'.repeat(65), 'whatsapp:+15551234567', 'client:alice', '+1555\u0000', '🎟️', '+1 (555) 000-0000'])),
    (p) => (p.NumMedia = rng.pick(['3', '-1', '11', 'abc', '1e9', ''])),
    (p) => Object.assign(p, { NumMedia: '1', MediaUrl0: 'http://127.0.0.1:9/media.jpg', MediaContentType0: 'image/jpeg' }),
    (p) => (p.OptOutType = rng.pick(['STOP', 'START', 'HELP', 'x'.repeat(40), ''])),
    (p) => (p.MessageSid = 'x'.repeat(rng.int(65, 300))),
    (p) => (p.To = 'x'.repeat(rng.int(65, 300))),
    (p) => Object.assign(p, Object.fromEntries(Array.from({ length: rng.int(50, 400) }, (_, i) => [`Extra${i}`, hostileText(rng).slice(0, 50)]))),
  ]);
  change(params);
  return params;
}

/** Signed with twilio.getExpectedTwilioSignature over PUBLIC_BASE_URL + path, as Twilio signs. */
function signed(rng: Prng, route: FuzzRequest['route'], variant: string, path: string, params: Params): FuzzRequest {
  const signature = twilio.getExpectedTwilioSignature(BENCH.twilio.token, `${BENCH.publicBaseUrl}${path}`, params as Record<string, string>);
  return { route, variant, method: 'POST', path, headers: { 'content-type': FORM, 'x-twilio-signature': signature, ...forwardedFor(rng) }, body: form(params) };
}

/** Signatures that must fail: none, made up, over another URL, with another token, or for other fields. */
function forged(rng: Prng, route: FuzzRequest['route'], path: string, params: Params): FuzzRequest {
  const [variant, signature] = rng.pick<[string, string | undefined]>([
    ['no signature', undefined],
    ['made-up signature', Buffer.from(rng.chars(20)).toString('base64')],
    ['signature, other URL', twilio.getExpectedTwilioSignature(BENCH.twilio.token, `http://127.0.0.1${path}`, params as Record<string, string>)],
    ['signature, other token', twilio.getExpectedTwilioSignature('not-the-token', `${BENCH.publicBaseUrl}${path}`, params as Record<string, string>)],
    ['signature, other fields', twilio.getExpectedTwilioSignature(BENCH.twilio.token, `${BENCH.publicBaseUrl}${path}`, { ...params, Body: 'something else' } as Record<string, string>)],
    ['garbage signature', rng.pick(['', ' ', '=', 'x'.repeat(5000), '🎟️', 'a,b,c'])],
  ]);
  const headers: Record<string, string> = { 'content-type': FORM, ...forwardedFor(rng) };
  // fetch refuses non-ASCII header values; such a signature goes as its UTF-8 bytes read as Latin-1, as a raw client would send it.
  if (signature !== undefined) headers['x-twilio-signature'] = Buffer.from(signature).toString('latin1');
  return { route, variant: `forged: ${variant}`, method: 'POST', path, headers, body: form(params) };
}

/** Bodies that are not a Twilio form: other types, broken encodings, nothing, or too much. */
function malformed(rng: Prng, route: FuzzRequest['route'], path: string, limitKb: number): FuzzRequest {
  const [variant, contentType, body] = rng.pick<[string, string | undefined, string | Buffer | undefined]>([
    ['JSON body', 'application/json', JSON.stringify({ From: phone(1), Body: 'hi' })],
    ['broken percent-encoding', FORM, 'From=%2B1555%ZZ&Body=%E0%A4%A&To=%'],
    ['no body', FORM, undefined],
    ['binary body', 'application/octet-stream', Buffer.from(Array.from({ length: rng.int(1, 4000) }, () => rng.int(0, 255)))],
    ['UTF-16 charset', `${FORM}; charset=utf-16`, 'From=%2B15550000001&Body=hi'],
    ['no content type', undefined, 'From=%2B15550000001&Body=hi'],
    ['thousands of fields', FORM, Array.from({ length: rng.int(1_000, 5_000) }, (_, i) => `f${i}=${i}`).join('&')],
    ['past the limit', FORM, `Body=${oversized(rng, limitKb)}`],
  ]);
  const headers: Record<string, string> = { 'x-twilio-signature': Buffer.from(rng.chars(20)).toString('base64') };
  if (contentType) headers['content-type'] = contentType;
  return { route, variant: `malformed: ${variant}`, method: 'POST', path, headers, body };
}

function form(params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) search.append(name, one);
  return search.toString();
}
