import { z } from 'zod';

/** What we ask a checkout provider for: one hosted payment page for one order. */
export interface CheckoutRequest {
  /** Our order (or upgrade offer) id; travels in client_reference_id and metadata. */
  reference: string;
  kind: 'tickets' | 'upgrade';
  /** For an upgrade: the order whose seats move. */
  upgradeOf?: string;
  currency: string;
  lineItems: Array<{ name: string; description?: string; unitAmount: number; quantity: number }>;
  /** When the page stops taking payment, epoch seconds (Stripe: 30 min to 24 h ahead). */
  expiresAt: number;
  successUrl: string;
  cancelUrl: string;
  /** Same key, same session: a retried create never makes a second page. */
  idempotencyKey: string;
  /**
   * Offer to save the card for buying by reply next time: the page is made
   * for this provider Customer, with a "save my card" choice and `consent`,
   * the words the customer agrees to by ticking it (orders/saved-card.store.ts).
   */
  saveCard?: { customerId: string; consent: string };
}

/** A card saved to a provider Customer, as the customer is reminded of it ("Visa ending 4242"). */
export interface SavedCard {
  customerId: string;
  paymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** The parts of a Checkout Session we act on, already validated. */
export interface CheckoutSession {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  reference: string;
  kind: 'tickets' | 'upgrade';
  upgradeOf?: string;
  amountTotal: number | null;
  currency: string | null;
  paymentIntentId?: string;
  /**
   * The card the customer chose to save while paying here, when they did:
   * read from the payment's card, attached to the session's Customer and
   * theirs to be shown again (Stripe's `allow_redisplay: 'always'`).
   */
  savedCard?: SavedCard;
}

/**
 * Whether a session's page has taken the payment, or a payment is on its way
 * from it (complete with a delayed method): either way the page's payment
 * stands, and nothing else may be charged for its order.
 */
export function pageTookPayment(session: CheckoutSession): boolean {
  return session.paymentStatus === 'paid' || session.status === 'complete';
}

/** What we ask the provider to pay back: part or all of one order's payment. */
export interface RefundRequest {
  /** The payment to refund (the Checkout Session's payment intent). */
  paymentIntentId: string;
  /** Minor units. */
  amount: number;
  /** Our ids; they travel in the refund's metadata and come back on its events. */
  orderId: string;
  refundId: string;
  /** Stripe's reason code; the customer's own cancellations are 'requested_by_customer'. */
  reason?: 'requested_by_customer' | 'duplicate' | 'fraudulent';
  /** Staff's words, kept in metadata. */
  note?: string;
  /** Our own pay-back of a payment no order could keep, kept in metadata so its events are known as ours (see PAY_BACKS). */
  payBack?: PayBackKind;
  /** Same key, same refund: a retried request never pays back twice. */
  idempotencyKey: string;
}

/**
 * Refunds the box office makes of its own accord, not of an order's tickets
 * (no RF-… record): a payment that arrived after its order ended
 * (orders/late-payment.refunds.ts), and an upgrade's payment given back
 * (upgrades/upgrade.pay-back.ts).
 */
export const PAY_BACKS = ['late_payment', 'upgrade'] as const;
export type PayBackKind = (typeof PAY_BACKS)[number];

export const REFUND_PROVIDER_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;

/** The parts of a Stripe refund we act on, already validated. */
export interface RefundInfo {
  id: string;
  status: (typeof REFUND_PROVIDER_STATUSES)[number];
  amount: number;
  currency: string | null;
  paymentIntentId?: string;
  /** Present only when the metadata carries our ids (a refund made in the Dashboard does not). */
  ours?: { orderId: string; refundId: string };
  /** Present when the metadata says it is one of our own pay-backs (RefundRequest.payBack). */
  payBack?: PayBackKind;
  /** Stripe's failure_reason, for a failed refund. */
  failureReason?: string;
}

/** The provider refused a refund (already refunded, amount too large, …): nothing was paid back. */
export class RefundRejectedError extends Error {
  constructor(
    message: string,
    /** Stripe's error code, e.g. 'charge_already_refunded'. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RefundRejectedError';
  }
}

/**
 * The provider has no such session or refund (Stripe's 404
 * `resource_missing`): asking again will not help. Both gateways raise it, so
 * callers test for one type instead of each provider's way of saying so.
 */
export class CheckoutNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckoutNotFoundError';
  }
}

/**
 * Stripe Checkout, or the demo checkout when no Stripe key is configured.
 * `retrieve`, `expire` and `retrieveRefund` throw CheckoutNotFoundError for an
 * id the provider does not know.
 */
export interface CheckoutGateway {
  create(request: CheckoutRequest): Promise<CheckoutSession>;
  /** The session as the provider sees it now: the worker trusts this, not an event body. */
  retrieve(sessionId: string): Promise<CheckoutSession>;
  /** Stops the page taking payment; expiring an expired session is not an error. */
  expire(sessionId: string): Promise<CheckoutSession>;
  /** Pays back part or all of a payment. Throws RefundRejectedError when the provider refuses. */
  refund(request: RefundRequest): Promise<RefundInfo>;
  /** The refund as the provider sees it now: the worker trusts this, not an event body. */
  retrieveRefund(refundId: string): Promise<RefundInfo>;
  /** Every refund of one charge (what a `charge.refunded` event points at). */
  refundsOfCharge(chargeId: string): Promise<RefundInfo[]>;
  /** Every refund of one payment intent: reconciliation looks there before asking for a refund again. */
  refundsOfPayment(paymentIntentId: string): Promise<RefundInfo[]>;
}

/** Our ids in a refund's metadata; checked, not trusted. */
export const refundMetadataSchema = z.object({
  orderId: z.string().regex(/^BX-[A-Z0-9]{4,6}$/),
  refundId: z.string().regex(/^RF-[A-Z0-9]{10}$/),
});

const stripeRefundSchema = z.object({
  id: z.string().min(1),
  status: z.enum(REFUND_PROVIDER_STATUSES),
  amount: z.number().int().nonnegative(),
  currency: z.string().nullable().optional(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  failure_reason: z.string().nullable().optional(),
});

/** Validates a Stripe-shaped refund object (from the API or the demo store). */
export function toRefundInfo(raw: unknown): RefundInfo {
  const refund = stripeRefundSchema.parse(raw);
  const ours = refundMetadataSchema.safeParse(refund.metadata ?? {});
  const payBack = z.enum(PAY_BACKS).safeParse(refund.metadata?.payBack);
  const paymentIntent = refund.payment_intent;
  return {
    id: refund.id,
    status: refund.status,
    amount: refund.amount,
    currency: refund.currency ?? null,
    paymentIntentId: typeof paymentIntent === 'string' ? paymentIntent : paymentIntent?.id,
    ...(ours.success ? { ours: ours.data } : {}),
    ...(payBack.success ? { payBack: payBack.data } : {}),
    ...(refund.failure_reason ? { failureReason: refund.failure_reason } : {}),
  };
}

/** The metadata we put on a refund. */
export function refundMetadata(request: RefundRequest): Record<string, string> {
  return {
    orderId: request.orderId,
    refundId: request.refundId,
    ...(request.note ? { note: request.note.slice(0, 500) } : {}),
    ...(request.payBack ? { payBack: request.payBack } : {}),
  };
}

/** Our ids come back from Stripe in metadata; they are checked, not trusted. */
export const checkoutMetadataSchema = z.object({
  reference: z.string().regex(/^(BX|UP)-[A-Z0-9]{4,6}$/),
  kind: z.enum(['tickets', 'upgrade']),
  upgradeOf: z.string().regex(/^BX-[A-Z0-9]{4,6}$/).optional(),
});

const stripeSessionSchema = z.object({
  id: z.string().min(1),
  url: z.string().nullable().optional(),
  status: z.enum(['open', 'complete', 'expired']),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  amount_total: z.number().nullable().optional(),
  currency: z.string().nullable().optional(),
  payment_intent: z
    .union([
      z.string(),
      z.object({
        id: z.string(),
        // Present when the session is read with payment_intent.payment_method expanded.
        payment_method: z
          .union([
            z.string(),
            z.object({
              id: z.string(),
              customer: z.union([z.string(), z.object({ id: z.string() })]).nullable().optional(),
              allow_redisplay: z.string().optional(),
              card: z.object({ brand: z.string(), last4: z.string(), exp_month: z.number(), exp_year: z.number() }).nullable().optional(),
            }),
          ])
          .nullable()
          .optional(),
      }),
    ])
    .nullable()
    .optional(),
});

/** Raised when a session does not carry our ids: never ours, or tampered with. */
export class ForeignSessionError extends Error {
  constructor(sessionId: string, reason: string) {
    super(`checkout session ${sessionId} is not one of ours: ${reason}`);
    this.name = 'ForeignSessionError';
  }
}

/** Validates a Stripe-shaped session object (from the API or the demo store). */
export function toCheckoutSession(raw: unknown): CheckoutSession {
  const session = stripeSessionSchema.parse(raw);
  const metadata = checkoutMetadataSchema.safeParse(session.metadata ?? {});
  if (!metadata.success) throw new ForeignSessionError(session.id, 'metadata lacks a valid reference');
  if (session.client_reference_id !== metadata.data.reference) {
    throw new ForeignSessionError(session.id, 'client_reference_id and metadata disagree');
  }
  const paymentIntent = session.payment_intent;
  return {
    id: session.id,
    url: session.url ?? null,
    status: session.status,
    paymentStatus: session.payment_status,
    reference: metadata.data.reference,
    kind: metadata.data.kind,
    upgradeOf: metadata.data.upgradeOf,
    amountTotal: session.amount_total ?? null,
    currency: session.currency ?? null,
    paymentIntentId: typeof paymentIntent === 'string' ? paymentIntent : paymentIntent?.id,
    ...savedCardOf(paymentIntent),
  };
}

/** The card saved with the session's payment, if the customer chose to save it. */
function savedCardOf(paymentIntent: z.infer<typeof stripeSessionSchema>['payment_intent']): { savedCard?: SavedCard } {
  const method = typeof paymentIntent === 'object' && paymentIntent !== null ? paymentIntent.payment_method : undefined;
  if (typeof method !== 'object' || method === null || !method.card) return {};
  const customerId = typeof method.customer === 'string' ? method.customer : method.customer?.id;
  // Saved only when the customer ticked it: attached to the session's Customer, and theirs to be shown again.
  if (!customerId || method.allow_redisplay !== 'always') return {};
  const { brand, last4, exp_month: expMonth, exp_year: expYear } = method.card;
  return { savedCard: { customerId, paymentMethodId: method.id, brand, last4, expMonth, expYear } };
}
