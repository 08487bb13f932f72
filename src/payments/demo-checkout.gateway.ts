import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis.client.js';
import {
  CheckoutNotFoundError,
  RefundRejectedError,
  refundMetadata,
  toCheckoutSession,
  toRefundInfo,
  type CheckoutGateway,
  type CheckoutRequest,
  type CheckoutSession,
  type RefundInfo,
  type RefundRequest,
} from '../checkout/checkout.gateway.js';
import type { DeliverDemoEvent } from './demo-event.delivery.js';

const SESSION_TTL_SECONDS = 7 * 24 * 3600;

/** A Stripe-shaped session as the demo checkout stores it. */
export interface DemoSessionRecord {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  url: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  client_reference_id: string;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  expires_at: number;
  success_url: string;
  cancel_url: string;
  line_items: CheckoutRequest['lineItems'];
  /** Set when the demo page is paid, as Stripe sets it: refunds name it. */
  payment_intent?: string | null;
  /** Made for this demo Customer, offering to save the card with these words (CheckoutRequest.saveCard). */
  customer?: string;
  save_consent?: string;
  /** The demo card the customer chose to save when paying (demo-saved-cards.ts), as Stripe's payment method shows it. */
  saved_card?: DemoPaymentMethod;
  livemode: false;
}

/** A saved demo card, shaped as Stripe's payment method is when a session is read with it expanded. */
export interface DemoPaymentMethod {
  id: string;
  customer: string | null;
  allow_redisplay: 'always';
  card: { brand: string; last4: string; exp_month: number; exp_year: number };
}

/** A Stripe-shaped refund as the demo checkout stores it. */
export interface DemoRefundRecord {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: null;
  status: 'succeeded';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

/**
 * The checkout used when no Stripe key is set: sessions live in Redis, the
 * "hosted page" is /demo/checkout/:id on this server, and paying it posts a
 * signed checkout.session.completed event to our own webhook route, so the
 * rest of the path (queue, worker, tickets) is the real one.
 */
export class DemoCheckoutGateway implements CheckoutGateway {
  private announce?: DeliverDemoEvent;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { prefix: string; publicBaseUrl: string },
  ) {}

  async create(request: CheckoutRequest): Promise<CheckoutSession> {
    const id = `cs_demo_${randomBytes(12).toString('hex')}`;
    const claimed = await this.redis.set(this.idempotencyKey(request.idempotencyKey), id, 'EX', SESSION_TTL_SECONDS, 'NX');
    if (claimed !== 'OK') {
      const existing = await this.redis.get(this.idempotencyKey(request.idempotencyKey));
      if (existing) return this.retrieve(existing);
    }
    const record: DemoSessionRecord = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      url: `${this.options.publicBaseUrl}/demo/checkout/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: request.reference,
      metadata: { reference: request.reference, kind: request.kind, ...(request.upgradeOf ? { upgradeOf: request.upgradeOf } : {}) },
      amount_total: request.lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0),
      currency: request.currency,
      expires_at: request.expiresAt,
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      line_items: request.lineItems,
      ...(request.saveCard ? { customer: request.saveCard.customerId, save_consent: request.saveCard.consent } : {}),
      livemode: false,
    };
    await this.save(record);
    return toCheckoutSession(record);
  }

  async retrieve(sessionId: string): Promise<CheckoutSession> {
    const record = await this.record(sessionId);
    // As Stripe answers with payment_intent.payment_method expanded: the saved card comes with the session.
    const expanded = record.saved_card && record.payment_intent ? { ...record, payment_intent: { id: record.payment_intent, payment_method: record.saved_card } } : record;
    return toCheckoutSession(expanded);
  }

  async expire(sessionId: string): Promise<CheckoutSession> {
    const record = await this.record(sessionId);
    if (record.status === 'open') {
      record.status = 'expired';
      await this.save(record);
    }
    return toCheckoutSession(record);
  }

  /** The stored session, with an open one past its end shown as expired, as Stripe would. */
  async record(sessionId: string): Promise<DemoSessionRecord> {
    const raw = /^cs_demo_[0-9a-f]{24}$/.test(sessionId) ? await this.redis.get(this.sessionKey(sessionId)) : null;
    if (!raw) throw new CheckoutNotFoundError(`No such checkout session: ${sessionId}`);
    const record = JSON.parse(raw) as DemoSessionRecord;
    if (record.status === 'open' && record.expires_at * 1000 <= Date.now()) record.status = 'expired';
    return record;
  }

  /** Marks an open session paid and returns it, as Stripe's hosted page would on success; `savedCard`, the card the customer chose to save. */
  async pay(sessionId: string, savedCard?: DemoPaymentMethod): Promise<DemoSessionRecord> {
    const record = await this.record(sessionId);
    if (record.status !== 'open') return record;
    record.status = 'complete';
    record.payment_status = 'paid';
    record.payment_intent = `pi_demo_${randomBytes(12).toString('hex')}`;
    if (savedCard) record.saved_card = savedCard;
    await this.save(record);
    await this.recordPayment(record.payment_intent, record.amount_total, record.currency);
    return record;
  }

  /** A payment taken (on a page, or from a saved card): what refunds of it may pay back. */
  async recordPayment(paymentIntentId: string, amount: number, currency: string): Promise<void> {
    await this.redis.set(this.paymentKey(paymentIntentId), JSON.stringify({ amount, currency }), 'EX', SESSION_TTL_SECONDS);
  }

  /** How refunds and payments are announced to our webhook (announceWith); undefined until the web role sets it. */
  get announcer(): DeliverDemoEvent | undefined {
    return this.announce;
  }

  /**
   * Set by the web role: how refunds are announced. Stripe tells our webhook
   * about a refund; the demo posts a signed `refund.created` the same way, so
   * confirming a refund runs the real path. Until set, refunds are recorded only.
   */
  announceWith(deliver: DeliverDemoEvent): void {
    this.announce = deliver;
  }

  /**
   * Pays back part or all of a demo payment, refusing what Stripe would
   * (nothing left to refund, more than is left), and announces it. The same
   * idempotency key returns the same refund and announces it again, which
   * is how a refund whose announcement did not arrive is completed.
   */
  async refund(request: RefundRequest): Promise<RefundInfo> {
    const idempotency = this.idempotencyKey(`refund:${request.idempotencyKey}`);
    const existingId = await this.redis.get(idempotency);
    const refund = existingId ? await this.refundRecord(existingId) : await this.newRefund(request, idempotency);
    await this.announce?.('refund.created', refund);
    return toRefundInfo(refund);
  }

  async retrieveRefund(refundId: string): Promise<RefundInfo> {
    return toRefundInfo(await this.refundRecord(refundId));
  }

  /** The demo has no charges (it never sends charge.refunded): nothing to list. */
  async refundsOfCharge(_chargeId: string): Promise<RefundInfo[]> {
    return [];
  }

  async refundsOfPayment(paymentIntentId: string): Promise<RefundInfo[]> {
    const ids = /^pi_demo_[0-9a-f]{24}$/.test(paymentIntentId) ? await this.redis.lrange(this.paymentRefundsKey(paymentIntentId), 0, -1) : [];
    return Promise.all(ids.map(async (id) => toRefundInfo(await this.refundRecord(id))));
  }

  private async newRefund(request: RefundRequest, idempotency: string): Promise<DemoRefundRecord> {
    const raw = /^pi_demo_[0-9a-f]{24}$/.test(request.paymentIntentId) ? await this.redis.get(this.paymentKey(request.paymentIntentId)) : null;
    if (!raw) throw new RefundRejectedError(`No such payment_intent: '${request.paymentIntentId}'`, 'resource_missing');
    const payment = JSON.parse(raw) as { amount: number; currency: string };
    const earlier = await this.redis.lrange(this.paymentRefundsKey(request.paymentIntentId), 0, -1);
    const refunded = (await Promise.all(earlier.map((id) => this.refundRecord(id)))).reduce((sum, r) => sum + r.amount, 0);
    const left = payment.amount - refunded;
    if (left <= 0) throw new RefundRejectedError(`Charge for payment_intent ${request.paymentIntentId} has already been refunded.`, 'charge_already_refunded');
    if (request.amount > left) {
      throw new RefundRejectedError(`Refund amount (${request.amount}) is greater than unrefunded amount on charge (${left}).`, 'amount_too_large');
    }
    const refund: DemoRefundRecord = {
      id: `re_demo_${randomBytes(12).toString('hex')}`,
      object: 'refund',
      amount: request.amount,
      currency: payment.currency,
      payment_intent: request.paymentIntentId,
      charge: null,
      status: 'succeeded',
      reason: request.reason ?? null,
      metadata: refundMetadata(request),
      created: Math.floor(Date.now() / 1000),
    };
    await this.redis
      .multi()
      .set(this.refundKey(refund.id), JSON.stringify(refund), 'EX', SESSION_TTL_SECONDS)
      .set(idempotency, refund.id, 'EX', SESSION_TTL_SECONDS)
      .rpush(this.paymentRefundsKey(request.paymentIntentId), refund.id)
      .expire(this.paymentRefundsKey(request.paymentIntentId), SESSION_TTL_SECONDS)
      .exec();
    return refund;
  }

  private async refundRecord(refundId: string): Promise<DemoRefundRecord> {
    const raw = /^re_demo_[0-9a-f]{24}$/.test(refundId) ? await this.redis.get(this.refundKey(refundId)) : null;
    if (!raw) throw new CheckoutNotFoundError(`No such refund: ${refundId}`);
    return JSON.parse(raw) as DemoRefundRecord;
  }

  private async save(record: DemoSessionRecord): Promise<void> {
    await this.redis.set(this.sessionKey(record.id), JSON.stringify(record), 'EX', SESSION_TTL_SECONDS);
  }

  // Every demo key shares one hash tag, {demo-checkout}: a refund's MULTI
  // writes the refund, its idempotency key and the payment's list together,
  // which Redis Cluster allows within one slot only. A demo's few keys need no spreading.
  private sessionKey(id: string): string {
    return `${this.options.prefix}{demo-checkout}:${id}`;
  }

  /** A key beside the demo's others, in the same slot (demo-saved-cards.ts keeps its customers, cards and payments so). */
  keyFor(name: string): string {
    return `${this.options.prefix}{demo-checkout}:${name}`;
  }

  private idempotencyKey(key: string): string {
    return `${this.options.prefix}{demo-checkout}:idempotency:${key}`;
  }

  private paymentKey(paymentIntentId: string): string {
    return `${this.options.prefix}{demo-checkout}:payment:${paymentIntentId}`;
  }

  private paymentRefundsKey(paymentIntentId: string): string {
    return `${this.options.prefix}{demo-checkout}:payment:${paymentIntentId}:refunds`;
  }

  private refundKey(refundId: string): string {
    return `${this.options.prefix}{demo-checkout}:refund:${refundId}`;
  }
}
