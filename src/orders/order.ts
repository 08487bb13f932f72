import { z } from 'zod';
import { customerSchema } from '../customers/customer.js';
import { languageSchema } from '../customers/language.js';

/** Every state an order can be in. The last four are ends: nothing leaves them but a refund. */
export const ORDER_STATES = [
  'held',
  'awaiting_payment',
  'paid',
  'fulfilled',
  'expired',
  'cancelled',
  'payment_failed',
  'refunded',
] as const;

export type OrderState = (typeof ORDER_STATES)[number];

/**
 * The only legal moves. held→paid is allowed because payment evidence wins: a
 * webhook may arrive before we recorded that the link was sent.
 */
const NEXT: Readonly<Record<OrderState, readonly OrderState[]>> = {
  held: ['awaiting_payment', 'cancelled', 'expired', 'paid', 'payment_failed'],
  awaiting_payment: ['paid', 'expired', 'cancelled', 'payment_failed'],
  paid: ['fulfilled', 'refunded'],
  fulfilled: ['refunded'],
  expired: [],
  cancelled: [],
  payment_failed: [],
  refunded: [],
};

export function canTransition(from: OrderState, to: OrderState): boolean {
  return NEXT[from].includes(to);
}

/** States with no way out (`paid` and `fulfilled` are not final: they can still be refunded). */
export function isFinal(state: OrderState): boolean {
  return NEXT[state].length === 0;
}

/** The states from which `to` can be reached in one move. */
export function statesLeadingTo(to: OrderState): OrderState[] {
  return ORDER_STATES.filter((from) => canTransition(from, to));
}

export const orderStateSchema = z.enum(ORDER_STATES);

export const timelineEntrySchema = z.object({
  at: z.iso.datetime(),
  from: orderStateSchema.optional(),
  to: orderStateSchema.optional(),
  /** What caused it, e.g. 'stripe:evt_123', 'customer', 'reconciliation'. */
  cause: z.string().min(1),
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const minorUnits = z.number().int().nonnegative();

/**
 * 'tickets': a purchase (`BX-…`). 'upgrade': an offer to move a paid order
 * to better seats (`UP-…`), kept as a record of its own with the same state
 * machine: held (seats set aside) → awaiting_payment (link sent) → paid →
 * fulfilled (seats swapped), or expired / cancelled (withdrawn) /
 * payment_failed / refunded (paid after its order ended, so paid back).
 * Its seats are the ones on offer, `unitAmount` the difference per ticket.
 */
export const ORDER_KINDS = ['tickets', 'upgrade'] as const;

/**
 * Paying for a held order by reply with the customer's saved card
 * (orders/pay-by-reply.service.ts): 'offered' with the hold, 'charging' from
 * the customer's YES (the payment page is closed first, and `paymentId` is
 * the provider's payment once made), 'refused' when the bank said no and a
 * new payment page took the closed one's place.
 */
export const cardPaymentSchema = z.object({
  status: z.enum(['offered', 'charging', 'refused']),
  /** As the customer is reminded of it: brand and last four digits. */
  brand: z.string().min(1),
  last4: z.string().min(1),
  paymentId: z.string().optional(),
  /** The bank's reason, once refused (card_declined, expired_card, authentication_required, …). */
  code: z.string().optional(),
});
export type CardPayment = z.infer<typeof cardPaymentSchema>;

/** How a paid order was paid: on the payment page, or by reply with a saved card. */
export const PAID_WITH = ['checkout', 'saved_card'] as const;
export const orderKindSchema = z.enum(ORDER_KINDS);
export type OrderKind = (typeof ORDER_KINDS)[number];

export const orderSchema = z.object({
  id: z.string(),
  /** Absent on orders written before upgrades existed: the schema defaults them. */
  kind: orderKindSchema.default('tickets'),
  /** On an upgrade: the ticket order whose seats it moves. */
  upgradeOf: z.string().optional(),
  /** On a ticket order: its latest upgrade offer, which may still be open (see claim-offer.lua). */
  openOffer: z.string().optional(),
  state: orderStateSchema,
  customer: customerSchema,
  /** The language of the conversation that made it, for the notices about it; absent means English. */
  language: languageSchema.optional(),
  eventId: z.string().min(1),
  sectionId: z.string().min(1),
  quantity: z.number().int().positive(),
  seats: z.array(z.string()),
  /** Price of one ticket in minor units (cents). */
  unitAmount: minorUnits,
  /** Total in minor units. */
  amount: minorUnits,
  currency: z.string().min(3),
  stripeSessionId: z.string().optional(),
  checkoutUrl: z.string().optional(),
  cardPayment: cardPaymentSchema.optional(),
  /** Set when the order is paid. */
  paidWith: z.enum(PAID_WITH).optional(),
  /**
   * The secret the record's pay link carries (checkout/pay-link.ts), drawn
   * when it is created. Absent only on a record stored before links carried
   * one, until OrderStore.get gives it one.
   */
  linkSecret: z.string().min(16).optional(),
  /** Epoch ms after which the hold may be released (on evidence; see DESIGN.md "Hold"). */
  holdExpiresAt: z.number().int(),
  tickets: z.array(z.string()),
  /** Tickets voided by confirmed refunds (a subset of `tickets`); see refund-settlement.service.ts. */
  refundedTickets: z.array(z.string()).default([]),
  /** Tickets given to someone else (a subset of `tickets`): reissued with new codes on the recipient's own order. */
  transferredTickets: z.array(z.string()).default([]),
  /** On an order of tickets given by another customer: the order they came from. */
  transferredFrom: z.string().optional(),
  /** And the giver's name, where the conversation gave one (a chat's display name), for the recipient's message. */
  transferredBy: z.string().max(60).optional(),
  /** Minor units refunded so far, as Stripe confirmed them. */
  refundedAmount: minorUnits.default(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  timeline: z.array(timelineEntrySchema),
});
export type Order = z.infer<typeof orderSchema>;

/** What a caller supplies to create an order; the store fills in the rest. */
export const newOrderSchema = z.object({
  kind: orderKindSchema.default('tickets'),
  upgradeOf: z.string().optional(),
  customer: customerSchema,
  language: languageSchema.optional(),
  eventId: z.string().min(1),
  sectionId: z.string().min(1),
  quantity: z.number().int().positive(),
  seats: z.array(z.string()),
  unitAmount: minorUnits,
  /** Default: unitAmount × quantity. */
  amount: minorUnits.optional(),
  currency: z.string().min(3),
  holdExpiresAt: z.number().int(),
  stripeSessionId: z.string().optional(),
  checkoutUrl: z.string().optional(),
  transferredFrom: z.string().optional(),
  transferredBy: z.string().max(60).optional(),
});
export type NewOrder = z.input<typeof newOrderSchema>;

/** Fields a transition may change alongside the state. */
export interface OrderPatch {
  /** Set when an upgrade moves a fulfilled order to another section. */
  sectionId?: string;
  /**
   * On an upgrade offer: minor units of its own payment paid back so far
   * (ticket orders' refunds are applied by apply-refund.lua instead).
   */
  refundedAmount?: number;
  stripeSessionId?: string;
  checkoutUrl?: string;
  cardPayment?: CardPayment;
  paidWith?: (typeof PAID_WITH)[number];
  seats?: string[];
  tickets?: string[];
  transferredTickets?: string[];
  holdExpiresAt?: number;
}

export interface TransitionRequest {
  to: OrderState;
  /**
   * Why, as a stable id: 'stripe:evt_123', 'customer:<activity id>', 'reconciliation:<run>'.
   * Applying the same cause to the same target twice is a no-op the second time.
   */
  cause: string;
  note?: string;
  patch?: OrderPatch;
}

export type TransitionOutcome = 'applied' | 'duplicate' | 'already' | 'illegal' | 'unknown_order';

export interface TransitionResult {
  outcome: TransitionOutcome;
  /** The order as it stands after this step (absent only for 'unknown_order'). */
  order?: Order;
}
