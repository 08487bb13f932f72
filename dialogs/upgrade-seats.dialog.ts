import type { TurnContext } from 'botbuilder';
import { Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { linkMessage } from '../src/bot/activities.js';
import { customerOf, isSms } from '../src/bot/customer.js';
import type { Order } from '../src/orders/order.js';
import type { OfferResult } from '../src/upgrades/upgrade.service.js';
import { choiceMessage, pickChoice, type Choice } from './choices.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';
import { recognize } from './message.recognizer.js';
import { messageText } from './language.js';
import { say, type Replies } from './replies.js';

export const UPGRADE_SEATS_DIALOG = 'upgrade-seats';
const WATERFALL = 'upgrade-seats.steps';

/**
 * What is known so far, carried from turn to turn in the dialog's options:
 * each answer restarts the waterfall with one more slot filled.
 */
export interface UpgradeDraft {
  /** An order id the customer typed; only their own orders are considered. */
  orderId?: string;
  /** A section the first message already named ("move me to courtside"). */
  sectionId?: string;
  asking?: 'order' | 'section';
  offered?: Choice<string>[];
}

/**
 * "Upgrade", "better seats", "can I move closer": a ticket holder is shown
 * the better sections that can seat their whole party together, with the
 * price difference; the pick is held and paid for by link, like a purchase.
 * The seats move only once that payment is confirmed.
 */
export class UpgradeSeatsDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(UPGRADE_SEATS_DIALOG, deps);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.nextQuestionStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** Fills what it can, then asks for the first thing still missing, or makes the offer. */
  private async nextQuestionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = { ...((step.options ?? {}) as UpgradeDraft) };
    const customer = customerOf(step.context);
    const upgradable = await this.deps.upgrades.upgradableOrders(customer, this.now().getTime());

    if (!draft.orderId) {
      if (upgradable.length === 0) return this.reply(step, say(step.context).nothingToUpgrade(step.context));
      if (upgradable.length > 1) {
        const offered = upgradable.map((order) => ({ title: this.orderTitle(order, say(step.context)), value: order.id }));
        return this.ask(step, { ...draft, asking: 'order', offered }, say(step.context).whichOrderToUpgrade);
      }
      draft.orderId = upgradable[0]!.id;
    }
    const order = upgradable.find((candidate) => candidate.id === draft.orderId);
    if (!order) return this.reply(step, await this.whyNotUpgradable(draft.orderId, customer, say(step.context), step.context));

    const open = await this.deps.upgrades.openOfferOf(order);
    if (open) return this.reply(step, say(step.context).upgradeWaiting(open, this.deps.upgrades.payLink(open), this.sectionName(open, say(step.context))));

    const choices = await this.deps.upgrades.choices(order);
    if (!draft.sectionId || !choices.some((choice) => choice.section.id === draft.sectionId)) {
      if (choices.length === 0) return this.reply(step, say(step.context).noBetterSeats(order.id));
      const offered = choices.map((choice) => ({ title: say(step.context).upgradeChoice(choice.section, choice.unitAmount, order.currency), value: choice.section.id }));
      return this.ask(step, { ...draft, asking: 'section', offered }, say(step.context).whichUpgrade(order));
    }
    const result = await this.deps.upgrades.offer({ orderId: order.id, sectionId: draft.sectionId, by: 'customer' }, this.now().getTime());
    if (!result.ok) return this.reply(step, this.refusalText(result, say(step.context), step.context));
    // Like a purchase: the link after the words on SMS, a Pay button on chat.
    const { offer, payUrl } = result;
    const text = say(step.context).upgradeHeld(offer, this.deps.catalog.section(offer.eventId, offer.sectionId), this.deps.catalog.event(offer.eventId)!);
    await step.context.sendActivity(
      isSms(step.context) ? `${text}: ${payUrl}` : linkMessage(`${text}.`, { title: say(step.context).payButton(offer), url: offer.checkoutUrl ?? payUrl }),
    );
    return step.endDialog();
  }

  /** The customer's answer to the question just asked: fill the slot and go round again. */
  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.options ?? {}) as UpgradeDraft;
    const text = messageText(step.context);
    const said = recognize(text, this.deps.finder, this.now());
    // Options are numbered only on SMS; chat shows buttons, which send their title.
    const position = isSms(step.context) ? said.bareNumber : undefined;
    const picked = pickChoice(text, position, draft.offered) ?? (draft.asking === 'order' ? said.orderId : undefined);
    if (!picked) {
      // Going round again asks the same question.
      await step.context.sendActivity(say(step.context).notUnderstood);
      return step.replaceDialog(WATERFALL, { orderId: draft.orderId, sectionId: draft.sectionId });
    }
    const next: UpgradeDraft = { orderId: draft.orderId, sectionId: draft.sectionId };
    if (draft.asking === 'order') next.orderId = picked;
    else next.sectionId = picked;
    return step.replaceDialog(WATERFALL, next);
  }

  private async ask(step: WaterfallStepContext, draft: UpgradeDraft, question: string): Promise<DialogTurnResult> {
    // Kept in the options the answer step reads; replaceDialog carries them on.
    Object.assign(step.options as UpgradeDraft, draft);
    await step.context.sendActivity(choiceMessage(step.context, question, draft.offered ?? []));
    return Dialog.EndOfTurn;
  }

  private refusalText(result: Extract<OfferResult, { ok: false }>, replies: Replies, context: TurnContext): string {
    switch (result.reason) {
      case 'not_enough_seats':
        return replies.upgradeSeatsGone(context);
      case 'offer_open':
        return result.openOffer ? replies.upgradeWaiting(result.openOffer, this.deps.upgrades.payLink(result.openOffer), this.sectionName(result.openOffer, replies)) : replies.upgradeUnavailable;
      case 'checkout_failed':
        return replies.checkoutFailed;
      default:
        return replies.upgradeUnavailable;
    }
  }

  private async whyNotUpgradable(orderId: string, customer: ReturnType<typeof customerOf>, replies: Replies, context: TurnContext): Promise<string> {
    const mine = await this.deps.orders.listByCustomer(customer.channel, customer.address);
    const order = mine.find((candidate) => candidate.id === orderId);
    if (!order) return replies.orderNotYours(orderId, context);
    return order.state === 'fulfilled' ? replies.noBetterSeats(order.id) : replies.cannotUpgrade(order.id);
  }

  private orderTitle(order: Order, replies: Replies): string {
    return replies.upgradeOption(order.id, this.deps.catalog.event(order.eventId)?.name ?? order.eventId, this.sectionName(order, replies), order.quantity);
  }

  private sectionName(order: Order, replies: Replies): string {
    const section = this.deps.catalog.section(order.eventId, order.sectionId);
    return section ? replies.sectionName(section) : order.sectionId;
  }

  private async reply(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(text);
    return step.endDialog();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
