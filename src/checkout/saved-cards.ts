// The port for cards a customer saved with the payment provider, to pay in
// one reply next time: a Customer at the provider per customer identity of
// ours, the card saved with the customer's consent in Checkout, and charges
// to it made off-session (the customer is not on a payment page). Stripe
// implements it (payments/stripe-saved-cards.ts).
import { z } from 'zod';
import { checkoutMetadataSchema, type SavedCard } from './checkout.gateway.js';
import type { Language } from '../customers/language.js';

export type { SavedCard };

/** A payment to a saved card for one order, made first and confirmed apart (so its id is recorded before any money moves). */
export interface OffSessionCharge {
  /** Our order id; travels in metadata, as on a Checkout Session. */
  reference: string;
  kind: 'tickets' | 'upgrade';
  amount: number;
  currency: string;
  customerId: string;
  paymentMethodId: string;
  /** Same key, same payment: a YES sent twice, or a lookup after a crash, never makes a second one. */
  idempotencyKey: string;
}

/** The code a card payment is refused with when it was never finished (cut short, and found so later), not refused by the bank. */
export const UNFINISHED_CARD_PAYMENT = 'not_completed';

/** A card network as people write it: "visa" → "Visa", "amex" → "American Express". */
export function cardBrand(brand: string): string {
  const known: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay' };
  return known[brand] ?? (brand ? brand[0]!.toUpperCase() + brand.slice(1) : 'Card');
}

/**
 * A saved card as its customer knows it: "Visa ending 4242", "Visa terminada
 * en 4242". Written out, not "•4242": a bullet is not GSM-7, and one would
 * make a whole text UCS-2 (70 characters a segment instead of 160).
 */
export function cardName(card: { brand: string; last4: string }, language: Language = 'en'): string {
  return `${cardBrand(card.brand)} ${language === 'es' ? 'terminada en' : 'ending'} ${card.last4}`;
}

export const PAYMENT_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled'] as const;

/** The parts of a payment (a Stripe PaymentIntent) we act on, already validated. */
export interface PaymentInfo {
  id: string;
  status: (typeof PAYMENT_STATUSES)[number];
  amount: number;
  /** What was actually taken: the amount once it succeeded, else 0. */
  amountReceived: number;
  currency: string;
  /** Our ids from its metadata; absent on a payment that is not one of ours. */
  ours?: { reference: string; kind: 'tickets' | 'upgrade' };
  /** Why the last attempt failed, as the provider's code (card_declined, authentication_required, …). */
  lastError?: string;
}

/**
 * The bank refused an off-session charge: `code` is the provider's
 * (card_declined, expired_card, authentication_required, …), and the payment
 * stays as it was left, for the customer to pay another way.
 */
export class CardRefusedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly paymentId?: string,
    readonly declineCode?: string,
  ) {
    super(message);
    this.name = 'CardRefusedError';
  }

  /** The bank wants the customer to authenticate: they must be brought to a page, not charged again. */
  get needsAuthentication(): boolean {
    return this.code === 'authentication_required' || this.declineCode === 'authentication_required';
  }
}

export interface SavedCards {
  /** A new Customer at the provider for one identity of ours (kept by us: the key only guards a retried create). */
  createCustomer(identity: string, idempotencyKey: string): Promise<string>;
  /** Makes the payment for a saved card, not yet confirmed: nothing is charged until confirm. */
  prepare(request: OffSessionCharge): Promise<PaymentInfo>;
  /** Charges it off-session (the key guards a repeated confirm); throws CardRefusedError when the bank says no. */
  confirm(paymentId: string, idempotencyKey: string): Promise<PaymentInfo>;
  /** Cancels a payment that did not go through, so nothing can ever charge it later; one already cancelled or paid is left as it is. */
  cancel(paymentId: string): Promise<PaymentInfo>;
  /** The payment as the provider sees it now: the worker trusts this, not an event body. */
  retrievePayment(paymentId: string): Promise<PaymentInfo>;
  /** Removes a saved card at the provider; forgetting a card already forgotten is not an error. */
  forget(paymentMethodId: string): Promise<void>;
}

const stripePaymentIntentSchema = z.object({
  id: z.string().min(1),
  status: z.enum(PAYMENT_STATUSES),
  amount: z.number().int().nonnegative(),
  amount_received: z.number().int().nonnegative().optional(),
  currency: z.string().min(3),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  last_payment_error: z.object({ code: z.string().optional() }).nullable().optional(),
});

/** Validates a Stripe-shaped PaymentIntent; our ids come from its metadata, checked, not trusted. */
export function toPaymentInfo(raw: unknown): PaymentInfo {
  const intent = stripePaymentIntentSchema.parse(raw);
  const ours = checkoutMetadataSchema.safeParse(intent.metadata ?? {});
  return {
    id: intent.id,
    status: intent.status,
    amount: intent.amount,
    amountReceived: intent.amount_received ?? 0,
    currency: intent.currency,
    ...(ours.success ? { ours: { reference: ours.data.reference, kind: ours.data.kind } } : {}),
    ...(intent.last_payment_error?.code ? { lastError: intent.last_payment_error.code } : {}),
  };
}
