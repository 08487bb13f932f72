import type { AdmissionStore } from '../tickets/admission.store.js';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { describeSeats, formatPrice } from '../catalog/describe.js';
import { upgradedNotice, type NoticeQueue } from '../notifications/customer-notice.js';
import { type FulfilmentOutcome } from '../orders/fulfilment.service.js';
import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RefundRecord } from '../orders/refund.js';
import { issueTickets } from '../orders/tickets.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { UpgradePayBacks } from './upgrade.pay-back.js';

const OPEN = new Set(['held', 'awaiting_payment']);

/**
 * An upgrade's payment is confirmed: swap the seats in one step (the order's
 * new seats sold, its old seats back on sale, the offer's hold consumed),
 * reissue the tickets, tell the customer. Or, when the order can no longer
 * take the new seats (refunded meanwhile, partly refunded, seats changed),
 * pay the upgrade back and say so on the order's timeline.
 *
 * Every step is safe to repeat: the offer's transitions are once per cause,
 * the swap answers `already` the second time, the order's new tickets are
 * written with a timeline entry once per offer, notices once per order and
 * notice, and the pay-back carries an idempotency key from the offer.
 */
export class UpgradeFulfilment {
  constructor(
    private readonly deps: {
      orders: OrderStore;
      seats: SeatStore;
      payBacks: UpgradePayBacks;
      refunds: { list(orderId: string): Promise<RefundRecord[]> };
      catalog: EventCatalog;
      notices: NoticeQueue;
      /** Where the old codes are remembered as upgraded, so a door says so. */
      admissions: Pick<AdmissionStore, 'retire'>;
      log: Logger;
    },
  ) {}

  async paid(offer: Order, cause: string): Promise<FulfilmentOutcome> {
    const { orders } = this.deps;
    if (OPEN.has(offer.state)) offer = (await orders.transition(offer.id, { to: 'paid', cause })).order ?? offer;
    const order = offer.upgradeOf ? await orders.get(offer.upgradeOf) : undefined;
    if (offer.state === 'fulfilled') {
      if (order) await this.deps.notices.enqueue(order.id, upgradedNotice(offer.id));
      return 'already_fulfilled';
    }
    if (offer.state === 'refunded') return 'ignored';
    if (offer.state !== 'paid') return this.latePayment(offer, order, cause);
    if (!order || order.state !== 'fulfilled') return this.payBack(offer, order, `order ${offer.upgradeOf} was ${order?.state ?? 'missing'} when the upgrade was paid`);
    // A refund asked for or made names the order's present seats and tickets: the swap must not move them.
    const refunds = await this.deps.refunds.list(order.id);
    if (refunds.some((refund) => refund.status !== 'failed')) return this.payBack(offer, order, `order ${order.id} has a refund`);

    const swap = await this.deps.seats.swap(offer.eventId, order.id, offer.id);
    if (!swap.ok) return this.payBack(offer, order, `the seats could not be swapped (${swap.reason})`);

    // New codes for the new seats, ticket i for seat i as refunds expect. A
    // retry that drew other codes finds this offer's entry and writes nothing.
    const tickets = issueTickets(order.id, swap.seats, swap.allocation.quantity);
    const reissued = await orders.note(order.id, `upgrade:${offer.id}`, `upgraded by ${offer.id}: ${this.places(order)} → ${this.places({ ...order, sectionId: swap.allocation.sectionId, seats: swap.seats })}; tickets reissued, the old ones are void`, {
      sectionId: swap.allocation.sectionId,
      seats: swap.seats,
      tickets,
    });
    // Only by the attempt that reissued them: a retry sees the new codes on the order.
    if (reissued) await this.deps.admissions.retire(order.id, order.tickets, 'upgraded');
    await orders.transition(offer.id, { to: 'fulfilled', cause: `fulfil:${offer.id}` });
    await this.deps.notices.enqueue(order.id, upgradedNotice(offer.id));
    this.deps.log.info({ component: 'upgrades', orderId: order.id, offerId: offer.id, already: swap.already }, 'upgrade fulfilled: seats swapped');
    return 'fulfilled';
  }

  /**
   * The upgrade was paid but cannot be given: release its seats, refund its
   * whole payment, end the offer as refunded and tell staff (the order's
   * timeline) and the customer.
   */
  private async payBack(offer: Order, order: Order | undefined, why: string): Promise<FulfilmentOutcome> {
    await this.deps.seats.release(offer.eventId, offer.id);
    const refund = await this.deps.payBacks.refund(offer, offer.amount, `pay-back-${offer.id}`);
    const amount = formatPrice(offer.amount, offer.currency);
    const outcome = 'refundId' in refund ? `refund ${refund.refundId} of ${amount} asked of Stripe` : `Stripe refused the refund (${refund.refused}): refund ${amount} by hand`;
    await this.deps.orders.transition(offer.id, {
      to: 'refunded',
      cause: `pay-back:${offer.id}`,
      note: `${why}; ${outcome}`,
      ...('refundId' in refund ? { patch: { refundedAmount: refund.amount } } : {}),
    });
    if (order) await this.deps.orders.note(order.id, `upgrade-paid-back:${offer.id}`, `upgrade ${offer.id} was paid but not given: ${why}; ${outcome}`);
    await this.deps.notices.enqueue(offer.id, 'upgrade_refunded');
    this.deps.log.warn({ component: 'upgrades', orderId: offer.upgradeOf, offerId: offer.id, why, refund }, 'upgrade paid but not given: paid back');
    return 'refunded';
  }

  private async latePayment(offer: Order, order: Order | undefined, cause: string): Promise<FulfilmentOutcome> {
    // The fulfilment service refunds it (orders/late-payment.refunds.ts).
    const text = `upgrade ${offer.id} was paid while it was ${offer.state}`;
    await this.deps.orders.note(offer.id, `late-payment:${cause}`, text);
    if (order) await this.deps.orders.note(order.id, `late-payment:${offer.id}`, text);
    this.deps.log.error({ component: 'upgrades', offerId: offer.id, state: offer.state }, 'payment for an upgrade offer that already ended');
    return 'late_payment';
  }

  private places(order: Pick<Order, 'eventId' | 'sectionId' | 'seats' | 'quantity'>): string {
    return describeSeats(this.deps.catalog.section(order.eventId, order.sectionId), order.seats, order.quantity);
  }
}
