import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { customerOf } from '../src/bot/customer.js';
import { BUY_TICKETS_DIALOG, BuyTicketsDialog, type PurchaseDraft } from './buy-tickets.dialog.js';
import { CANCEL_ORDER_DIALOG, CancelOrderDialog, type CancelOrderOptions } from './cancel-order.dialog.js';
import type { DialogDeps } from './dialog.deps.js';
import { recognize } from './message.recognizer.js';
import { ORDER_STATUS_DIALOG, OrderStatusDialog, type OrderStatusOptions } from './order-status.dialog.js';
import { replies } from './replies.js';
import { UPGRADE_SEATS_DIALOG, UpgradeSeatsDialog, type UpgradeDraft } from './upgrade-seats.dialog.js';

export const MAIN_DIALOG = 'main';
const WATERFALL = 'main.route';

/**
 * The root of every conversation: reads the first message of a goal and
 * hands it to the dialog for that goal, with what the message already said.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new BuyTicketsDialog(deps));
    this.addDialog(new OrderStatusDialog(deps));
    this.addDialog(new CancelOrderDialog(deps));
    this.addDialog(new UpgradeSeatsDialog(deps));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.routeStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const text = step.context.activity.text?.trim() ?? '';
    if (!text) {
      await step.context.sendActivity(replies.mediaOnly);
      return step.endDialog();
    }
    const said = recognize(text, this.deps.finder, this.deps.now?.());
    switch (said.intent) {
      case 'status':
        return step.beginDialog(ORDER_STATUS_DIALOG, { orderId: said.orderId } satisfies OrderStatusOptions);
      case 'cancel_order':
        return step.beginDialog(CANCEL_ORDER_DIALOG, { orderId: said.orderId } satisfies CancelOrderOptions);
      case 'upgrade':
        return step.beginDialog(UPGRADE_SEATS_DIALOG, { orderId: said.orderId, sectionId: said.section?.id } satisfies UpgradeDraft);
      case 'help':
        await step.context.sendActivity(replies.help(step.context));
        return step.endDialog();
      case 'leave':
        return this.leaveStep(step);
      case 'buy':
        return step.beginDialog(BUY_TICKETS_DIALOG, BuyTicketsDialog.draftFrom(said));
      default:
        // "hi", a stray "yes", or words we can't place: start from the list of events.
        return step.beginDialog(BUY_TICKETS_DIALOG, { ...BuyTicketsDialog.draftFrom(said), greet: true } satisfies PurchaseDraft);
    }
  }

  /** "cancel"/"exit" outside a purchase: give up the seats still waiting for payment. */
  private async leaveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const [open] = await this.deps.purchase.openOrders(customerOf(step.context));
    if (!open) {
      await step.context.sendActivity(replies.nothingToCancel);
      return step.endDialog();
    }
    const outcome = await this.deps.purchase.cancel(open.id, `customer:${step.context.activity.id ?? 'leave'}`);
    await step.context.sendActivity(outcome === 'already_paid' ? replies.alreadyPaid(open.id) : replies.orderCancelled(open.id));
    return step.endDialog();
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
