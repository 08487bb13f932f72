// One hostile request, what the generators need to make it, and how it is
// sent: over loopback only, never following a redirect (a pay link answers
// with Stripe's Checkout URL, which must not be fetched).
import type { StripeApiServer } from '../../../test/support/stripe-api.server.js';
import type { TwilioApiServer } from '../../../test/support/twilio-api.server.js';
import type { Prng } from './prng.js';

/** The routes counted apart in the report. */
export type FuzzRoute =
  | 'POST /sms/inbound'
  | 'POST /sms/status'
  | 'POST /api/messages'
  | 'POST /webhooks/stripe'
  | 'GET /p/:order/:secret'
  | '/staff API'
  | '/staff/queues'
  | 'health, metrics'
  | 'unknown routes';

export interface FuzzRequest {
  route: FuzzRoute;
  /** What is hostile about it, e.g. 'signed, 1,600+ chars': 5xx are reported by route and variant. */
  variant: string;
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** What a generator may draw on: the seeded source, and what the run has learnt so far. */
export interface FuzzWorld {
  rng: Prng;
  /** Pay links the box office has sent (from its TwiML replies), so wrong secrets hit real orders. */
  links: KnownLinks;
  /** The local Stripe server: real sessions to sign events for. */
  stripe: StripeApiServer;
  /** The local Twilio server: real message ids for status callbacks. */
  twilio: TwilioApiServer;
  /** A local Bot Framework connector that takes the bot's chat replies. */
  connectorUrl: string;
  /** A loopback port nobody listens on: a serviceUrl whose replies cannot be delivered. */
  deadUrl: string;
  eventIds: readonly string[];
}

/** The most recent pay links seen, a bounded ring. */
export class KnownLinks {
  readonly #links: { orderId: string; secret: string }[] = [];
  #next = 0;

  constructor(private readonly capacity = 500) {}

  /** Remembers every pay link in `text`. */
  harvest(text: string): void {
    for (const [, orderId, secret] of text.matchAll(/\/p\/(BX-[A-Z0-9]+)\/([A-Za-z0-9_-]+)/g)) {
      this.#links[this.#next] = { orderId: orderId!, secret: secret! };
      this.#next = (this.#next + 1) % this.capacity;
    }
  }

  pick(rng: Prng): { orderId: string; secret: string } | undefined {
    return this.#links.length === 0 ? undefined : rng.pick(this.#links);
  }
}

/** What came back: a status, or why there was none. */
export type FuzzAnswer = { status: number; text: string } | { status: 'no answer'; error: string };

/** Sends `request` to the box office at `baseUrl` (loopback), giving up after `timeoutMs`. */
export async function sendFuzzRequest(baseUrl: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzAnswer> {
  try {
    const response = await fetch(baseUrl + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { status: 'no answer', error: cause ?? (err as Error).name };
  }
}

/** A JSON request: the body as given when it is already a string (malformed on purpose), else serialized. */
export function jsonRequest(route: FuzzRoute, variant: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): FuzzRequest {
  return { route, variant, method, path, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** `text` as one path segment: lone surrogates (which encodeURIComponent refuses) become U+FFFD, as a client's UTF-8 would carry them. */
export function segment(text: string): string {
  return encodeURIComponent(Buffer.from(text).toString('utf8'));
}

/** A body past a route's limit of `limitKb`, by up to as much again: it must be refused (413) without being parsed. */
export function oversized(rng: Prng, limitKb: number, unit = 'a'): string {
  return unit.repeat(Math.ceil((limitKb * 1024 + rng.int(1, limitKb * 1024)) / unit.length));
}

/**
 * An X-Forwarded-For header: the box office believes it from loopback (as
 * behind a local proxy), so the fuzz can come from many addresses and fill
 * every per-address table; some values are not addresses at all.
 */
export function forwardedFor(rng: Prng): Record<string, string> {
  const value = rng.weighted<() => string>([
    [60, () => `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`],
    [20, () => `2001:db8:${rng.int(0, 0xffff).toString(16)}:${rng.int(0, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}`],
    [10, () => `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}, 127.0.0.1`],
    [10, () => rng.pick(['', 'unknown', 'not an address', '999.999.1.1', '::ffff:1.2.3.4', 'x'.repeat(2000), '1.2.3.4;a=b, ,,'])],
  ])();
  return rng.chance(0.5) ? { 'x-forwarded-for': value } : {};
}
