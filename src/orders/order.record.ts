// How an order is laid out in Redis, and back: scalar fields in a hash (arrays
// and the conversation reference as JSON text), the timeline as a list of JSON
// entries. What comes back is parsed with zod, never trusted.
import { orderSchema, type Order, type OrderPatch } from './order.js';

/** Raised when a stored order does not parse: a bug or a hand-edited key, not a retryable fault. */
export class OrderRecordError extends Error {
  constructor(
    readonly orderId: string,
    detail: string,
  ) {
    super(`Order ${orderId} in Redis is malformed: ${detail}`);
    this.name = 'OrderRecordError';
  }
}

/** The hash fields of an order (everything but the timeline), as HSET pairs. */
export function encodeOrderFields(order: Omit<Order, 'timeline'>): string[] {
  const fields: Record<string, string | undefined> = {
    id: order.id,
    kind: order.kind,
    upgradeOf: order.upgradeOf,
    state: order.state,
    channel: order.customer.channel,
    address: order.customer.address,
    conversation:
      order.customer.conversation === undefined ? undefined : JSON.stringify(order.customer.conversation),
    language: order.language,
    eventId: order.eventId,
    sectionId: order.sectionId,
    quantity: String(order.quantity),
    seats: JSON.stringify(order.seats),
    unitAmount: String(order.unitAmount),
    amount: String(order.amount),
    currency: order.currency,
    stripeSessionId: order.stripeSessionId,
    checkoutUrl: order.checkoutUrl,
    cardPayment: order.cardPayment && JSON.stringify(order.cardPayment),
    paidWith: order.paidWith,
    linkSecret: order.linkSecret,
    holdExpiresAt: String(order.holdExpiresAt),
    tickets: JSON.stringify(order.tickets),
    refundedTickets: JSON.stringify(order.refundedTickets),
    transferredTickets: JSON.stringify(order.transferredTickets),
    transferredFrom: order.transferredFrom,
    transferredBy: order.transferredBy,
    refundedAmount: String(order.refundedAmount),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
  return toPairs(fields);
}

/** A transition's patch as HSET pairs, encoded the same way as {@link encodeOrderFields}. */
export function encodePatch(patch: OrderPatch = {}): string[] {
  return toPairs({
    sectionId: patch.sectionId,
    stripeSessionId: patch.stripeSessionId,
    checkoutUrl: patch.checkoutUrl,
    cardPayment: patch.cardPayment && JSON.stringify(patch.cardPayment),
    paidWith: patch.paidWith,
    seats: patch.seats && JSON.stringify(patch.seats),
    tickets: patch.tickets && JSON.stringify(patch.tickets),
    transferredTickets: patch.transferredTickets && JSON.stringify(patch.transferredTickets),
    holdExpiresAt: patch.holdExpiresAt === undefined ? undefined : String(patch.holdExpiresAt),
    refundedAmount: patch.refundedAmount === undefined ? undefined : String(patch.refundedAmount),
  });
}

/** Rebuilds an order from its hash and timeline; throws {@link OrderRecordError} if they do not parse. */
export function decodeOrder(id: string, hash: Record<string, string>, timeline: string[]): Order {
  const candidate = {
    id: hash.id,
    kind: hash.kind,
    upgradeOf: hash.upgradeOf,
    openOffer: hash.openOffer,
    state: hash.state,
    customer: {
      channel: hash.channel,
      address: hash.address,
      ...(hash.conversation === undefined ? {} : { conversation: parseJson(hash.conversation) }),
    },
    language: hash.language,
    eventId: hash.eventId,
    sectionId: hash.sectionId,
    quantity: toNumber(hash.quantity),
    seats: parseJson(hash.seats),
    unitAmount: toNumber(hash.unitAmount),
    amount: toNumber(hash.amount),
    currency: hash.currency,
    stripeSessionId: hash.stripeSessionId,
    checkoutUrl: hash.checkoutUrl,
    cardPayment: parseJson(hash.cardPayment),
    paidWith: hash.paidWith,
    linkSecret: hash.linkSecret,
    holdExpiresAt: toNumber(hash.holdExpiresAt),
    tickets: parseJson(hash.tickets),
    // Absent on orders written before refunds existed: the schema defaults them.
    refundedTickets: parseJson(hash.refundedTickets),
    // Absent on orders written before transfers existed: the schema defaults them.
    transferredTickets: parseJson(hash.transferredTickets),
    transferredFrom: hash.transferredFrom,
    transferredBy: hash.transferredBy,
    refundedAmount: toNumber(hash.refundedAmount),
    createdAt: hash.createdAt,
    updatedAt: hash.updatedAt,
    timeline: timeline.map(parseJson),
  };
  const parsed = orderSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OrderRecordError(id, `${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** HGETALL as a flat [field, value, ...] array (what a Lua script returns) to an object. */
export function pairsToHash(flat: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

function toPairs(fields: Record<string, string | undefined>): string[] {
  return Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [field, value]));
}

// Undefined instead of throwing, so zod reports which field is broken.
function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toNumber(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}
