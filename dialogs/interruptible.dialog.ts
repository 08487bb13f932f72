import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from './dialog-kit.js';
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
        await inner.context.sendActivity(say(inner.context).left);
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
