import { createHash } from 'node:crypto';
import { ActivityHandler, type ConversationState, type TurnContext } from 'botbuilder';
import { runDialog, type Dialog, type DialogState } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import { SharedDialogMemory } from './dialog-memory.shared.js';
import type { TurnLock } from './turn.lock.js';

export const CHAT_WELCOME =
  'Hi! This is the Box Office. Tell me the event and how many tickets, e.g. "2 tickets lakers section 101", or say "hi" to see what is on.';

export interface BoxOfficeBotDeps {
  conversationState: ConversationState;
  dialog: Dialog;
  turnLock: TurnLock;
  log: Logger;
  /** Answers staff commands from STAFF_IDS senders before the customer dialog sees them (src/staff/staff.desk.ts). */
  staffDesk?: { answer(context: TurnContext): Promise<boolean> };
}

/**
 * The one bot behind every channel. Turns of one conversation run one at a
 * time (TurnLock), so two messages sent together are answered in order and
 * neither overwrites the other's dialog state.
 */
export class BoxOfficeBot extends ActivityHandler {
  constructor(private readonly deps: BoxOfficeBotDeps) {
    super();
    const dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    const memory = new SharedDialogMemory();
    this.onMessage(async (context, next) => {
      if (!(await deps.staffDesk?.answer(context))) await memory.around(context, () => runDialog(deps.dialog, context, dialogState));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const newcomers = context.activity.membersAdded?.filter((member) => member.id !== context.activity.recipient.id) ?? [];
      if (newcomers.length > 0) await context.sendActivity(CHAT_WELCOME);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await this.deps.turnLock.run(conversationKey(context), async () => {
      await super.run(context);
      await this.deps.conversationState.saveChanges(context, false);
    });
  }
}

/** A lock key per conversation that carries no phone number or user id. */
function conversationKey(context: TurnContext): string {
  const { channelId, conversation } = context.activity;
  return createHash('sha256').update(`${channelId}:${conversation.id}`).digest('base64url').slice(0, 22);
}
