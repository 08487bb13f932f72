import type { Activity, TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { customerOf, isSms } from '../src/bot/customer.js';
import { linkMessage } from '../src/bot/activities.js';
import { BUY_TICKETS_DIALOG, BuyTicketsDialog, type PurchaseDraft } from './buy-tickets.dialog.js';
import { CANCEL_ORDER_DIALOG, CancelOrderDialog, type CancelOrderOptions } from './cancel-order.dialog.js';
import type { DialogDeps } from './dialog.deps.js';
import { letGoOfHeld } from './interruptible.dialog.js';
import { answerTo } from './answers.js';
import { CHANGE_WORDS, changeOfHold } from './hold-change.js';
import { recognize, type Recognized } from './message.recognizer.js';
import { normalize } from '../src/catalog/text.normalizer.js';
import { ORDER_STATUS_DIALOG, OrderStatusDialog, type OrderStatusOptions } from './order-status.dialog.js';
import { say } from './replies.js';
import { messageText, noteLanguage } from './language.js';
import { UPGRADE_SEATS_DIALOG, UpgradeSeatsDialog, type UpgradeDraft } from './upgrade-seats.dialog.js';
import { TRANSFER_TICKETS_DIALOG, TransferTicketsDialog } from './transfer-tickets.dialog.js';

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
    this.addDialog(new TransferTicketsDialog(deps));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.routeStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  // Every turn passes through the root dialog first, new goal or not: the one
  // place to learn which language the customer writes in before anyone answers.
  override async onBeginDialog(inner: DialogContext, options?: object): Promise<DialogTurnResult> {
    noteLanguage(inner.context, inner.context.activity.text ?? '');
    return super.onBeginDialog(inner, options);
  }

  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    noteLanguage(inner.context, inner.context.activity.text ?? '');
    return super.onContinueDialog(inner);
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const text = messageText(step.context).trim();
    if (!text) {
      await step.context.sendActivity(say(step.context).mediaOnly);
      return step.endDialog();
    }
    const said = recognize(text, this.deps.finder, this.deps.now?.());
    if (said.questions && (said.intent === 'buy' || said.intent === 'unknown')) {
      const answer = await answerTo(
        { questions: said.questions, events: said.event ? [said.event] : (said.candidates ?? []), section: said.section },
        this.deps.seats,
        say(step.context),
      );
      // Asking is not buying: the answer, then the purchase questions, and nothing held until the customer says how many.
      if (answer) return step.beginDialog(BUY_TICKETS_DIALOG, { ...BuyTicketsDialog.draftFrom(said), quantity: undefined, notice: answer } satisfies PurchaseDraft);
    }
    switch (said.intent) {
      case 'status':
        return step.beginDialog(ORDER_STATUS_DIALOG, { orderId: said.orderId } satisfies OrderStatusOptions);
      case 'cancel_order':
        return step.beginDialog(CANCEL_ORDER_DIALOG, { orderId: said.orderId } satisfies CancelOrderOptions);
      case 'upgrade':
        return step.beginDialog(UPGRADE_SEATS_DIALOG, { orderId: said.orderId, sectionId: said.section?.id } satisfies UpgradeDraft);
      case 'transfer':
        return step.beginDialog(TRANSFER_TICKETS_DIALOG, said.transfer);
      case 'my_card':
      case 'forget_card':
        await step.context.sendActivity(await this.aboutCard(step, said.intent));
        return step.endDialog();
      case 'help':
        await step.context.sendActivity(say(step.context).help(step.context));
        return step.endDialog();
      case 'leave':
        return this.leaveStep(step);
      case 'yes': {
        const paid = await this.payByReply(step);
        if (paid) return step.endDialog();
        return step.beginDialog(BUY_TICKETS_DIALOG, { ...BuyTicketsDialog.draftFrom(said), greet: true } satisfies PurchaseDraft);
      }
      case 'buy':
        return step.beginDialog(BUY_TICKETS_DIALOG, (await this.changeOfOpenHold(step, text, said)) ?? BuyTicketsDialog.draftFrom(said));
      default: {
        const change = await this.changeOfOpenHold(step, text, said);
        if (change) return step.beginDialog(BUY_TICKETS_DIALOG, change);
        // "hi", a stray "yes", or words we can't place: start from the list of events.
        return step.beginDialog(BUY_TICKETS_DIALOG, { ...BuyTicketsDialog.draftFrom(said), greet: true } satisfies PurchaseDraft);
      }
    }
  }

  /** A message right after a pay link that changes that order ("make it 4"): the purchase to make instead. */
  private async changeOfOpenHold(step: WaterfallStepContext, text: string, said: Recognized): Promise<PurchaseDraft | undefined> {
    if (said.intent !== 'buy' && said.intent !== 'unknown') return undefined;
    // A message naming an event without a word of change is a new purchase: no need to look.
    if ((said.event || said.candidates) && !CHANGE_WORDS.test(normalize(text))) return undefined;
    const open = (await this.deps.purchase.openOrders(customerOf(step.context))).find((order) => order.kind !== 'upgrade');
    if (!open) return undefined;
    return changeOfHold(text, said, open, { catalog: this.deps.catalog, finder: this.deps.finder, now: this.deps.now?.() ?? new Date() });
  }

  /** "my card": which card is saved; "forget my card": removed at the provider, then here. */
  private async aboutCard(step: WaterfallStepContext, intent: 'my_card' | 'forget_card'): Promise<string> {
    const replies = say(step.context);
    const customer = customerOf(step.context);
    if (intent === 'forget_card') {
      const forgotten = await this.deps.cards?.forget(customer);
      return forgotten ? replies.cardForgotten(forgotten.brand, forgotten.last4) : replies.noCard;
    }
    const card = await this.deps.cards?.cardOf(customer);
    return card ? replies.myCard(card.brand, card.last4, card.expMonth, card.expYear, step.context) : replies.noCard;
  }

  /**
   * YES to "Reply YES to pay … with Visa ending 4242": the saved card pays the
   * held order. False when no hold was offered for it, and the YES is read
   * as any other stray word.
   */
  private async payByReply(step: WaterfallStepContext): Promise<boolean> {
    if (!this.deps.payByReply) return false;
    const result = await this.deps.payByReply.pay(customerOf(step.context));
    const replies = say(step.context);
    if (result.ok) {
      await step.context.sendActivity(replies.paying(result.order, result.card));
      return true;
    }
    switch (result.reason) {
      case 'nothing_offered':
        return false;
      case 'already_paying':
        await step.context.sendActivity(replies.alreadyPaying(result.order, result.card));
        return true;
      case 'already_paid':
        await step.context.sendActivity(replies.paidOnPage(result.order.id));
        return true;
      case 'unavailable':
        await step.context.sendActivity(replies.payingCutShort(result.order.id, step.context));
        return true;
      case 'no_card':
        await step.context.sendActivity(withPayLink(step.context, replies.noCardToPay, result.payUrl, replies.payButton(result.order)));
        return true;
      case 'refused':
        await step.context.sendActivity(withPayLink(step.context, replies.cardRefused(result.card, result.needsAuthentication), result.payUrl, replies.payButton(result.order)));
        return true;
    }
  }

  /** "cancel"/"exit" outside a purchase: give up the seats still waiting for payment. */
  private async leaveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity(await letGoOfHeld(step.context, this.deps, say(step.context).nothingToCancel));
    return step.endDialog();
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}

/** A sentence that ends in the pay link: the link itself on SMS, a button on chat. */
function withPayLink(context: TurnContext, text: string, payUrl: string, button: string): string | Partial<Activity> {
  return isSms(context) ? `${text}: ${payUrl}` : linkMessage(`${text}.`, { title: button, url: payUrl });
}
