import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { customerOf } from '../src/bot/customer.js';
import { describeSeats, formatEventTime, formatPrice } from '../src/catalog/describe.js';
import type { Order } from '../src/orders/order.js';
import { activeTickets } from '../src/orders/refund.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';

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
    if (shown.length === 0) {
      await step.context.sendActivity(
        orderId ? `I can't find order ${orderId} for you. Text STATUS to see your orders.` : 'You have no orders yet. Tell me an event to get tickets.',
      );
    } else {
      await step.context.sendActivity(shown.map((order) => this.describe(order)).join('\n\n'));
    }
    return step.endDialog();
  }

  private describe(order: Order): string {
    const event = this.deps.catalog.event(order.eventId);
    const places = describeSeats(this.deps.catalog.section(order.eventId, order.sectionId), order.seats, order.quantity);
    const when = event ? `${event.name}, ${formatEventTime(event.startsAt)}` : order.eventId;
    return `${order.id}: ${when}. ${places}. ${this.stateLine(order)}`;
  }

  private stateLine(order: Order): string {
    switch (order.state) {
      case 'held':
      case 'awaiting_payment':
        return `Waiting for payment: ${this.deps.purchase.payLink(order)}`;
      case 'paid':
        return 'Paid; your tickets are on their way.';
      case 'fulfilled': {
        const refunded = order.refundedTickets.length;
        const note = refunded > 0 ? ` (${refunded} refunded, ${formatPrice(order.refundedAmount, order.currency)})` : '';
        return `Paid. Tickets: ${activeTickets(order).join(', ')}${note}`;
      }
      case 'expired':
        return 'The hold expired; nothing was charged.';
      case 'cancelled':
        return 'Cancelled; nothing was charged.';
      case 'payment_failed':
        return 'The payment did not go through; nothing was charged.';
      case 'refunded':
        return `Refunded, ${formatPrice(order.refundedAmount, order.currency)}.`;
    }
  }
}
