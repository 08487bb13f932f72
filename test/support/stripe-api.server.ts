// A small Stripe-compatible HTTP server for tests. The real `stripe` SDK is
// pointed at it (createStripeClient({ apiUrl })) so tests check the requests
// the SDK really serializes, and the code under test handles the responses
// and errors Stripe really sends. It records every request and answers the few
// endpoints the box office uses, with Stripe's object and error shapes:
//   POST /v1/checkout/sessions            GET  /v1/checkout/sessions/:id
//   POST /v1/checkout/sessions/:id/expire POST /v1/refunds   GET /v1/refunds/:id
//   GET  /v1/refunds?charge=…|payment_intent=…
// and, in stripe-cards.fake.ts, Customers, saved cards and off-session
// PaymentIntents.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCards, type ChargeOutcome, type FakeCustomer, type FakePaymentIntent, type FakePaymentMethod } from './stripe-cards.fake.js';
import { fakeId, nowSeconds } from './stripe-ids.js';
import { readBody, closeServer } from './local-server.js';

export type { ChargeOutcome, FakeCustomer, FakePaymentIntent, FakePaymentMethod };

/** A form or query value after bracket parsing: `a[0][b]=1` → `{ a: [{ b: '1' }] }`. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** One request as the server received it. */
export interface RecordedStripeRequest {
  method: string;
  /** Path without the query, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** Parsed query string (GET parameters such as `expand[0]`). */
  query: FormObject;
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  idempotencyKey: string | undefined;
  /** Parsed `application/x-www-form-urlencoded` body. */
  body: FormObject;
  rawBody: string;
}

/** Stripe's error object: https://docs.stripe.com/api/errors */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error' | (string & {});
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
}

/** A Checkout Session as this server stores and returns it (the fields we model, plus any patched in). */
export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  client_reference_id: string | null;
  metadata: Record<string, string>;
  expires_at: number;
  created: number;
  amount_total: number | null;
  amount_subtotal: number | null;
  currency: string | null;
  mode: string | null;
  payment_intent: string | null;
  customer_email: string | null;
  success_url: string | null;
  cancel_url: string | null;
  livemode: false;
  [field: string]: unknown;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string | null;
  payment_intent: string | null;
  charge: string | null;
  status: 'succeeded' | 'pending' | 'failed' | 'canceled';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
  [field: string]: unknown;
}

export interface StripeApiServerOptions {
  /** Delay every answer by this many milliseconds (timeouts, concurrency). @default 0 */
  latencyMs?: number;
}

/** Which requests a failNext() applies to; any request when omitted. */
export interface FailureMatch {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
}

export interface StripeApiServer {
  /** Base URL to pass as `apiUrl` / STRIPE_API_URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedStripeRequest[];
  /** Sessions by id, as retrieve would return them. */
  sessions: ReadonlyMap<string, FakeCheckoutSession>;
  refunds: ReadonlyMap<string, FakeRefund>;
  /**
   * The customer paid: status 'complete', payment_status 'paid', a payment
   * intent. With `saveCard`, on a session made for a Customer with saving
   * enabled, they ticked "save my card": it is attached to that Customer.
   */
  markPaid(sessionId: string, options?: { saveCard?: boolean | Partial<FakePaymentMethod['card']> }): FakeCheckoutSession;
  customers: ReadonlyMap<string, FakeCustomer>;
  paymentMethods: ReadonlyMap<string, FakePaymentMethod>;
  paymentIntents: ReadonlyMap<string, FakePaymentIntent>;
  /** The next off-session charges answer these, in turn ('card_declined', 'authentication_required', …); then each succeeds. */
  nextCharges(...outcomes: ChargeOutcome[]): void;
  /** A processing payment settled by the bank, as a delayed card payment is. */
  settlePayment(paymentIntentId: string, status: 'succeeded' | 'requires_payment_method'): FakePaymentIntent;
  /** Change what retrieve returns (shallow merge). */
  setSession(sessionId: string, patch: Partial<FakeCheckoutSession>): FakeCheckoutSession;
  /** Change what a refund retrieve returns (shallow merge), e.g. `{ status: 'failed', failure_reason: 'expired_or_canceled_card' }`. */
  setRefund(refundId: string, patch: Partial<FakeRefund>): FakeRefund;
  /** The charge behind a paid session's payment intent (what `charge.refunded` names). */
  chargeOf(paymentIntentId: string): string;
  /**
   * The next matching request fails with `status` and `{ error }`, before it
   * changes anything (queued: call twice to fail two requests). Failed
   * requests are not remembered under their Idempotency-Key, as with a
   * Stripe 5xx that never reached processing.
   */
  failNext(status: number, error: StripeErrorBody, match?: FailureMatch): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const SESSION_MIN_LIFETIME_S = 30 * 60;
const SESSION_MAX_LIFETIME_S = 24 * 60 * 60;

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
  ) {
    super(error.message);
  }
}

type Reply = { status: number; body: unknown };

/** Starts the server on 127.0.0.1 on a free port. */
export async function startStripeApiServer(options: StripeApiServerOptions = {}): Promise<StripeApiServer> {
  const state = new FakeStripe();
  let latencyMs = options.latencyMs ?? 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: { type: 'api_error', message: String(err) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req);
    state.requests.push(recorded);
    if (latencyMs > 0) await sleep(latencyMs);
    const reply = state.answer(recorded);
    send(res, reply.status, reply.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    sessions: state.sessions,
    refunds: state.refunds,
    markPaid: (id, options) => state.markPaid(id, options),
    customers: state.cards.customers,
    paymentMethods: state.cards.paymentMethods,
    paymentIntents: state.cards.paymentIntents,
    nextCharges: (...outcomes) => state.cards.nextCharges(...outcomes),
    settlePayment: (id, status) => state.cards.settle(id, status),
    setSession: (id, patch) => state.patchSession(id, patch),
    setRefund: (id, patch) => state.patchRefund(id, patch),
    chargeOf: (paymentIntentId) => state.chargeOf(paymentIntentId),
    failNext: (status, error, match = {}) => state.failures.push({ status, error, match }),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () => closeServer(server),
  };
}

/** The in-memory Stripe account behind the server. */
class FakeStripe {
  readonly requests: RecordedStripeRequest[] = [];
  readonly sessions = new Map<string, FakeCheckoutSession>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly failures: { status: number; error: StripeErrorBody; match: FailureMatch }[] = [];
  readonly cards = new FakeCards();
  /** Line items by session id: Stripe returns them only when expanded. */
  readonly #lineItems = new Map<string, LineItem[]>();
  /** Payment intent → its (one) charge, as Stripe makes one per successful payment. */
  readonly #charges = new Map<string, string>();
  /** Idempotency-Key → the first answer and a hash of the parameters it came with. */
  readonly #idempotent = new Map<string, { paramsHash: string; reply: Reply }>();

  answer(req: RecordedStripeRequest): Reply {
    try {
      this.#authenticate(req);
      this.#injectedFailure(req);
      return req.method === 'POST' ? this.#idempotentPost(req) : this.#route(req);
    } catch (err) {
      if (err instanceof StripeHttpError) return { status: err.status, body: { error: err.error } };
      throw err;
    }
  }

  markPaid(id: string, options: { saveCard?: boolean | Partial<FakePaymentMethod['card']> } = {}): FakeCheckoutSession {
    const session = this.#session(id);
    const saving = asObject(session.saved_payment_method_options as FormValue | undefined).payment_method_save === 'enabled';
    const customer = typeof session.customer === 'string' ? session.customer : undefined;
    const saved = options.saveCard && saving && customer ? this.cards.saveCard(customer, typeof options.saveCard === 'object' ? options.saveCard : {}) : undefined;
    const paymentIntent = session.payment_intent ?? fakeId('pi');
    if (!this.cards.paymentIntents.has(paymentIntent)) this.cards.checkoutPayment(paymentIntent, session, saved?.id ?? null);
    return this.patchSession(id, { status: 'complete', payment_status: 'paid', url: null, payment_intent: paymentIntent });
  }

  chargeOf(paymentIntentId: string): string {
    let charge = this.#charges.get(paymentIntentId);
    if (!charge) {
      charge = fakeId('ch');
      this.#charges.set(paymentIntentId, charge);
    }
    return charge;
  }

  patchRefund(id: string, patch: Partial<FakeRefund>): FakeRefund {
    const updated = { ...this.#refund(id), ...patch } as FakeRefund;
    this.refunds.set(id, updated);
    return updated;
  }

  patchSession(id: string, patch: Partial<FakeCheckoutSession>): FakeCheckoutSession {
    const updated = { ...this.#session(id), ...patch } as FakeCheckoutSession;
    this.sessions.set(id, updated);
    return updated;
  }

  #authenticate(req: RecordedStripeRequest): void {
    if (/^Bearer \S+/.test(req.headers.authorization ?? '')) return;
    throw new StripeHttpError(401, {
      type: 'invalid_request_error',
      message: 'You did not provide an API key. You need to provide your API key in the Authorization header.',
    });
  }

  #injectedFailure(req: RecordedStripeRequest): void {
    const index = this.failures.findIndex(({ match }) => matches(match, req));
    if (index < 0) return;
    const [failure] = this.failures.splice(index, 1);
    if (failure) throw new StripeHttpError(failure.status, failure.error);
  }

  /**
   * Stripe stores the first answer under the Idempotency-Key and replays it;
   * the same key with other parameters is an idempotency_error.
   * https://docs.stripe.com/api/idempotent_requests
   */
  #idempotentPost(req: RecordedStripeRequest): Reply {
    const key = req.idempotencyKey;
    if (!key) return this.#route(req);
    const paramsHash = createHash('sha256').update(`${req.path}\n${JSON.stringify(req.body)}`).digest('hex');
    const seen = this.#idempotent.get(key);
    if (seen && seen.paramsHash !== paramsHash) {
      throw new StripeHttpError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (seen) return seen.reply;
    // Stripe keeps the first answer, a refusal as well as a success: the same key never charges twice.
    let reply: Reply;
    try {
      reply = this.#route(req);
    } catch (err) {
      if (!(err instanceof StripeHttpError)) throw err;
      reply = { status: err.status, body: { error: err.error } };
    }
    this.#idempotent.set(key, { paramsHash, reply });
    return reply;
  }

  #route(req: RecordedStripeRequest): Reply {
    const { method, path } = req;
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/checkout/sessions') return ok(this.#createSession(req.body));
    if (method === 'GET' && (m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/))) {
      return ok(this.#withExpansions(this.#session(decodeURIComponent(m[1]!)), req.query));
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)\/expire$/))) {
      return ok(this.#expireSession(decodeURIComponent(m[1]!)));
    }
    if (method === 'POST' && path === '/v1/refunds') return ok(this.#createRefund(req.body));
    if (method === 'GET' && (m = path.match(/^\/v1\/refunds\/([^/]+)$/))) return ok(this.#refund(decodeURIComponent(m[1]!)));
    if (method === 'GET' && path === '/v1/refunds') return ok(this.#listRefunds(req.query));
    const cards = this.cards.route(method, path, req.body, req.query);
    if (cards && 'error' in cards) throw new StripeHttpError(cards.status, cards.error as StripeErrorBody);
    if (cards) return cards;
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). This fake Stripe server answers only the endpoints the box office uses.`,
    });
  }

  #createSession(body: FormObject): FakeCheckoutSession {
    const now = nowSeconds();
    const expiresAt = body.expires_at === undefined ? now + SESSION_MAX_LIFETIME_S : integerParam(body, 'expires_at');
    checkSessionLifetime(expiresAt - now);
    const lineItems = lineItemsOf(body);
    const id = fakeId('cs_test', 58);
    const amount = lineItems.every((item) => item.unitAmount !== null)
      ? lineItems.reduce((sum, item) => sum + (item.unitAmount ?? 0) * item.quantity, 0)
      : null;
    const session: FakeCheckoutSession = {
      id,
      object: 'checkout.session',
      url: `https://checkout.stripe.com/c/pay/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: stringParam(body, 'client_reference_id'),
      metadata: stringRecord(body.metadata),
      expires_at: expiresAt,
      created: now,
      amount_total: amount,
      amount_subtotal: amount,
      currency: stringParam(body, 'currency') ?? lineItems[0]?.currency ?? null,
      mode: stringParam(body, 'mode') ?? 'payment',
      payment_intent: null,
      customer_email: stringParam(body, 'customer_email'),
      customer: stringParam(body, 'customer'),
      saved_payment_method_options: asObject(body.saved_payment_method_options),
      success_url: stringParam(body, 'success_url'),
      cancel_url: stringParam(body, 'cancel_url'),
      livemode: false,
    };
    this.sessions.set(id, session);
    this.#lineItems.set(id, lineItems);
    return session;
  }

  #expireSession(id: string): FakeCheckoutSession {
    const session = this.#session(id);
    if (session.status !== 'open') {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.`,
      });
    }
    return this.patchSession(id, { status: 'expired', url: null });
  }

  #createRefund(body: FormObject): FakeRefund {
    const paymentIntent = stringParam(body, 'payment_intent');
    const charge = stringParam(body, 'charge');
    if (!paymentIntent && !charge) {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'parameter_missing',
        message: 'One of the following params should be provided for this request: payment_intent or charge.',
      });
    }
    // Only payment intents are modelled (markPaid gives a session one).
    const session = paymentIntent ? this.#paymentOf(paymentIntent) : undefined;
    if (!session) {
      const [param, id] = paymentIntent ? ['payment_intent', paymentIntent] : ['charge', charge ?? ''];
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param,
        message: `No such ${param}: '${id}'`,
      });
    }
    return this.#refundPayment(session, body);
  }

  /** What a payment intent paid: its Checkout Session's total, or an off-session charge that succeeded. */
  #paymentOf(paymentIntent: string): Pick<FakeCheckoutSession, 'payment_intent' | 'amount_total' | 'currency'> | undefined {
    const session = [...this.sessions.values()].find((s) => s.payment_intent === paymentIntent);
    if (session) return session;
    const intent = this.cards.paymentIntents.get(paymentIntent);
    return intent?.status === 'succeeded' ? { payment_intent: intent.id, amount_total: intent.amount, currency: intent.currency } : undefined;
  }

  #refundPayment(session: Pick<FakeCheckoutSession, 'payment_intent' | 'amount_total' | 'currency'>, body: FormObject): FakeRefund {
    const paid = session.amount_total ?? 0;
    // A failed or canceled refund gave nothing back, so it leaves its amount refundable.
    const refunded = [...this.refunds.values()]
      .filter((r) => r.payment_intent === session.payment_intent && r.status !== 'failed' && r.status !== 'canceled')
      .reduce((sum, r) => sum + r.amount, 0);
    if (refunded >= paid) {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: `Charge for payment_intent ${session.payment_intent ?? ''} has already been refunded.`,
      });
    }
    const amount = body.amount === undefined ? paid - refunded : integerParam(body, 'amount');
    if (amount > paid - refunded) {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'amount_too_large',
        param: 'amount',
        message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${paid - refunded}).`,
      });
    }
    const refund: FakeRefund = {
      id: fakeId('re'),
      object: 'refund',
      amount,
      currency: session.currency,
      payment_intent: session.payment_intent,
      charge: session.payment_intent ? this.chargeOf(session.payment_intent) : null,
      status: 'succeeded',
      reason: stringParam(body, 'reason'),
      metadata: stringRecord(body.metadata),
      created: nowSeconds(),
    };
    this.refunds.set(refund.id, refund);
    return refund;
  }

  /** Newest first, filtered by `charge` or `payment_intent`, as GET /v1/refunds lists them (one page). */
  #listRefunds(query: FormObject): { object: 'list'; data: FakeRefund[]; has_more: false; url: string } {
    const charge = typeof query.charge === 'string' ? query.charge : undefined;
    const paymentIntent = typeof query.payment_intent === 'string' ? query.payment_intent : undefined;
    const data = [...this.refunds.values()]
      .filter((r) => (charge === undefined || r.charge === charge) && (paymentIntent === undefined || r.payment_intent === paymentIntent))
      .reverse();
    return { object: 'list', data, has_more: false, url: '/v1/refunds' };
  }

  #session(id: string): FakeCheckoutSession {
    const session = this.sessions.get(id);
    if (session) return session;
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'session',
      message: `No such checkout.session: '${id}'`,
    });
  }

  #refund(id: string): FakeRefund {
    const refund = this.refunds.get(id);
    if (refund) return refund;
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      message: `No such refund: '${id}'`,
    });
  }

  /** `expand[]=line_items` adds them as a list, as Stripe does; otherwise they are left out. */
  #withExpansions(session: FakeCheckoutSession, query: FormObject): FakeCheckoutSession {
    const expand = Array.isArray(query.expand) ? query.expand : [];
    const intent = session.payment_intent ? this.cards.paymentIntents.get(session.payment_intent) : undefined;
    if (intent && (expand.includes('payment_intent') || expand.includes('payment_intent.payment_method'))) {
      const method = intent.payment_method ? this.cards.paymentMethods.get(intent.payment_method) : undefined;
      session = { ...session, payment_intent: { ...intent, ...(expand.includes('payment_intent.payment_method') && method ? { payment_method: method } : {}) } as unknown as string };
    }
    if (!expand.includes('line_items')) return session;
    const data = (this.#lineItems.get(session.id) ?? []).map((item) => ({
      id: fakeId('li'),
      object: 'item',
      description: item.name,
      quantity: item.quantity,
      currency: item.currency ?? session.currency,
      amount_total: item.unitAmount === null ? null : item.unitAmount * item.quantity,
      price: { object: 'price', unit_amount: item.unitAmount, currency: item.currency ?? session.currency },
    }));
    return { ...session, line_items: { object: 'list', data, has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` } };
  }
}

// ---- Stripe's form encoding ------------------------------------------------

/**
 * Parses Stripe's `application/x-www-form-urlencoded` bodies, which nest with
 * brackets: `line_items[0][price_data][unit_amount]=2000` and
 * `metadata[order_id]=BX-7K2Q`. Objects whose keys are 0..n become arrays.
 * Values stay strings, as on the wire.
 */
export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [name, value] of new URLSearchParams(encoded)) {
    const path = bracketPath(name);
    if (path.some((part) => part === '__proto__' || part === 'constructor' || part === 'prototype')) continue;
    assign(root, path, value);
  }
  return arraysFromIndexes(root) as FormObject;
}

/** `a[b][0]` → ['a', 'b', '0']; `a[]` → ['a', ''] (append). */
function bracketPath(name: string): string[] {
  const first = name.indexOf('[');
  if (first < 0) return [name];
  const parts = [name.slice(0, first)];
  for (const match of name.slice(first).matchAll(/\[([^\]]*)\]/g)) parts.push(match[1]!);
  return parts;
}

function assign(target: { [key: string]: FormValue }, path: string[], value: string): void {
  let node = target;
  path.forEach((rawPart, i) => {
    const part = rawPart === '' ? String(Object.keys(node).length) : rawPart;
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    node = (typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (node[part] = {})) as typeof node;
  });
}

function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((k) => [k, arraysFromIndexes(value[k]!)]));
  const isList = keys.length > 0 && keys.every((k, i) => k === String(i));
  return isList ? keys.map((k) => converted[k]!) : converted;
}

// ---- parameters --------------------------------------------------------------

function stringParam(body: FormObject, name: string): string | null {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function integerParam(body: FormObject, name: string): number {
  const value = body[name];
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new StripeHttpError(400, {
    type: 'invalid_request_error',
    code: 'parameter_invalid_integer',
    param: name,
    message: `Invalid integer: ${JSON.stringify(value)}`,
  });
}

function stringRecord(value: FormValue | undefined): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Checkout Sessions live 30 minutes to 24 hours: https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at */
function checkSessionLifetime(seconds: number): void {
  if (seconds >= SESSION_MIN_LIFETIME_S && seconds <= SESSION_MAX_LIFETIME_S) return;
  const message =
    seconds < SESSION_MIN_LIFETIME_S
      ? 'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.'
      : 'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.';
  throw new StripeHttpError(400, { type: 'invalid_request_error', param: 'expires_at', message });
}

interface LineItem {
  name: string | null;
  unitAmount: number | null;
  quantity: number;
  currency: string | null;
}

function lineItemsOf(body: FormObject): LineItem[] {
  const items = Array.isArray(body.line_items) ? body.line_items : [];
  return items.map((item, i) => {
    const line = asObject(item);
    const priceData = asObject(line.price_data);
    return {
      name: stringParam(asObject(priceData.product_data), 'name'),
      unitAmount: priceData.unit_amount === undefined ? null : integerParam(priceData, 'unit_amount'),
      quantity: line.quantity === undefined ? 1 : quantityOf(line, i),
      currency: stringParam(priceData, 'currency'),
    };
  });
}

function asObject(value: FormValue | undefined): FormObject {
  return typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function quantityOf(line: FormObject, index: number): number {
  try {
    return integerParam(line, 'quantity');
  } catch {
    throw new StripeHttpError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid_integer',
      param: `line_items[${index}][quantity]`,
      message: `Invalid integer: ${JSON.stringify(line.quantity)}`,
    });
  }
}

// ---- HTTP plumbing --------------------------------------------------------------

async function record(req: IncomingMessage): Promise<RecordedStripeRequest> {
  const rawBody = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const key = req.headers['idempotency-key'];
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: parseStripeForm(url.search.slice(1)),
    headers: req.headers,
    idempotencyKey: Array.isArray(key) ? key[0] : key,
    body: parseStripeForm(rawBody),
    rawBody,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
    'Request-Id': fakeId('req', 14),
    'Stripe-Version': '2026-01-01.fake',
  });
  res.end(json);
}

function matches(match: FailureMatch, req: RecordedStripeRequest): boolean {
  if (match.method && match.method.toUpperCase() !== req.method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === req.path : match.path.test(req.path);
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Creates a Checkout Session on the server directly, as another integration
 * on the account (or a tampered one) might; `fields` override or add form
 * fields (its ids, amount, currency). Returns the session id.
 */
export async function createSessionAtStripe(stripeUrl: string, secretKey: string, fields: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${stripeUrl}/v1/checkout/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '100',
      'line_items[0][price_data][product_data][name]': 'Something else',
      success_url: 'https://elsewhere.example.test/ok',
      ...fields,
    }).toString(),
  });
  if (response.status !== 200) throw new Error(`the Stripe server refused the session: ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}
