import { ActionTypes, MessageFactory, type TurnContext } from 'botbuilder';
import { Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialog-kit.js';
import { customerOf, isSms } from '../src/bot/customer.js';
import { describeEvent, describeSeats } from '../src/catalog/describe.js';
import { normalize } from '../src/catalog/text.normalizer.js';
import type { Order } from '../src/orders/order.js';
import { activeTickets } from '../src/orders/refund.js';
import type { TransferPlan, TransferRefusal } from '../src/tickets/transfer.service.js';
import type { DialogDeps } from './dialog.deps.js';
import { InterruptibleDialog } from './interruptible.dialog.js';
import { languageOf, messageText } from './language.js';
import { recognize } from './message.recognizer.js';
import { say } from './replies.js';
import type { TransferRequest } from './transfer-request.js';

export const TRANSFER_TICKETS_DIALOG = 'transfer-tickets';
const WATERFALL = 'transfer-tickets.steps';

/** Answers that confirm. */
const CONFIRMS = /^(?:y|ya|yes+|yep|yup|yeah|yea|ok|okay|sure|confirm(?:ed)?|send(?: it| them)?|please do|do it|go ahead|si|sí|dale|claro)\b/;

/**
 * "send 1 ticket to +1 206 555 0100": which of the customer's orders, which
 * tickets and to whom, asked once; on YES the tickets go (TransferService),
 * and the recipient gets a text of their own.
 */
export class TransferTicketsDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(TRANSFER_TICKETS_DIALOG, deps);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.confirmStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = (step.options ?? {}) as Partial<TransferRequest>;
    const replies = say(step.context);
    if (!request.to) return this.reply(step, replies.transferBadNumber);
    const customer = customerOf(step.context);
    const mine = await this.deps.orders.listByCustomer(customer.channel, customer.address);
    const orders = mine.filter((order) => order.kind === 'tickets' && order.state === 'fulfilled' && activeTickets(order).length > 0);
    let order: Order | undefined;
    if (request.orderId) {
      // A named order is answered for whatever its state: the refusal says why it cannot go.
      order = mine.find((candidate) => candidate.id === request.orderId);
      if (!order) return this.reply(step, replies.orderNotYours(request.orderId, step.context));
    } else {
      if (orders.length === 0) return this.reply(step, replies.transferNothing(step.context));
      const upcoming = orders.filter((candidate) => this.startsAt(candidate) > this.now().getTime());
      if (upcoming.length > 1) return this.reply(step, replies.transferWhichOrder(upcoming.map((candidate) => candidate.id), showNumber(request.to)));
      order = upcoming[0] ?? orders[0]!;
    }
    const planned = await this.deps.transfers.plan(order, { to: request.to, quantity: request.quantity, all: request.all }, customer);
    if (!planned.ok) return this.reply(step, this.refusal(step.context, planned.reason, order.id, planned.available));
    const { plan } = planned;
    const event = this.deps.catalog.event(order.eventId);
    const language = languageOf(step.context);
    const places = describeSeats(this.deps.catalog.section(order.eventId, order.sectionId), plan.seats, plan.tickets.length, language);
    const question = replies.confirmTransfer(plan.tickets.length, event ? describeEvent(event, language) : order.eventId, places, showNumber(plan.to), plan.tickets, step.context);
    (step.values as { plan?: TransferPlan }).plan = plan;
    await step.context.sendActivity(
      isSms(step.context) ? question : MessageFactory.suggestedActions(replies.yesNo.map((answer) => ({ type: ActionTypes.ImBack, title: answer, value: answer })), question),
    );
    return Dialog.EndOfTurn;
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { plan } = step.values as { plan?: TransferPlan };
    if (!plan) return step.endDialog();
    const text = messageText(step.context);
    const yes = CONFIRMS.test(normalize(text)) || recognize(text, this.deps.finder, this.now()).intent === 'yes';
    const replies = say(step.context);
    if (!yes) return this.reply(step, replies.transferKept);
    const done = await this.deps.transfers.transfer(plan, { ...customerOf(step.context), ...giverName(step.context) });
    if (!done.ok) return this.reply(step, this.refusal(step.context, done.reason, plan.orderId, done.available));
    const after = await this.deps.orders.get(plan.orderId);
    return this.reply(step, replies.transferDone(plan.tickets.length, showNumber(plan.to), plan.orderId, after ? activeTickets(after) : []));
  }

  private refusal(context: TurnContext, reason: TransferRefusal, orderId: string, available = 0): string {
    return say(context).transferRefused[reason](orderId, available);
  }

  private startsAt(order: Order): number {
    const event = this.deps.catalog.event(order.eventId);
    return event ? Date.parse(event.startsAt) : 0;
  }

  private async reply(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(text);
    return step.endDialog();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** +12065550100 as people write it: "+1 206-555-0100"; other countries as E.164. */
export function showNumber(e164: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return nanp ? `+1 ${nanp[1]}-${nanp[2]}-${nanp[3]}` : e164;
}

/**
 * The giver's name for the recipient's text: a chat's display name, when it
 * looks like a person's (Web Chat and the Emulator send "User" or an id);
 * an SMS carries none.
 */
function giverName(context: TurnContext): { name?: string } {
  if (isSms(context)) return {};
  const name = (context.activity.from?.name ?? '').trim();
  if (!/^\p{L}[\p{L}' .-]{0,39}$/u.test(name) || /^user$/i.test(name)) return {};
  return { name };
}
