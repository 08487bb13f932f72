import type { Logger } from 'pino';
import { pageTookPayment, type CheckoutGateway } from '../checkout/checkout.gateway.js';
import { proofOfCard, type PaymentProof } from '../checkout/payment-proof.js';
import { CardRefusedError, UNFINISHED_CARD_PAYMENT, type PaymentInfo, type SavedCards } from '../checkout/saved-cards.js';
import type { Customer } from '../customers/customer.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import { holdEndsAt } from './held-checkout.js';
import type { CardPayment, Order } from './order.js';
import type { OrderStore } from './order.store.js';
import type { PurchaseService } from './purchase.service.js';
import type { SavedCardStore, StoredCard } from './saved-card.store.js';

/** Stripe takes a Checkout Session only if it stays open at least this long. */
const SHORTEST_PAGE_MINUTES = 30;

export type PayByReplyResult =
  /** Charged, or on its way: the tickets follow through the payment webhook. */
  | { ok: true; order: Order; card: CardPayment }
  /** No held order was offered for paying by reply: the YES means something else. */
  | { ok: false; reason: 'nothing_offered' }
  /** The card was forgotten since the offer: the pay link still pays. */
  | { ok: false; reason: 'no_card'; order: Order; payUrl: string }
  | { ok: false; reason: 'already_paying'; order: Order; card: CardPayment }
  /** The pay link was paid first: that payment stands, and the card is not charged. */
  | { ok: false; reason: 'already_paid'; order: Order }
  /** The bank said no (or wants the customer to authenticate): nothing was taken, and the pay link pays instead. */
  | { ok: false; reason: 'refused'; order: Order; card: CardPayment; payUrl: string; needsAuthentication: boolean }
  /** The provider could not be reached mid-payment: reconciliation finds out how it ended and tells the customer. */
  | { ok: false; reason: 'unavailable'; order: Order };

/** What became of a card payment reconciliation looked at. */
export type CardPaymentState =
  | { state: 'paid'; proof: PaymentProof }
  | { state: 'processing' }
  /** Not charged: the payment was cancelled, and a new payment page put in the closed one's place (the customer told). */
  | { state: 'reopened' }
  /** Not charged, and the hold is over: the order can end. */
  | { state: 'not_charged' }
  /** Settled before (refused in the conversation, the order ended, or its page paid): nothing to do here. */
  | { state: 'unchanged' };

/**
 * Buying in one reply: a customer with a saved card is offered, with their
 * hold, to pay by answering YES (offer); YES charges the card off-session
 * (pay). The payment page is closed first, so the link and the card cannot
 * both be paid, and the payment is made under a key of the order and its id
 * recorded before it is confirmed, so a YES sent twice charges once and
 * reconciliation can always find it. Tickets follow on the provider's
 * word, through the same webhook, queue and worker as a Checkout payment.
 * When the bank says no, the payment is cancelled (nothing can charge it
 * later) and a new payment page behind the same pay link takes the closed
 * one's place for the rest of the hold.
 */
export class PayByReply {
  constructor(
    private readonly deps: {
      orders: OrderStore;
      checkout: CheckoutGateway;
      provider: Pick<SavedCards, 'prepare' | 'confirm' | 'cancel' | 'retrievePayment'>;
      cards: Pick<SavedCardStore, 'cardOf'>;
      purchase: Pick<PurchaseService, 'openOrders' | 'payLink' | 'checkoutRequest'>;
      /** Whether a hold is offered paying by reply (SAVED_CARDS); a payment already begun is seen through either way. */
      offer: boolean;
      /** Tells the customer when the bank's no comes later than their YES (worker, reconciliation). */
      notices?: NoticeQueue;
      log: Logger;
      now?: () => number;
    },
  ) {}

  /** The card to offer with a new hold, recorded on the order so a YES can pay it; undefined when there is none to offer. */
  async offer(order: Order): Promise<CardPayment | undefined> {
    if (!this.deps.offer || order.kind !== 'tickets' || order.state !== 'awaiting_payment') return undefined;
    const card = await this.usableCard(order.customer);
    if (!card) return undefined;
    const offered: CardPayment = { status: 'offered', brand: card.brand, last4: card.last4 };
    await this.deps.orders.note(order.id, 'card-offered', `offered paying by reply with ${describe(offered)}`, { cardPayment: offered });
    return offered;
  }

  /** The customer answered YES: pays their newest held order offered for it with their saved card. */
  async pay(customer: Customer): Promise<PayByReplyResult> {
    const order = (await this.deps.purchase.openOrders(customer)).find((open) => open.kind === 'tickets' && open.cardPayment);
    if (!order?.cardPayment) return { ok: false, reason: 'nothing_offered' };
    const held = order.cardPayment;
    if (held.status === 'charging') return { ok: false, reason: 'already_paying', order, card: held };
    if (held.status === 'refused') return this.refused(order, held);
    const card = await this.usableCard(customer);
    if (!card) return { ok: false, reason: 'no_card', order, payUrl: this.deps.purchase.payLink(order) };
    const charging: CardPayment = { status: 'charging', brand: card.brand, last4: card.last4 };
    // One YES wins: the note is written once per order, whichever process gets there first.
    if (!(await this.deps.orders.note(order.id, 'card-payment', `paying by reply with ${describe(charging)}`, { cardPayment: charging }))) {
      return { ok: false, reason: 'already_paying', order, card: charging };
    }
    try {
      // The page is closed before anything is charged, so the link cannot be paid as well. Making the
      // payment charges nothing, so it goes alongside: one round trip to the provider fewer before "Paying…".
      const [page, made] = await Promise.all([
        order.stripeSessionId ? this.deps.checkout.expire(order.stripeSessionId) : undefined,
        this.makePayment({ ...order, cardPayment: charging }, card),
      ]);
      if (page && pageTookPayment(page)) {
        // Paid on the page meanwhile: that payment stands, and this one is never confirmed.
        await this.deps.provider.cancel(made.id).catch(() => undefined);
        return { ok: false, reason: 'already_paid', order };
      }
      const confirmed = await this.deps.provider.confirm(made.id, `card-confirm-${order.id}`);
      // Not an error, and not paid: the bank waits for the customer (or the card failed), who is sent to the page instead.
      const stuck = confirmed.status === 'requires_action' ? 'authentication_required' : confirmed.status === 'requires_payment_method' ? (confirmed.lastError ?? 'card_declined') : undefined;
      if (stuck) return this.refusedNow(order.id, new CardRefusedError(`payment ${confirmed.id} is ${confirmed.status}`, stuck, confirmed.id));
      return { ok: true, order, card: { ...charging, paymentId: made.id } };
    } catch (err) {
      if (err instanceof CardRefusedError) return this.refusedNow(order.id, err);
      this.deps.log.warn({ component: 'pay-by-reply', orderId: order.id, err: (err as Error).message }, 'paying by reply cut short: reconciliation finds out how it ended');
      return { ok: false, reason: 'unavailable', order };
    }
  }

  /** A payment as the provider holds it now (the worker trusts this, not an event body). */
  async payment(paymentId: string): Promise<PaymentInfo> {
    return this.deps.provider.retrievePayment(paymentId);
  }

  /**
   * A card payment whose outcome came later (a webhook, or reconciliation
   * finding it): paid, still processing, or not charged, in which case the
   * payment is cancelled and the payment page put back for the rest of the
   * hold (the customer told), or, the hold over, the order may end. `known`:
   * the payment as just read from the provider, so it is not read twice.
   */
  async settle(order: Order, known?: PaymentInfo): Promise<CardPaymentState> {
    const payment = known ?? (await this.paymentOf(order));
    const proof = proofOfCard(payment);
    if (proof) return { state: 'paid', proof };
    // Dealt with already (refused in the conversation, or the order ended): nothing more to do or say.
    if (order.cardPayment?.status !== 'charging' || order.state !== 'awaiting_payment') return { state: 'unchanged' };
    if (payment.status === 'processing') return { state: 'processing' };
    if (order.holdExpiresAt <= this.now()) {
      const late = proofOfCard(await this.deps.provider.cancel(payment.id));
      return late ? { state: 'paid', proof: late } : { state: 'not_charged' };
    }
    // A YES cut short may not have closed the page yet: closed now, before another is opened beside it.
    const page = order.stripeSessionId ? await this.deps.checkout.expire(order.stripeSessionId) : undefined;
    if (page && pageTookPayment(page)) return { state: 'unchanged' };
    const reopened = await this.reopen(order, payment.id, payment.status === 'requires_action' ? 'authentication_required' : (payment.lastError ?? UNFINISHED_CARD_PAYMENT));
    if ('paid' in reopened) return { state: 'paid', proof: reopened.paid };
    await this.deps.notices?.enqueue(order.id, 'card_refused');
    return { state: 'reopened' };
  }

  private async refusedNow(orderId: string, err: CardRefusedError): Promise<PayByReplyResult> {
    const order = (await this.deps.orders.get(orderId))!;
    const paymentId = err.paymentId ?? order.cardPayment?.paymentId;
    this.deps.log.info({ component: 'pay-by-reply', orderId, code: err.code, declineCode: err.declineCode }, 'saved card refused: the pay link pays instead');
    const reopened = await this.reopen(order, paymentId, err.needsAuthentication ? 'authentication_required' : err.code);
    // The cancel found it paid after all (a bank that changed its mind): the webhook brings the tickets.
    if ('paid' in reopened) return { ok: true, order, card: order.cardPayment! };
    return this.refused(reopened.order, reopened.order.cardPayment!);
  }

  private refused(order: Order, card: CardPayment): PayByReplyResult {
    return { ok: false, reason: 'refused', order, card, payUrl: this.deps.purchase.payLink(order), needsAuthentication: card.code === 'authentication_required' };
  }

  /**
   * The card payment did not go through: cancel it, so nothing can charge it
   * later, and put a new payment page behind the pay link for the rest of
   * the hold. Repeating it changes nothing twice (the page is made under a
   * key of the payment, and noted once).
   */
  private async reopen(order: Order, paymentId: string | undefined, code: string): Promise<{ order: Order } | { paid: PaymentProof }> {
    const late = paymentId ? proofOfCard(await this.deps.provider.cancel(paymentId)) : undefined;
    if (late) return { paid: late };
    // The page must stay open as long as Stripe asks, even if that outlasts the hold: reconciliation closes it at the hold's end.
    const expiresAt = Math.max(Math.floor(order.holdExpiresAt / 1000), holdEndsAt(this.now(), SHORTEST_PAGE_MINUTES));
    const session = await this.deps.checkout.create({
      ...this.deps.purchase.checkoutRequest(order, expiresAt),
      reference: order.id,
      kind: 'tickets',
      idempotencyKey: `checkout-${order.id}-after-${paymentId ?? 'card'}`,
    });
    const refused: CardPayment = { ...order.cardPayment!, status: 'refused', code, ...(paymentId ? { paymentId } : {}) };
    await this.deps.orders.note(order.id, `card-refused:${paymentId ?? 'card'}`, `the saved card was not charged (${code}); a new payment page took the closed one's place`, {
      stripeSessionId: session.id,
      ...(session.url ? { checkoutUrl: session.url } : {}),
      cardPayment: refused,
    });
    return { order: (await this.deps.orders.get(order.id)) ?? { ...order, cardPayment: refused, stripeSessionId: session.id } };
  }

  /** The order's card payment; made again under the same key if its id was never recorded (that never charges: it is not confirmed). */
  private async paymentOf(order: Order): Promise<PaymentInfo> {
    const recorded = order.cardPayment?.paymentId;
    if (recorded) return this.deps.provider.retrievePayment(recorded);
    const card = await this.deps.cards.cardOf(order.customer);
    if (!card) throw new Error(`order ${order.id} was being paid by a saved card that is gone, and its payment was never recorded`);
    return this.makePayment(order, card);
  }

  /** The order's payment to its saved card, made under a key of the order (so made once) and recorded before anything confirms it. */
  private async makePayment(order: Order, card: StoredCard): Promise<PaymentInfo> {
    const made = await this.deps.provider.prepare({
      reference: order.id,
      kind: 'tickets',
      amount: order.amount,
      currency: order.currency,
      customerId: card.customerId,
      paymentMethodId: card.paymentMethodId,
      idempotencyKey: `card-${order.id}`,
    });
    await this.deps.orders.note(order.id, `card-payment:${made.id}`, `payment ${made.id} made for the saved card`, { cardPayment: { ...order.cardPayment!, paymentId: made.id } });
    return made;
  }

  /** The saved card, unless it has expired (a card past its month would only be declined). */
  private async usableCard(customer: Customer): Promise<StoredCard | undefined> {
    const card = await this.deps.cards.cardOf(customer);
    if (!card) return undefined;
    const now = new Date(this.now());
    const expired = card.expYear < now.getUTCFullYear() || (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1);
    return expired ? undefined : card;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** "visa ending 4242", for the timeline. */
function describe(card: CardPayment): string {
  return `${card.brand} ending ${card.last4}`;
}
