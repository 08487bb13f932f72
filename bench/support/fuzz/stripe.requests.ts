// Stripe's webhook under attack: events signed with the SDK's own helper
// (stripe.webhooks.generateTestHeaderString) for real and unknown sessions,
// with malformed data, or not events at all; forged, stale and missing
// signatures; bodies past the limit.
import Stripe from 'stripe';
import { stripeEventFor } from '../../../src/payments/stripe-event.build.js';
import { BENCH } from '../box-office.process.js';
import { forwardedFor, oversized, type FuzzRequest, type FuzzWorld } from './fuzz.request.js';
import type { Prng } from './prng.js';

const PATH = '/webhooks/stripe';
const SESSION_TYPES = ['checkout.session.completed', 'checkout.session.expired', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'];
const OTHER_TYPES = ['refund.created', 'refund.updated', 'refund.failed', 'charge.refunded', 'charge.refund.updated', 'customer.created', 'payment_intent.succeeded', 'x', ''];
/** Stripe's tolerance for a signature's timestamp is 300 s; older must be refused. */
const STALE_SECONDS = 301;

/** A request to POST /webhooks/stripe. */
export function stripeWebhook(world: FuzzWorld): FuzzRequest {
  const { rng } = world;
  return rng.weighted<() => FuzzRequest>([
    [30, () => signed(rng, 'signed, real session', JSON.stringify(stripeEventFor(rng.pick(SESSION_TYPES), realSession(world), eventId(rng))))],
    [15, () => signed(rng, 'signed, unknown session', JSON.stringify(stripeEventFor(rng.pick(SESSION_TYPES), unknownSession(rng), eventId(rng))))],
    [10, () => signed(rng, 'signed, other event types', JSON.stringify(stripeEventFor(rng.pick(OTHER_TYPES), { id: `re_${rng.chars(14)}`, object: 'refund', amount: rng.int(-5, 10_000) }, eventId(rng))))],
    [12, () => malformedEvent(rng)],
    [20, () => forged(rng)],
    [3, () => signed(rng, 'signed, past 512 kB', JSON.stringify({ ...stripeEventFor('checkout.session.completed', unknownSession(rng)), padding: oversized(rng, 512) }))],
    [2, () => ({ route: 'POST /webhooks/stripe', variant: 'unsigned, past 512 kB', method: 'POST', path: PATH, headers: { 'content-type': 'application/json' }, body: oversized(rng, 512) })],
  ])();
}

/** A session the local Stripe server holds, sometimes paid first, sometimes with fields changed (the worker must ask Stripe, not trust the body). */
function realSession(world: FuzzWorld): object {
  const { rng } = world;
  const session = sampleValue(world.stripe.sessions, rng);
  if (!session) return unknownSession(rng);
  if (rng.chance(0.3) && session.status === 'open') world.stripe.markPaid(session.id);
  const copy = { ...world.stripe.sessions.get(session.id)! };
  if (rng.chance(0.2)) Object.assign(copy, rng.pick([{ amount_total: 1 }, { currency: 'jpy' }, { payment_status: 'paid' }, { metadata: { orderId: 'BX-AAAA' } }, { client_reference_id: null }]));
  return copy;
}

function unknownSession(rng: Prng): object {
  return { id: `cs_test_${rng.chars(24)}`, object: 'checkout.session', status: 'complete', payment_status: 'paid', client_reference_id: `BX-${rng.chars(4, 'ABCDEFGHJKMNPQRSTVWXYZ23456789')}`, metadata: { orderId: 'BX-AAAA', kind: rng.pick(['tickets', 'upgrade', 'x']) }, amount_total: rng.int(0, 1_000_000), currency: 'usd' };
}

/** Signed events whose shape is wrong: no data, null objects, odd ids, not an object at all (issue 13, item 9). */
function malformedEvent(rng: Prng): FuzzRequest {
  const event = stripeEventFor('checkout.session.completed', unknownSession(rng), eventId(rng)) as unknown as Record<string, unknown>;
  const [variant, payload] = rng.pick<[string, () => string]>([
    ['no data', () => JSON.stringify({ ...event, data: undefined })],
    ['data null', () => JSON.stringify({ ...event, data: null })],
    ['data.object missing', () => JSON.stringify({ ...event, data: {} })],
    ['data.object null', () => JSON.stringify({ ...event, data: { object: null } })],
    ['data.object a string', () => JSON.stringify({ ...event, data: { object: 'cs_x' } })],
    ['id a number', () => JSON.stringify({ ...event, id: rng.int(0, 1e9) })],
    ['id null', () => JSON.stringify({ ...event, id: null })],
    ['id an object', () => JSON.stringify({ ...event, id: { a: 1 } })],
    ['id with colons', () => JSON.stringify({ ...event, id: 'evt:1:2' })],
    ['id very long', () => JSON.stringify({ ...event, id: `evt_${'x'.repeat(10_000)}` })],
    ['type not a string', () => JSON.stringify({ ...event, type: 42 })],
    ['root an array', () => JSON.stringify([event])],
    ['root null', () => 'null'],
    ['root a string', () => '"evt"'],
    ['not JSON', () => '{"id": "evt_1", '],
    ['empty', () => ''],
  ]);
  return signed(rng, `signed, malformed: ${variant}`, payload());
}

/** Signatures Stripe never made. */
function forged(rng: Prng): FuzzRequest {
  const payload = JSON.stringify(stripeEventFor(rng.pick(SESSION_TYPES), unknownSession(rng), eventId(rng)));
  const [variant, header] = rng.pick<[string, string | undefined]>([
    ['no signature', undefined],
    ['other secret', Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_ours' })],
    ['stale timestamp', Stripe.webhooks.generateTestHeaderString({ payload, secret: BENCH.stripe.webhookSecret, timestamp: Math.floor(Date.now() / 1000) - STALE_SECONDS })],
    ['other payload', Stripe.webhooks.generateTestHeaderString({ payload: `${payload} `, secret: BENCH.stripe.webhookSecret })],
    ['made-up v1', `t=${Math.floor(Date.now() / 1000)},v1=${rng.chars(64, '0123456789abcdef')}`],
    ['garbage header', rng.pick(['', 't=', 'v1=', 't=abc,v1=', ',,,', 'x'.repeat(8000), `t=${Date.now()},v0=${'a'.repeat(64)}`])],
  ]);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...forwardedFor(rng) };
  if (header !== undefined) headers['stripe-signature'] = header;
  return { route: 'POST /webhooks/stripe', variant: `forged: ${variant}`, method: 'POST', path: PATH, headers, body: payload };
}

function signed(rng: Prng, variant: string, payload: string): FuzzRequest {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: BENCH.stripe.webhookSecret });
  return { route: 'POST /webhooks/stripe', variant, method: 'POST', path: PATH, headers: { 'content-type': rng.pick(['application/json', 'text/plain', 'application/octet-stream']), 'stripe-signature': signature }, body: payload };
}

/** Mostly fresh ids; some repeat, as Stripe redelivers. */
function eventId(rng: Prng): string {
  return rng.chance(0.2) ? `evt_fuzz_${rng.int(0, 200)}` : `evt_fuzz_${rng.chars(20)}`;
}

/** A value of `map` drawn at random, or undefined when it is empty. */
function sampleValue<V>(map: ReadonlyMap<string, V>, rng: Prng): V | undefined {
  if (map.size === 0) return undefined;
  let index = rng.int(0, map.size - 1);
  for (const value of map.values()) if (index-- === 0) return value;
  return undefined;
}
