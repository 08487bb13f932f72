// The saved-card half of the local Stripe server (stripe-api.server.ts):
// Customers, the cards a Checkout Session saves to them, and PaymentIntents
// charged to a saved card off-session, with the outcome a test chooses:
//   POST /v1/customers                       GET  /v1/customers/:id
//   GET  /v1/payment_methods?customer=…      GET  /v1/payment_methods/:id
//   POST /v1/payment_methods/:id/detach
//   POST /v1/payment_intents (confirm, off_session)   GET /v1/payment_intents/:id
//   POST /v1/payment_intents/:id/confirm (off_session)  POST /v1/payment_intents/:id/cancel
// Answers and errors have Stripe's shapes: an off-session charge the bank
// refuses is a 402 card_error carrying the PaymentIntent, left in
// requires_payment_method (https://docs.stripe.com/payments/save-and-reuse).
import { fakeId, nowSeconds } from './stripe-ids.js';

export interface FakeCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface FakePaymentMethod {
  id: string;
  object: 'payment_method';
  type: 'card';
  card: { brand: string; last4: string; exp_month: number; exp_year: number; funding: 'credit' };
  customer: string | null;
  /** 'always' when the customer chose to save it in Checkout: it may be shown and charged again. */
  allow_redisplay: 'always' | 'limited' | 'unspecified';
  created: number;
  livemode: false;
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  customer: string | null;
  payment_method: string | null;
  metadata: Record<string, string>;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  setup_future_usage: string | null;
  created: number;
  livemode: false;
  [field: string]: unknown;
}

/** What the bank does with the next off-session charge. */
/**
 * What the bank does with the next off-session charge. 'authentication_required'
 * is Stripe's usual answer off-session (a 402 card error, the payment left in
 * requires_payment_method); 'requires_action' the other one it may give (200,
 * the payment waiting for the customer to authenticate, with next_action).
 */
export type ChargeOutcome = 'succeeded' | 'processing' | 'card_declined' | 'expired_card' | 'authentication_required' | 'requires_action';

/** A Stripe error answer: the status and the `error` object. */
export interface CardsErrorReply {
  status: number;
  error: { type: string; message: string; code?: string; decline_code?: string; param?: string; payment_intent?: FakePaymentIntent };
}

type Form = { [key: string]: unknown };

export class FakeCards {
  readonly customers = new Map<string, FakeCustomer>();
  readonly paymentMethods = new Map<string, FakePaymentMethod>();
  readonly paymentIntents = new Map<string, FakePaymentIntent>();
  readonly #outcomes: ChargeOutcome[] = [];

  /** The next off-session charges answer these, in turn; afterwards each succeeds. */
  nextCharges(...outcomes: ChargeOutcome[]): void {
    this.#outcomes.push(...outcomes);
  }

  /** A card the customer saved while paying in Checkout (they ticked "save"): attached to their Customer. */
  saveCard(customerId: string, card: Partial<FakePaymentMethod['card']> = {}): FakePaymentMethod {
    this.#customer(customerId);
    const method: FakePaymentMethod = {
      id: fakeId('pm'),
      object: 'payment_method',
      type: 'card',
      // Valid for years from whatever today is (the suite also runs with the clock a year ahead): an expired card is never offered.
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 4, funding: 'credit', ...card },
      customer: customerId,
      allow_redisplay: 'always',
      created: nowSeconds(),
      livemode: false,
    };
    this.paymentMethods.set(method.id, method);
    return method;
  }

  /** A payment made through Checkout: the intent behind a paid session, charged to `paymentMethod`. */
  checkoutPayment(id: string, session: { amount_total: number | null; currency: string | null; customer?: unknown; metadata: Record<string, string> }, paymentMethod: string | null): FakePaymentIntent {
    const intent = this.#intent({
      id,
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      customer: typeof session.customer === 'string' ? session.customer : null,
      payment_method: paymentMethod,
      metadata: session.metadata,
      setup_future_usage: paymentMethod ? 'off_session' : null,
    });
    return this.#settle(intent, 'succeeded');
  }

  /** The answer to a request this half knows, or undefined for the rest of the server. */
  route(method: string, path: string, body: Form, query: Form): { status: number; body: unknown } | CardsErrorReply | undefined {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/customers') return ok(this.#createCustomer(body));
    if (method === 'GET' && (m = path.match(/^\/v1\/customers\/([^/]+)$/))) return this.#found(this.customers, 'customer', decodeURIComponent(m[1]!));
    if (method === 'GET' && path === '/v1/payment_methods') return ok(this.#listMethods(query));
    if (method === 'GET' && (m = path.match(/^\/v1\/payment_methods\/([^/]+)$/))) return this.#found(this.paymentMethods, 'payment_method', decodeURIComponent(m[1]!));
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_methods\/([^/]+)\/detach$/))) return this.#detach(decodeURIComponent(m[1]!));
    if (method === 'POST' && path === '/v1/payment_intents') return this.#createIntent(body);
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)\/confirm$/))) return this.#confirmIntent(decodeURIComponent(m[1]!));
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/))) return this.#cancelIntent(decodeURIComponent(m[1]!));
    if (method === 'GET' && (m = path.match(/^\/v1\/payment_intents\/([^/]+)$/))) return this.#found(this.paymentIntents, 'payment_intent', decodeURIComponent(m[1]!));
    return undefined;
  }

  #createCustomer(body: Form): FakeCustomer {
    const customer: FakeCustomer = {
      id: fakeId('cus', 14),
      object: 'customer',
      email: text(body.email),
      name: text(body.name),
      metadata: strings(body.metadata),
      created: nowSeconds(),
      livemode: false,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  #listMethods(query: Form): { object: 'list'; data: FakePaymentMethod[]; has_more: false; url: string } {
    const customer = text(query.customer);
    const data = [...this.paymentMethods.values()].filter((pm) => customer !== null && pm.customer === customer).reverse();
    return { object: 'list', data, has_more: false, url: '/v1/payment_methods' };
  }

  #detach(id: string): { status: number; body: unknown } | CardsErrorReply {
    const method = this.paymentMethods.get(id);
    if (!method) return missing('payment_method', id);
    if (!method.customer) {
      return { status: 400, error: { type: 'invalid_request_error', message: `The payment method you provided is not attached to a customer so detachment is impossible.` } };
    }
    const detached = { ...method, customer: null };
    this.paymentMethods.set(id, detached);
    return ok(detached);
  }

  /**
   * A PaymentIntent, confirmed at once when `confirm` is true. Off-session,
   * the card must be the customer's own; the outcome is the next one a test
   * chose (succeeded by default).
   */
  #createIntent(body: Form): { status: number; body: unknown } | CardsErrorReply {
    const amount = Number(text(body.amount));
    const currency = text(body.currency);
    if (!Number.isInteger(amount) || amount < 1 || !currency) {
      return { status: 400, error: { type: 'invalid_request_error', code: 'parameter_missing', param: !currency ? 'currency' : 'amount', message: 'Missing required param: amount or currency.' } };
    }
    const customer = text(body.customer);
    const paymentMethod = text(body.payment_method);
    const method = paymentMethod ? this.paymentMethods.get(paymentMethod) : undefined;
    if (paymentMethod && !method) return missing('payment_method', paymentMethod);
    if (method && method.customer !== customer) {
      return {
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'payment_method_not_available',
          param: 'payment_method',
          message: `The provided PaymentMethod ${paymentMethod} does not belong to the Customer ${customer ?? '(none)'}.`,
        },
      };
    }
    const intent = this.#intent({ amount, currency, customer, payment_method: paymentMethod, metadata: strings(body.metadata), setup_future_usage: null });
    return text(body.confirm) === 'true' ? this.#charge(intent) : ok(intent);
  }

  /** Confirms a PaymentIntent made earlier: the bank's answer is the next outcome a test chose. */
  #confirmIntent(id: string): { status: number; body: unknown } | CardsErrorReply {
    const intent = this.paymentIntents.get(id);
    if (!intent) return missing('payment_intent', id);
    if (intent.status !== 'requires_confirmation' && intent.status !== 'requires_payment_method') return unexpectedState(intent, 'confirm');
    return this.#charge(intent);
  }

  #cancelIntent(id: string): { status: number; body: unknown } | CardsErrorReply {
    const intent = this.paymentIntents.get(id);
    if (!intent) return missing('payment_intent', id);
    if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') return unexpectedState(intent, 'cancel');
    const canceled: FakePaymentIntent = { ...intent, status: 'canceled', canceled_at: nowSeconds() };
    this.paymentIntents.set(id, canceled);
    return ok(canceled);
  }

  #charge(intent: FakePaymentIntent): { status: number; body: unknown } | CardsErrorReply {
    if (!intent.payment_method) return { status: 400, error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'payment_method', message: 'You must provide a payment method to confirm.' } };
    const outcome = this.#outcomes.shift() ?? 'succeeded';
    if (outcome === 'succeeded' || outcome === 'processing') return ok(this.#settle(intent, outcome));
    if (outcome === 'requires_action') {
      const waiting: FakePaymentIntent = { ...intent, status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } } };
      this.paymentIntents.set(waiting.id, waiting);
      return ok(waiting);
    }
    return this.#refused(intent, outcome);
  }

  /** A processing payment the bank has now settled, as a delayed card payment does. */
  settle(id: string, status: 'succeeded' | 'requires_payment_method'): FakePaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw new Error(`no payment intent ${id} on the Stripe server`);
    if (status === 'succeeded') return this.#settle(intent, 'succeeded');
    const failed: FakePaymentIntent = { ...intent, status, last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } };
    this.paymentIntents.set(id, failed);
    return failed;
  }

  #refused(intent: FakePaymentIntent, outcome: 'card_declined' | 'expired_card' | 'authentication_required'): CardsErrorReply {
    const reasons = {
      card_declined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
      expired_card: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
      authentication_required: { code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' },
    } as const;
    const reason = reasons[outcome];
    const failed: FakePaymentIntent = { ...intent, status: 'requires_payment_method', last_payment_error: { type: 'card_error', ...reason } };
    this.paymentIntents.set(failed.id, failed);
    return { status: 402, error: { type: 'card_error', ...reason, payment_intent: failed } };
  }

  #settle(intent: FakePaymentIntent, status: 'succeeded' | 'processing'): FakePaymentIntent {
    const settled: FakePaymentIntent = {
      ...intent,
      status,
      amount_received: status === 'succeeded' ? intent.amount : 0,
      latest_charge: status === 'succeeded' ? fakeId('ch') : null,
    };
    this.paymentIntents.set(settled.id, settled);
    return settled;
  }

  #intent(fields: Pick<FakePaymentIntent, 'amount' | 'currency' | 'customer' | 'payment_method' | 'metadata' | 'setup_future_usage'> & { id?: string }): FakePaymentIntent {
    const intent: FakePaymentIntent = {
      object: 'payment_intent',
      status: 'requires_confirmation',
      amount_received: 0,
      latest_charge: null,
      last_payment_error: null,
      created: nowSeconds(),
      livemode: false,
      ...fields,
      id: fields.id ?? fakeId('pi'),
    };
    this.paymentIntents.set(intent.id, intent);
    return intent;
  }

  #customer(id: string): FakeCustomer {
    const customer = this.customers.get(id);
    if (!customer) throw new Error(`no customer ${id} on the Stripe server`);
    return customer;
  }

  #found(store: ReadonlyMap<string, unknown>, kind: string, id: string): { status: number; body: unknown } | CardsErrorReply {
    const value = store.get(id);
    return value ? ok(value) : missing(kind, id);
  }
}

function missing(kind: string, id: string): CardsErrorReply {
  return { status: 404, error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${kind}: '${id}'` } };
}

function unexpectedState(intent: FakePaymentIntent, action: string): CardsErrorReply {
  return {
    status: 400,
    error: {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
      payment_intent: intent,
    },
  };
}

function ok(body: unknown): { status: number; body: unknown } {
  return { status: 200, body };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function strings(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
