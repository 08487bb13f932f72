import { UnrecoverableError } from 'bullmq';
import { proofOfSession } from '../checkout/payment-proof.js';
import type { RedisClient } from '../redis/redis.client.js';
import type { Logger } from 'pino';
import { CheckoutNotFoundError, ForeignSessionError, type CheckoutGateway, type CheckoutSession } from '../checkout/checkout.gateway.js';
import { translateStripeEvent } from '../payments/stripe-event.translate.js';
import { UnknownOrderError, type FulfilmentOutcome, type FulfilmentService } from '../orders/fulfilment.service.js';
import type { RefundSettlementService } from '../orders/refund-settlement.service.js';
import { isOfferId } from '../orders/order-id.js';
import { processRefundEvent } from './refund-event.handler.js';
import { processCardPayment, type CardPaymentDeps } from './card-payment.handler.js';
import type { PaymentEventJob } from '../queue/job.payloads.js';

export interface PaymentEventDeps {
  checkout: CheckoutGateway;
  /** Payments by reply with a saved card (payment_intent.* events); absent where customers cannot pay so. */
  cards?: Omit<CardPaymentDeps, 'fulfilment'>;
  fulfilment: FulfilmentService;
  /** Confirms refunds (refund.* and charge.refunded events); see refund-event.job.ts. */
  refunds: RefundSettlementService;
  processed: ProcessedEvents;
  log: Logger;
}

/** Longer than Stripe's retry window (3 days), so a late duplicate is still recognised. */
const PROCESSED_TTL_SECONDS = 4 * 24 * 3600;

/** Stripe event ids already acted on. */
export class ProcessedEvents {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async has(eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(eventId))) === 1;
  }

  async mark(eventId: string, outcome: string): Promise<void> {
    await this.redis.set(this.key(eventId), outcome, 'EX', PROCESSED_TTL_SECONDS);
  }

  private key(eventId: string): string {
    return `${this.prefix}stripe-event:${eventId}`;
  }
}

/**
 * Acts on one Stripe event. Trusts Stripe's current view of the session, not
 * the event body (DESIGN rule 4), so duplicated, late or out-of-order events
 * lead to the same end state. Unknown orders and foreign sessions end the job
 * without retry; anything else (Stripe or Redis unreachable) is retried.
 */
export async function processPaymentEvent(job: PaymentEventJob, deps: PaymentEventDeps): Promise<string> {
  if (await deps.processed.has(job.id)) return 'duplicate';
  const fact = translateStripeEvent({ id: job.id, type: job.type, data: { object: job.object } });
  if (fact.kind === 'ignored') {
    await deps.processed.mark(job.id, 'ignored');
    return 'ignored';
  }
  if (fact.kind === 'refund_changed' || fact.kind === 'charge_refunded') {
    const outcome = await processRefundEvent(fact, job.id, deps);
    await deps.processed.mark(job.id, outcome);
    return outcome;
  }
  const cause = `stripe:${job.id}`;
  if (fact.kind === 'card_payment') {
    const outcome = deps.cards ? await processCardPayment(fact.paymentId, cause, { ...deps.cards, fulfilment: deps.fulfilment }) : 'ignored';
    await deps.processed.mark(job.id, outcome);
    deps.log.info({ component: 'payments', eventId: job.id, type: job.type, paymentId: fact.paymentId, outcome }, 'payment event handled');
    return outcome;
  }
  const session = await retrieve(deps.checkout, fact.sessionId);
  const outcome = await act(fact.kind, session, cause, deps.fulfilment).catch((err: unknown) => {
    if (err instanceof UnknownOrderError) throw new UnrecoverableError(`unknown order ${err.orderId} (session ${session.id})`);
    throw err;
  });
  await deps.processed.mark(job.id, outcome);
  deps.log.info({ component: 'payments', eventId: job.id, type: job.type, sessionId: session.id, orderId: session.reference, outcome }, 'payment event handled');
  return outcome;
}

async function act(
  kind: 'checkout_completed' | 'async_payment_succeeded' | 'async_payment_failed' | 'checkout_expired',
  session: CheckoutSession,
  cause: string,
  fulfilment: FulfilmentService,
): Promise<FulfilmentOutcome> {
  // The kind in the metadata must agree with the id it names (BX- tickets, UP- upgrade).
  if ((session.kind === 'upgrade') !== isOfferId(session.reference)) return 'ignored';
  const orderId = session.reference;
  switch (kind) {
    case 'checkout_completed':
    case 'async_payment_succeeded':
      if (session.paymentStatus === 'paid' || session.paymentStatus === 'no_payment_required') return fulfilment.paid(orderId, cause, proofOfSession(session));
      // Only a completed checkout can have a payment on its way; if Stripe says
      // the session is still open (or expired), the event body is not the truth.
      return session.status === 'complete' ? fulfilment.paymentPending(orderId, cause) : 'ignored';
    case 'async_payment_failed':
      if (session.paymentStatus === 'paid') return fulfilment.paid(orderId, cause, proofOfSession(session));
      // A delayed payment that failed leaves its checkout complete and unpaid;
      // a page still open (or expired unpaid) has no payment that could fail.
      return session.status === 'complete' ? fulfilment.paymentFailed(orderId, cause) : 'ignored';
    case 'checkout_expired':
      // Stripe says what the session is now; an event can arrive after a later change.
      if (session.paymentStatus === 'paid') return fulfilment.paid(orderId, cause, proofOfSession(session));
      return session.status === 'expired' ? fulfilment.expired(orderId, cause, session.id) : 'ignored';
  }
}

async function retrieve(checkout: CheckoutGateway, sessionId: string): Promise<CheckoutSession> {
  try {
    return await checkout.retrieve(sessionId);
  } catch (err) {
    if (err instanceof ForeignSessionError) throw new UnrecoverableError(err.message);
    if (err instanceof CheckoutNotFoundError) throw new UnrecoverableError(`checkout session ${sessionId} does not exist`);
    throw err;
  }
}

