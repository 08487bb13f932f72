// The payment-event job as a plain function of (payload, services), without a
// queue: fakes of our own ports (the checkout gateway returns the sessions a
// test chooses, the fulfilment service and refunds record what they were asked)
// and the real ProcessedEvents on the test Redis. What it proves: the worker
// acts on Stripe's current session, not the event (DESIGN rule 4); each event
// acts once (rule 3); what retrying cannot fix ends the job for good
// (UnrecoverableError) and everything else is thrown again for BullMQ to retry.
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckoutNotFoundError,
  ForeignSessionError,
  type CheckoutGateway,
  type CheckoutSession,
  type RefundInfo,
} from '../src/checkout/checkout.gateway.js';
import { processPaymentEvent, ProcessedEvents, type PaymentEventDeps } from '../src/jobs/payment-event.job.js';
import { UnknownOrderError, type FulfilmentOutcome, type FulfilmentService } from '../src/orders/fulfilment.service.js';
import type { PaymentEventJob } from '../src/queue/job.payloads.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const ORDER_ID = 'BX-7K2Q';
const SESSION_ID = 'cs_test_a1B2c3';

function checkoutSession(overrides: Partial<CheckoutSession> = {}): CheckoutSession {
  return {
    id: SESSION_ID,
    url: null,
    status: 'complete',
    paymentStatus: 'paid',
    reference: ORDER_ID,
    kind: 'tickets',
    amountTotal: 40_000,
    currency: 'usd',
    paymentIntentId: 'pi_3PqR',
    ...overrides,
  };
}

function refundInfo(id: string): RefundInfo {
  return { id, status: 'succeeded', amount: 20_000, currency: 'usd', paymentIntentId: 'pi_3PqR', ours: { orderId: ORDER_ID, refundId: 'RF-ABCDEFGHJK' } };
}

let eventCount = 0;
function paymentEvent(type: string, object: PaymentEventJob['object']): PaymentEventJob {
  eventCount += 1;
  return { id: `evt_test_${eventCount}`, type, object, created: 1_790_000_000 };
}

const sessionEvent = (type: string, sessionId = SESSION_ID) => paymentEvent(type, { id: sessionId, object: 'checkout.session' });

/** Stripe as the worker sees it through our port: the sessions and refunds a test puts there. */
class FakeCheckout implements CheckoutGateway {
  readonly sessions = new Map<string, CheckoutSession>();
  readonly refunds = new Map<string, RefundInfo>();
  readonly refundsByCharge = new Map<string, string[]>();
  /** Every id the worker looked up, sessions and refunds alike. */
  readonly lookedUp: string[] = [];
  /** The next lookups fail with this (Stripe down, a session not ours). */
  failure?: Error;

  async retrieve(sessionId: string): Promise<CheckoutSession> {
    this.lookedUp.push(sessionId);
    if (this.failure) throw this.failure;
    const session = this.sessions.get(sessionId);
    if (!session) throw new CheckoutNotFoundError(`No such checkout.session: '${sessionId}'`);
    return session;
  }

  async retrieveRefund(refundId: string): Promise<RefundInfo> {
    this.lookedUp.push(refundId);
    const refund = this.refunds.get(refundId);
    if (!refund) throw new CheckoutNotFoundError(`No such refund: '${refundId}'`);
    return refund;
  }

  async refundsOfCharge(chargeId: string): Promise<RefundInfo[]> {
    this.lookedUp.push(chargeId);
    return (this.refundsByCharge.get(chargeId) ?? []).map((id) => this.refunds.get(id)!);
  }

  create = notUsed;
  expire = notUsed;
  refund = notUsed;
  refundsOfPayment = notUsed;
}

async function notUsed(): Promise<never> {
  throw new Error('the payment event job does not call this');
}

type FulfilmentStep = 'paid' | 'paymentPending' | 'paymentFailed' | 'expired';

/** What each step answers in these tests: distinct, so the job's return value shows which step ran. */
const STEP_OUTCOME: Record<FulfilmentStep, FulfilmentOutcome> = { paid: 'fulfilled', paymentPending: 'noted', paymentFailed: 'released', expired: 'released' };

/** Records each step it is asked for, with the order id and cause. */
class RecordingFulfilment implements Pick<FulfilmentService, FulfilmentStep> {
  readonly calls: Array<[FulfilmentStep, string, string]> = [];
  /** The next steps fail with this (an order we do not have, Redis down). */
  failure?: Error;

  paid = (orderId: string, cause: string) => this.record('paid', orderId, cause);
  paymentPending = (orderId: string, cause: string) => this.record('paymentPending', orderId, cause);
  paymentFailed = (orderId: string, cause: string) => this.record('paymentFailed', orderId, cause);
  expired = (orderId: string, cause: string) => this.record('expired', orderId, cause);

  private async record(step: FulfilmentStep, orderId: string, cause: string): Promise<FulfilmentOutcome> {
    this.calls.push([step, orderId, cause]);
    if (this.failure) throw this.failure;
    return STEP_OUTCOME[step];
  }
}

/** Only what the job uses of the refunds service: settling Stripe's view of one refund. */
type RefundSettler = Pick<PaymentEventDeps['refunds'], 'settle'>;

describe('processPaymentEvent', () => {
  const redis = testRedis();
  let checkout: FakeCheckout;
  let fulfilment: RecordingFulfilment;
  let settled: RefundInfo[];
  let processed: ProcessedEvents;
  let deps: PaymentEventDeps;

  beforeEach(() => {
    checkout = new FakeCheckout();
    checkout.sessions.set(SESSION_ID, checkoutSession());
    fulfilment = new RecordingFulfilment();
    settled = [];
    const refunds: RefundSettler = { settle: async (refund) => (settled.push(refund), 'refunded') };
    processed = new ProcessedEvents(redis, uniquePrefix());
    deps = {
      checkout,
      // The fakes cover only what the job calls; these casts are the one place that says so.
      fulfilment: fulfilment as unknown as FulfilmentService,
      refunds: refunds as unknown as PaymentEventDeps['refunds'],
      processed,
      log: pino({ level: 'silent' }),
    };
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('fulfils a paid checkout once, records the event, and does nothing when the same event comes again', async () => {
    const event = sessionEvent('checkout.session.completed');

    expect(await processPaymentEvent(event, deps)).toBe('fulfilled');
    expect(await processed.has(event.id)).toBe(true);
    expect(await processPaymentEvent(event, deps)).toBe('duplicate');

    expect(fulfilment.calls).toEqual([['paid', ORDER_ID, `stripe:${event.id}`]]);
    expect(checkout.lookedUp).toEqual([SESSION_ID]);
  });

  it.each<[string, Pick<CheckoutSession, 'status' | 'paymentStatus'>, FulfilmentStep | 'nothing']>([
    ['checkout.session.completed', { status: 'complete', paymentStatus: 'no_payment_required' }, 'paid'],
    // A delayed method (bank debit): the hold stays while the money is on its way.
    ['checkout.session.completed', { status: 'complete', paymentStatus: 'unpaid' }, 'paymentPending'],
    // The event says completed, Stripe says the page is still open: believe Stripe.
    ['checkout.session.completed', { status: 'open', paymentStatus: 'unpaid' }, 'nothing'],
    ['checkout.session.async_payment_succeeded', { status: 'complete', paymentStatus: 'paid' }, 'paid'],
    ['checkout.session.async_payment_succeeded', { status: 'complete', paymentStatus: 'unpaid' }, 'paymentPending'],
    ['checkout.session.async_payment_failed', { status: 'complete', paymentStatus: 'unpaid' }, 'paymentFailed'],
    // The event says the payment failed, Stripe says the page is still open (or expired unpaid): believe Stripe.
    ['checkout.session.async_payment_failed', { status: 'open', paymentStatus: 'unpaid' }, 'nothing'],
    ['checkout.session.async_payment_failed', { status: 'expired', paymentStatus: 'unpaid' }, 'nothing'],
    // A failure overtaken by a later success (events out of order): the money is there.
    ['checkout.session.async_payment_failed', { status: 'complete', paymentStatus: 'paid' }, 'paid'],
    ['checkout.session.expired', { status: 'expired', paymentStatus: 'unpaid' }, 'expired'],
    ['checkout.session.expired', { status: 'complete', paymentStatus: 'paid' }, 'paid'],
    ['checkout.session.expired', { status: 'open', paymentStatus: 'unpaid' }, 'nothing'],
  ])('on %s, with Stripe saying the session is %o, asks fulfilment for %s', async (type, now, step) => {
    checkout.sessions.set(SESSION_ID, checkoutSession(now));
    const event = sessionEvent(type);

    const outcome = await processPaymentEvent(event, deps);

    expect(fulfilment.calls).toEqual(step === 'nothing' ? [] : [[step, ORDER_ID, `stripe:${event.id}`]]);
    expect(outcome).toBe(step === 'nothing' ? 'ignored' : STEP_OUTCOME[step]);
    expect(checkout.lookedUp).toEqual([SESSION_ID]);
    expect(await processed.has(event.id)).toBe(true);
  });

  it('leaves alone a session whose kind disagrees with the id it names', async () => {
    checkout.sessions.set(SESSION_ID, checkoutSession({ kind: 'upgrade' }));
    const event = sessionEvent('checkout.session.completed');

    expect(await processPaymentEvent(event, deps)).toBe('ignored');
    expect(fulfilment.calls).toEqual([]);
  });

  it.each<[string, object]>([
    ['payment_intent.created', { id: 'pi_3PqR', object: 'payment_intent' }],
    ['customer.created', { id: 'cus_1', object: 'customer' }],
    ['invoice.paid', { id: 'in_1', object: 'invoice' }],
    ['charge.dispute.created', { id: 'dp_1', object: 'dispute' }],
  ])('ignores %s without asking Stripe, and records it as handled', async (type, object) => {
    const event = paymentEvent(type, object);

    expect(await processPaymentEvent(event, deps)).toBe('ignored');

    expect(checkout.lookedUp).toEqual([]);
    expect(fulfilment.calls).toEqual([]);
    expect(settled).toEqual([]);
    expect(await processed.has(event.id)).toBe(true);
  });

  it.each<[string, PaymentEventJob['object'], string[]]>([
    ['refund.updated', { id: 're_1', object: 'refund' }, ['re_1']],
    ['charge.refunded', { id: 'ch_1', object: 'charge' }, ['re_1', 're_2']],
  ])('on %s settles each refund as Stripe has it now', async (type, object, refundIds) => {
    for (const id of ['re_1', 're_2']) checkout.refunds.set(id, refundInfo(id));
    checkout.refundsByCharge.set('ch_1', ['re_1', 're_2']);
    const event = paymentEvent(type, object);

    expect(await processPaymentEvent(event, deps)).toBe('refunded');

    expect(settled).toEqual(refundIds.map(refundInfo));
    expect(fulfilment.calls).toEqual([]);
    expect(await processed.has(event.id)).toBe(true);
  });

  it.each<[string, () => PaymentEventJob, RegExp]>([
    ['Stripe has no such session', () => sessionEvent('checkout.session.completed', 'cs_test_missing'), /checkout session cs_test_missing does not exist/],
    [
      'the session is not ours',
      () => {
        checkout.failure = new ForeignSessionError(SESSION_ID, 'metadata lacks a valid reference');
        return sessionEvent('checkout.session.completed');
      },
      /is not one of ours/,
    ],
    [
      'the session names an order we do not have',
      () => {
        fulfilment.failure = new UnknownOrderError(ORDER_ID);
        return sessionEvent('checkout.session.completed');
      },
      /unknown order BX-7K2Q/,
    ],
    ['Stripe has no such refund', () => paymentEvent('refund.updated', { id: 're_missing', object: 'refund' }), /refund re_missing does not exist/],
  ])('ends the job without retry when %s', async (_when, arrange, message) => {
    const event = arrange();

    const error = await processPaymentEvent(event, deps).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(message);
    expect(await processed.has(event.id)).toBe(false);
  });

  it.each<[string, (failure: Error) => void]>([
    ['Stripe cannot be reached', (failure) => (checkout.failure = failure)],
    ['fulfilment cannot reach Redis', (failure) => (fulfilment.failure = failure)],
  ])('throws the error as it came, for BullMQ to retry, when %s', async (_when, arrange) => {
    const failure = new Error('connect ECONNREFUSED 127.0.0.1:443');
    arrange(failure);
    const event = sessionEvent('checkout.session.completed');

    await expect(processPaymentEvent(event, deps)).rejects.toBe(failure);
    expect(await processed.has(event.id)).toBe(false);

    checkout.failure = fulfilment.failure = undefined;
    expect(await processPaymentEvent(event, deps)).toBe('fulfilled');
  });
});
