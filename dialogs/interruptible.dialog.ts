import type { TurnContext } from 'botbuilder';
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from './dialog-kit.js';
import { customerOf } from '../src/bot/customer.js';
import { recognize } from './message.recognizer.js';
import type { DialogDeps } from './dialog.deps.js';
import { messageText } from './language.js';
import { say } from './replies.js';

/**
 * Help, leaving and starting over, handled once for every goal dialog: any
 * dialog that extends this one answers them at any step (core-bot's
 * CancelAndHelpDialog). STOP never gets here on SMS: Twilio handles it.
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly deps: DialogDeps,
  ) {
    super(id);
  }

  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(inner)) ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = messageText(inner.context);
    const { intent } = recognize(text, this.deps.finder, this.deps.now?.());
    switch (intent) {
      case 'help':
        await inner.context.sendActivity(say(inner.context).help(inner.context));
        return { status: DialogTurnStatus.waiting };
      case 'leave':
        // A goal dialog holds nothing until its last answer: seats held by an
        // earlier purchase are what "cancel" can still let go of.
        await inner.context.sendActivity(await letGoOfHeld(inner.context, this.deps, say(inner.context).left));
        return inner.cancelAllDialogs(true);
      case 'restart':
        // Start this goal again from its first question, with nothing filled in.
        await inner.context.sendActivity(say(inner.context).restarted);
        await inner.cancelAllDialogs();
        return inner.beginDialog(this.initialDialogId, {});
      default:
        return undefined;
    }
  }
}

/**
 * "cancel" (or "exit") naming no order, in a goal dialog or outside one: lets
 * go of the customer's seats waiting for payment, at once when one order
 * holds them (as "cancel BX-7K2Q" does), or asks which when several do. The
 * answer to send; `nothingHeld` when nothing is held.
 */
export async function letGoOfHeld(context: TurnContext, deps: DialogDeps, nothingHeld: string): Promise<string> {
  const held = await deps.purchase.openOrders(customerOf(context));
  if (held.length === 0) return nothingHeld;
  if (held.length > 1) return say(context).whichHeldToCancel(held.map((order) => order.id));
  const order = held[0]!;
  const outcome = await deps.purchase.cancel(order.id, `customer:${context.activity.id ?? 'leave'}`);
  return outcome === 'already_paid' ? say(context).alreadyPaid(order.id, context) : say(context).orderCancelled(order.id);
}
