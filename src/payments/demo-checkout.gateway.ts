import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { toCheckoutSession, type CheckoutGateway, type CheckoutRequest, type CheckoutSession } from './checkout.gateway.js';

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
  livemode: false;
}

/**
 * The checkout used when no Stripe key is set: sessions live in Redis, the
 * "hosted page" is /demo/checkout/:id on this server, and paying it posts a
 * signed checkout.session.completed event to our own webhook route, so the
 * rest of the path (queue, worker, tickets) is the real one.
 */
export class DemoCheckoutGateway implements CheckoutGateway {
  readonly demo = true;

  constructor(
    private readonly redis: Redis,
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
      livemode: false,
    };
    await this.save(record);
    return toCheckoutSession(record);
  }

  async retrieve(sessionId: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.record(sessionId));
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
    if (!raw) throw new DemoSessionNotFoundError(sessionId);
    const record = JSON.parse(raw) as DemoSessionRecord;
    if (record.status === 'open' && record.expires_at * 1000 <= Date.now()) record.status = 'expired';
    return record;
  }

  /** Marks an open session paid and returns it, as Stripe's hosted page would on success. */
  async pay(sessionId: string): Promise<DemoSessionRecord> {
    const record = await this.record(sessionId);
    if (record.status !== 'open') return record;
    record.status = 'complete';
    record.payment_status = 'paid';
    await this.save(record);
    return record;
  }

  private async save(record: DemoSessionRecord): Promise<void> {
    await this.redis.set(this.sessionKey(record.id), JSON.stringify(record), 'EX', SESSION_TTL_SECONDS);
  }

  private sessionKey(id: string): string {
    return `${this.options.prefix}demo-checkout:${id}`;
  }

  private idempotencyKey(key: string): string {
    return `${this.options.prefix}demo-checkout:idempotency:${key}`;
  }
}

export class DemoSessionNotFoundError extends Error {
  constructor(sessionId: string) {
    super(`No such checkout session: ${sessionId}`);
    this.name = 'DemoSessionNotFoundError';
  }
}
