import { createHash } from 'node:crypto';
import { ActivityHandler, type AdaptiveCardInvokeResponse, type ConversationState, type InvokeResponse, type TurnContext } from 'botbuilder';
import { runDialog, type Dialog, type DialogState } from '../../dialogs/dialog-kit.js';
import type { Logger } from 'pino';
import { MAX_MESSAGE_CHARS } from '../catalog/text.normalizer.js';
import { receivedOn } from './customer.js';
import { SharedDialogMemory } from './dialog-memory.shared.js';
import type { TurnLock } from './turn.lock.js';

export const CHAT_WELCOME =
  'Hi! This is the Box Office. Tell me the event and how many tickets, e.g. "2 tickets lakers section 101", or say "hi" to see what is on.';

/** The event Web Chat pages send when the chat opens, to be greeted (see the onEvent handler). */
export const WEBCHAT_JOIN = 'webchat/join';

/**
 * The answer to an Adaptive Card Action.Execute: the bot sends no card with
 * one, so whatever a client sends is an action it does not support, said the
 * way the Universal Actions protocol says errors (HTTP 200, the error in the
 * body) so the card can show it.
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 */
const CARD_ACTION_NOT_SUPPORTED: AdaptiveCardInvokeResponse = {
  statusCode: 400,
  type: 'application/vnd.microsoft.error',
  value: { code: 'NotSupported', message: 'This card action is not supported.' },
};

/** botbuilder-dialogs' ConversationMemoryScope finds the turn's ConversationState under this key. */
export const CONVERSATION_STATE_KEY = 'ConversationState';

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
    // Greeted once per conversation: a client may send both a conversationUpdate
    // and webchat/join, and a page may send webchat/join each time it reconnects.
    const welcomed = deps.conversationState.createProperty<boolean>('welcomed');
    const welcome = async (context: TurnContext) => {
      if (await welcomed.get(context, false)) return;
      await welcomed.set(context, true);
      await context.sendActivity(CHAT_WELCOME);
    };
    this.onMembersAdded(async (context, next) => {
      const newcomers = context.activity.membersAdded?.filter((member) => member.id !== context.activity.recipient.id) ?? [];
      if (newcomers.length > 0) await welcome(context);
      await next();
    });
    // A conversationUpdate that names no members at all is a conversation
    // opening (some channels send no member list): greeted. One that adds only
    // the bot, or only says who left, greets no one. With a Direct Line token that carries no user, Web Chat
    // sends no conversationUpdate until the person's first message; its
    // documented way to greet on opening is an event the page sends, answered here.
    // https://github.com/microsoft/BotFramework-WebChat/tree/main/samples/04.api/a.welcome-event
    this.onConversationUpdate(async (context, next) => {
      const { membersAdded, membersRemoved } = context.activity;
      if (!membersAdded?.length && !membersRemoved?.length) await welcome(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === WEBCHAT_JOIN) await welcome(context);
      await next();
    });
  }

  /**
   * Invoke activities (card actions, sign-in, Teams task modules, names no one
   * knows) want their answer in the HTTP response. The bot starts none of
   * them, so each is acknowledged: ActivityHandler's default, 501, is a server
   * error to the channel and to our monitoring for an activity that is simply
   * not ours to handle.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action') return { status: 200, body: CARD_ACTION_NOT_SUPPORTED };
    return { status: 200 };
  }

  override async run(context: TurnContext): Promise<void> {
    boundText(context);
    // Lent to the turn under the name botbuilder's memory scopes look for, so
    // dialogs keep conversation-wide facts (its language) beside the dialog stack.
    context.turnState.set(CONVERSATION_STATE_KEY, this.deps.conversationState);
    await this.deps.turnLock.run(conversationKey(context), async () => {
      await super.run(context);
      await this.deps.conversationState.saveChanges(context, false);
    });
  }
}

/**
 * Cuts the message to MAX_MESSAGE_CHARS here, where every channel's text
 * enters the bot, so every reader after it (staff desk, recognizer, section
 * lookup, the dialogs' own checks) sees the same bounded text and none can
 * read what lies past it. A surrogate pair cut in half loses its first half too.
 */
function boundText(context: TurnContext): void {
  const text = context.activity.text;
  if (typeof text !== 'string' || text.length <= MAX_MESSAGE_CHARS) return;
  const cut = text.slice(0, MAX_MESSAGE_CHARS);
  context.activity.text = /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A lock key per conversation that carries no phone number or user id. The
 * route that received the turn is part of it, as it is of the conversation
 * state's key (route-conversation.state.ts): a chat client naming an SMS
 * conversation gets a lock, and a state, of its own.
 */
function conversationKey(context: TurnContext): string {
  const { channelId, conversation } = context.activity;
  return createHash('sha256').update(`${receivedOn(context)}:${channelId}:${conversation.id}`).digest('base64url').slice(0, 22);
}
