import { randomBytes } from 'node:crypto';
import { CheckoutNotFoundError } from '../checkout/checkout.gateway.js';
import { CardRefusedError, toPaymentInfo, type OffSessionCharge, type PaymentInfo, type SavedCards } from '../checkout/saved-cards.js';
import type { RedisClient } from '../redis/redis.client.js';
import type { DemoCheckoutGateway, DemoPaymentMethod } from './demo-checkout.gateway.js';

const TTL_SECONDS = 30 * 24 * 3600;

/**
 * The cards a newcomer can save on the demo payment page, after Stripe's
 * test cards: 4242 pays, and 0341 saves but is declined when charged later
 * (https://docs.stripe.com/testing#declined-payments, 4000 0000 0000 0341).
 */
export const DEMO_CARDS = {
  '4242': { brand: 'visa', last4: '4242', declinesLater: false, label: 'Demo Visa ending 4242: pays' },
  '0341': { brand: 'visa', last4: '0341', declinesLater: true, label: 'Demo Visa ending 0341: saves, then is declined when paying by reply' },
} as const;
export type DemoCardNumber = keyof typeof DEMO_CARDS;

interface DemoCardRecord {
  id: string;
  customer: string | null;
  card: DemoCardNumber;
  exp_month: number;
  exp_year: number;
}

/** A Stripe-shaped PaymentIntent as the demo keeps it. */
interface DemoIntentRecord {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: PaymentInfo['status'];
  customer: string;
  payment_method: string;
  metadata: Record<string, string>;
  last_payment_error: { code: string; message: string } | null;
  created: number;
  livemode: false;
}

/**
 * Saved cards without a Stripe account: demo Customers, the demo card a
 * customer ticked "save" for on the demo payment page, and payments to it
 * confirmed here, announced to our own webhook as a signed
 * payment_intent.succeeded, as Stripe would, so paying by reply runs the
 * real path (queue, worker, tickets) in a newcomer's `npm start`.
 */
export class DemoSavedCards implements SavedCards {
  constructor(
    private readonly redis: RedisClient,
    private readonly checkout: DemoCheckoutGateway,
  ) {}

  async createCustomer(_identity: string, idempotencyKey: string): Promise<string> {
    const id = `cus_demo_${randomBytes(8).toString('hex')}`;
    const key = this.checkout.keyFor(`customer-key:${idempotencyKey}`);
    if ((await this.redis.set(key, id, 'EX', TTL_SECONDS, 'NX')) === 'OK') return id;
    return (await this.redis.get(key)) ?? id;
  }

  /** The card the customer ticked "save" for on the demo page: attached to the session's Customer, as the paid session shows it. */
  async saveCard(customerId: string, card: DemoCardNumber): Promise<DemoPaymentMethod> {
    const record: DemoCardRecord = { id: `pm_demo_${randomBytes(12).toString('hex')}`, customer: customerId, card, exp_month: 12, exp_year: new Date().getUTCFullYear() + 4 };
    await this.saveRecord('card', record.id, record);
    const { brand, last4 } = DEMO_CARDS[card];
    return { id: record.id, customer: customerId, allow_redisplay: 'always', card: { brand, last4, exp_month: record.exp_month, exp_year: record.exp_year } };
  }

  async prepare(request: OffSessionCharge): Promise<PaymentInfo> {
    const key = this.checkout.keyFor(`intent-key:${request.idempotencyKey}`);
    const id = `pi_demo_${randomBytes(12).toString('hex')}`;
    if ((await this.redis.set(key, id, 'EX', TTL_SECONDS, 'NX')) !== 'OK') return this.retrievePayment((await this.redis.get(key))!);
    const intent: DemoIntentRecord = {
      id,
      object: 'payment_intent',
      amount: request.amount,
      amount_received: 0,
      currency: request.currency,
      status: 'requires_confirmation',
      customer: request.customerId,
      payment_method: request.paymentMethodId,
      metadata: { reference: request.reference, kind: request.kind },
      last_payment_error: null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    await this.saveRecord('intent', id, intent);
    return toPaymentInfo(intent);
  }

  async confirm(paymentId: string, _idempotencyKey: string): Promise<PaymentInfo> {
    const intent = await this.intentRecord(paymentId);
    // Confirmed already (a repeated confirm): the same answer, as the idempotency key gives at Stripe.
    if (intent.status !== 'requires_confirmation') return this.answer(intent);
    const method = await this.cardRecord(intent.payment_method).catch(() => undefined);
    const declined = !method?.customer || DEMO_CARDS[method.card].declinesLater;
    const settled: DemoIntentRecord = declined
      ? { ...intent, status: 'requires_payment_method', last_payment_error: { code: 'card_declined', message: 'Your card was declined.' } }
      : { ...intent, status: 'succeeded', amount_received: intent.amount };
    await this.saveRecord('intent', settled.id, settled);
    if (!declined) {
      await this.checkout.recordPayment(settled.id, settled.amount, settled.currency);
      // Stripe tells the webhook; so does the demo. Reconciliation finds it if this post is lost.
      await this.checkout.announcer?.('payment_intent.succeeded', settled);
    }
    return this.answer(settled);
  }

  async cancel(paymentId: string): Promise<PaymentInfo> {
    const intent = await this.intentRecord(paymentId);
    if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') return toPaymentInfo(intent);
    const canceled: DemoIntentRecord = { ...intent, status: 'canceled' };
    await this.saveRecord('intent', canceled.id, canceled);
    return toPaymentInfo(canceled);
  }

  async retrievePayment(paymentId: string): Promise<PaymentInfo> {
    return toPaymentInfo(await this.intentRecord(paymentId));
  }

  async forget(paymentMethodId: string): Promise<void> {
    const method = await this.cardRecord(paymentMethodId).catch(() => undefined);
    if (method) await this.saveRecord('card', method.id, { ...method, customer: null });
  }

  /** A confirm's answer: the payment, or the bank's refusal as Stripe gives it. */
  private answer(intent: DemoIntentRecord): PaymentInfo {
    if (intent.status === 'requires_payment_method' && intent.last_payment_error) {
      throw new CardRefusedError(intent.last_payment_error.message, intent.last_payment_error.code, intent.id, 'generic_decline');
    }
    return toPaymentInfo(intent);
  }

  private async intentRecord(id: string): Promise<DemoIntentRecord> {
    const raw = /^pi_demo_[0-9a-f]{24}$/.test(id) ? await this.redis.get(this.checkout.keyFor(`intent:${id}`)) : null;
    if (!raw) throw new CheckoutNotFoundError(`No such payment_intent: '${id}'`);
    return JSON.parse(raw) as DemoIntentRecord;
  }

  private async cardRecord(id: string): Promise<DemoCardRecord> {
    const raw = /^pm_demo_[0-9a-f]{24}$/.test(id) ? await this.redis.get(this.checkout.keyFor(`card:${id}`)) : null;
    if (!raw) throw new CheckoutNotFoundError(`No such payment_method: '${id}'`);
    return JSON.parse(raw) as DemoCardRecord;
  }

  private async saveRecord(kind: 'card' | 'intent', id: string, record: DemoCardRecord | DemoIntentRecord): Promise<void> {
    await this.redis.set(this.checkout.keyFor(`${kind}:${id}`), JSON.stringify(record), 'EX', TTL_SECONDS);
  }
}
