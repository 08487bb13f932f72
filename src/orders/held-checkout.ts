// The two steps every paid change starts with, shared by ticket purchases and
// seat upgrades: set seats aside under a fresh id and record them; then open
// a Checkout Session for the record, or undo both if the provider fails.
import type { Logger } from 'pino';
import { pageTookPayment, type CheckoutGateway, type CheckoutRequest } from '../checkout/checkout.gateway.js';
import type { Allocation, HoldRequest, HoldResult, SeatStore } from '../seats/seat.store.js';
import type { NewOrder, Order } from './order.js';
import { idLength, OrderIdTakenError, type OrderStore } from './order.store.js';
import { releaseHold } from './seat-release.js';

/**
 * Stripe refuses an `expires_at` less than 30 minutes ahead; the request takes
 * a moment to arrive, so sessions get this much on top of the hold time.
 */
export const EXPIRY_MARGIN_SECONDS = 120;
const ID_ATTEMPTS = 20;

/** When a hold of `holdMinutes` made at `now` ends, in epoch seconds: also the session's expires_at. */
export function holdEndsAt(now: number, holdMinutes: number): number {
  return Math.floor(now / 1000) + holdMinutes * 60 + EXPIRY_MARGIN_SECONDS;
}

export type HoldRefused = Extract<HoldResult, { ok: false }>;

/**
 * Holds seats under a fresh id, then records them under the same id. The id
 * is drawn before the hold so a refused hold (sold out, no block) leaves no
 * record behind; a clash on either side draws again.
 */
export async function holdUnderFreshId(
  deps: { seats: SeatStore; orders: OrderStore },
  request: {
    hold: Omit<HoldRequest, 'holdId'>;
    /** A fresh id of the right kind for this attempt (ids grow longer as attempts fail). */
    newId: (length: number) => string;
    /** The record to create for the seats held. */
    record: (allocation: Allocation) => NewOrder;
  },
): Promise<{ ok: true; order: Order } | HoldRefused> {
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt += 1) {
    const id = request.newId(idLength(attempt));
    const hold = await deps.seats.hold({ ...request.hold, holdId: id });
    if (!hold.ok) {
      if (hold.reason === 'hold_exists') continue;
      return hold;
    }
    try {
      return { ok: true, order: await deps.orders.create(request.record(hold.allocation), { id }) };
    } catch (err) {
      // A failed release (Redis went away) must not hide why the record
      // failed; reconciliation frees a hold no order owns.
      await deps.seats.release(request.hold.eventId, id).catch(() => undefined);
      if (!(err instanceof OrderIdTakenError)) throw err;
    }
  }
  throw new Error('could not find a free order id');
}

/**
 * Opens the Checkout Session for a held record and moves it to
 * awaiting_payment. If the provider fails, the record is cancelled and its
 * seats released, and undefined comes back: nothing is left half-made.
 */
export async function openCheckout(
  deps: { seats: SeatStore; orders: OrderStore; checkout: CheckoutGateway; log: Logger },
  order: Order,
  request: Omit<CheckoutRequest, 'reference' | 'kind' | 'upgradeOf' | 'idempotencyKey'>,
): Promise<Order | undefined> {
  try {
    const session = await deps.checkout.create({
      ...request,
      reference: order.id,
      kind: order.kind,
      upgradeOf: order.upgradeOf,
      idempotencyKey: `checkout-${order.id}`,
    });
    const moved = await deps.orders.transition(order.id, {
      to: 'awaiting_payment',
      cause: 'checkout-created',
      patch: { stripeSessionId: session.id, checkoutUrl: session.url ?? undefined },
    });
    return moved.order ?? order;
  } catch (err) {
    deps.log.error({ component: 'checkout', orderId: order.id, err: (err as Error).message }, 'checkout session could not be created: hold released');
    await deps.orders.transition(order.id, { to: 'cancelled', cause: 'checkout-failed', note: 'the payment page could not be created' });
    await deps.seats.release(order.eventId, order.id);
    return undefined;
  }
}

export type CancelResult = 'cancelled' | 'already_paid' | 'already_ended' | 'unknown_order';

/**
 * Ends an unpaid record (a purchase the customer leaves, an offer staff
 * withdraw): expire the Checkout Session first, so it can no longer be paid,
 * and only then free the seats (DESIGN "Hold").
 */
export async function cancelHeld(
  deps: { seats: SeatStore; orders: OrderStore; checkout: CheckoutGateway },
  id: string,
  cause: string,
): Promise<CancelResult> {
  const order = await deps.orders.get(id);
  if (!order) return 'unknown_order';
  if (order.state !== 'held' && order.state !== 'awaiting_payment') {
    return order.state === 'paid' || order.state === 'fulfilled' ? 'already_paid' : 'already_ended';
  }
  if (order.stripeSessionId) {
    const session = await deps.checkout.expire(order.stripeSessionId);
    // Paid in the meantime: the payment wins and the worker fulfils it.
    if (pageTookPayment(session)) return 'already_paid';
  }
  const result = await deps.orders.transition(id, { to: 'cancelled', cause });
  if (result.order?.state !== 'cancelled') return result.order?.state === 'paid' ? 'already_paid' : 'already_ended';
  // Freed whatever became of the allocation record: 'cancelled' tells the customer the seats are released.
  await releaseHold(deps.seats, result.order);
  return 'cancelled';
}
