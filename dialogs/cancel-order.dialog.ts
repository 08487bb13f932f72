import { ActionTypes, MessageFactory } from 'botbuilder';
import { Dialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { customerOf, isSms } from '../src/bot/customer.js';
import { customerRefundDecision } from '../src/catalog/refund-policy.js';
import { normalize } from '../src/catalog/text.normalizer.js';
import type { Order } from '../src/orders/order.js';
import { planRefund } from '../src/orders/refund.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';
import { recognize } from './message.recognizer.js';
import { messageText } from './language.js';
import { say } from './replies.js';

export const CANCEL_ORDER_DIALOG = 'cancel-order';
const WATERFALL = 'cancel-order.steps';

export interface CancelOrderOptions {
  /** An order id the customer typed; only their own orders are ever touched. */
  orderId?: string;
}

/** Kept in the waterfall's step values once the customer has been asked to confirm. */
interface Confirming {
  orderId: string;
}

/** Answers that confirm, even when they also say "cancel" ("yes cancel it"), which would otherwise leave. */
const CONFIRMS = /^(?:y|ya|yes+|yep|yup|yeah|yea|ok|okay|sure|confirm(?:ed)?|please do|do it|go ahead)\b/;

/**
 * "Cancel my order BX-7K2Q", "I want a refund": gives an order back. An
 * unpaid order is simply cancelled (its seats freed). A paid one is refunded
 * in full if the event's policy lets customers cancel now, after the
 * customer confirms; otherwise the bot explains the policy and changes
 * nothing. The refund itself completes when Stripe confirms it, and the
 * customer is told then too.
 */
export class CancelOrderDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(CANCEL_ORDER_DIALOG, deps);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.whichOrderStep.bind(this), this.confirmStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  // A "yes" that also says cancel must reach confirmStep, not leave the dialog.
  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    if (CONFIRMS.test(normalize(inner.context.activity.text ?? ''))) return inner.continueDialog();
    return super.onContinueDialog(inner);
  }

  /** Which order, and may it be cancelled? Cancels an unpaid one at once; asks before refunding a paid one. */
  private async whichOrderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = (step.options ?? {}) as CancelOrderOptions;
    const customer = customerOf(step.context);
    if (!state.orderId) {
      // Without an order id, a purchase still waiting for payment is what "cancel my order" means.
      const [open] = await this.deps.purchase.openOrders(customer);
      if (open) return this.cancelUnpaid(step, open);
    }
    const orders = await this.deps.orders.listByCustomer(customer.channel, customer.address);
    let order: Order | undefined;
    if (state.orderId) {
      order = orders.find((candidate) => candidate.id === state.orderId);
      if (!order) return this.reply(step, say(step.context).orderNotYours(state.orderId, step.context));
    } else {
      const paid = orders.filter((candidate) => candidate.state === 'paid' || candidate.state === 'fulfilled');
      if (paid.length === 0) return this.reply(step, say(step.context).noOrderToCancel(step.context));
      if (paid.length > 1) return this.reply(step, say(step.context).whichOrderToCancel(paid.map((candidate) => candidate.id)));
      order = paid[0]!;
    }
    switch (order.state) {
      case 'held':
      case 'awaiting_payment':
        return this.cancelUnpaid(step, order);
      case 'refunded':
        return this.reply(step, say(step.context).orderAlreadyRefunded(order.id));
      case 'paid':
      case 'fulfilled':
        return this.offerRefund(step, order);
      default:
        return this.reply(step, say(step.context).orderAlreadyEnded(order.id));
    }
  }

  /** The customer answered the question: refund on yes, leave everything as it is otherwise. */
  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { confirming } = step.values as { confirming?: Confirming };
    if (!confirming) return step.endDialog();
    const text = messageText(step.context);
    const yes = CONFIRMS.test(normalize(text)) || recognize(text, this.deps.finder, this.now()).intent === 'yes';
    if (!yes) return this.reply(step, say(step.context).refundKept(confirming.orderId));

    // The clock may have passed the deadline while the customer thought about it.
    const order = await this.deps.orders.get(confirming.orderId);
    const event = order && this.deps.catalog.event(order.eventId);
    if (order && event) {
      const decision = customerRefundDecision(event, this.now());
      if (!decision.allowed) return this.reply(step, say(step.context).refundNotAllowed(order.id, decision.policy));
    }
    const result = await this.deps.refunds.request({ orderId: confirming.orderId, by: 'customer' });
    if (result.ok) {
      const upgrades = result.upgradePayBacks.reduce((sum, payBack) => sum + payBack.amount, 0);
      return this.reply(step, say(step.context).refundRequested(confirming.orderId, result.refund.amount + upgrades, result.refund.currency));
    }
    switch (result.reason) {
      case 'already_refunded':
        return this.reply(step, say(step.context).orderAlreadyRefunded(confirming.orderId));
      case 'refund_in_progress':
        return this.reply(step, say(step.context).refundUnderway(confirming.orderId));
      case 'stripe_unavailable':
        return this.reply(step, say(step.context).refundUnsure(confirming.orderId));
      default:
        return this.reply(step, say(step.context).refundFailed(confirming.orderId));
    }
  }

  private async offerRefund(step: WaterfallStepContext, order: Order): Promise<DialogTurnResult> {
    if (order.transferredFrom) return this.reply(step, say(step.context).giftNotRefundable(order.id));
    const event = this.deps.catalog.event(order.eventId);
    if (!event) return this.reply(step, say(step.context).refundFailed(order.id));
    const decision = customerRefundDecision(event, this.now());
    if (!decision.allowed) return this.reply(step, say(step.context).refundNotAllowed(order.id, decision.policy));
    const refunds = await this.deps.refunds.list(order.id);
    if (refunds.some((refund) => refund.status === 'requested')) return this.reply(step, say(step.context).refundUnderway(order.id));
    const planned = planRefund(order);
    if (!planned.ok) return this.reply(step, say(step.context).orderAlreadyRefunded(order.id));

    // A paid order whose seats were gone has no tickets: it is refunded for the places bought.
    // An upgraded order gets its upgrades' share back too, from their own payments.
    const upgrades = await this.deps.refunds.upgradeShare(order, planned.plan.tickets.length);
    const question = say(step.context).confirmRefund(order, planned.plan.tickets.length || order.quantity, planned.plan.amount + upgrades, step.context);
    (step.values as { confirming?: Confirming }).confirming = { orderId: order.id };
    await step.context.sendActivity(
      isSms(step.context)
        ? question
        : MessageFactory.suggestedActions(
            say(step.context).yesNo.map((answer) => ({ type: ActionTypes.ImBack, title: answer, value: answer })),
            question,
          ),
    );
    return Dialog.EndOfTurn;
  }

  private async cancelUnpaid(step: WaterfallStepContext, order: Order): Promise<DialogTurnResult> {
    const outcome = await this.deps.purchase.cancel(order.id, `customer:${step.context.activity.id ?? 'cancel'}`);
    if (outcome === 'already_paid') return this.reply(step, say(step.context).alreadyPaid(order.id, step.context));
    if (outcome === 'cancelled') return this.reply(step, say(step.context).orderCancelled(order.id));
    return this.reply(step, say(step.context).orderAlreadyEnded(order.id));
  }

  private async reply(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(text);
    return step.endDialog();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
