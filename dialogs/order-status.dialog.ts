import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { customerOf } from '../src/bot/customer.js';
import { describeSeats, formatPrice } from '../src/catalog/describe.js';
import type { Language } from '../src/customers/language.js';
import type { Order } from '../src/orders/order.js';
import { activeTickets } from '../src/orders/refund.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';
import { languageOf } from './language.js';
import { say, type Replies } from './replies.js';

export const ORDER_STATUS_DIALOG = 'order-status';
const WATERFALL = 'order-status.answer';
const ORDERS_LISTED = 3;

export interface OrderStatusOptions {
  /** An order id the customer typed; only their own orders are ever shown. */
  orderId?: string;
}

/** "status", "my tickets", "BX-7K2Q": what the customer has and where it stands. */
export class OrderStatusDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(ORDER_STATUS_DIALOG, deps);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { orderId } = (step.options ?? {}) as OrderStatusOptions;
    const customer = customerOf(step.context);
    const orders = await this.deps.orders.listByCustomer(customer.channel, customer.address);
    const shown = orderId ? orders.filter((order) => order.id === orderId) : orders.slice(0, ORDERS_LISTED);
    const replies = say(step.context);
    const language = languageOf(step.context);
    if (shown.length === 0) {
      await step.context.sendActivity(orderId ? replies.orderNotYours(orderId, step.context) : replies.noOrders);
      return step.endDialog();
    }
    const pages = await Promise.all(shown.map((order) => (order.state === 'fulfilled' && activeTickets(order).length > 0 ? this.deps.ticketPage?.(order.id) : undefined)));
    const lines = shown.map((order, i) => this.describe(order, replies, language, pages[i]));
    // Older orders are not listed, but the customer is told they are there and how to see one.
    const more = orderId ? [] : orders.slice(ORDERS_LISTED);
    if (more.length > 0) lines.push(replies.moreOrders(more.length, more[0]!.id, step.context));
    await step.context.sendActivity(lines.join('\n\n'));
    return step.endDialog();
  }

  private describe(order: Order, replies: Replies, language: Language, page: string | undefined): string {
    const places = describeSeats(this.deps.catalog.section(order.eventId, order.sectionId), order.seats, order.quantity, language);
    return replies.orderLine(order, this.deps.catalog.event(order.eventId), places, this.stateLine(order, replies.orderState, page));
  }

  private stateLine(order: Order, words: Replies['orderState'], page: string | undefined): string {
    switch (order.state) {
      case 'held':
      case 'awaiting_payment':
        return words.waiting(this.deps.purchase.payLink(order));
      case 'paid':
        return words.paid;
      case 'fulfilled':
        return words.fulfilled(activeTickets(order), order.refundedTickets.length, formatPrice(order.refundedAmount, order.currency), page);
      case 'expired':
        return words.expired;
      case 'cancelled':
        return words.cancelled;
      case 'payment_failed':
        return words.payment_failed;
      case 'refunded':
        return words.refunded(formatPrice(order.refundedAmount, order.currency));
    }
  }
}
