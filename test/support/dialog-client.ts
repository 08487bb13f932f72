// A DialogTestClient that runs the dialogs as BoxOfficeBot does: the turn's
// ConversationState lent under the key botbuilder's memory scopes look for,
// so what dialogs keep for the conversation (its language) lasts between turns;
// and on channel 'sms', each turn marked as the SMS route marks it, since only
// a turn so marked is an SMS customer (src/bot/customer.ts).
import { ConversationState, MemoryStorage, type Middleware, type TurnContext } from 'botbuilder';
import type { Dialog } from '../../dialogs/dialog-kit.js';
import { DialogTestClient } from 'botbuilder-testing';
import { CONVERSATION_STATE_KEY } from '../../src/bot/box-office.bot.js';
import { markReceivedOn } from '../../src/bot/customer.js';

type TurnMiddleware = { onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> };

export function dialogClient(channelId: string, dialog: Dialog, middlewares: TurnMiddleware[] = []): DialogTestClient {
  const conversationState = new ConversationState(new MemoryStorage());
  const lendState: TurnMiddleware = {
    onTurn: async (context, next) => {
      context.turnState.set(CONVERSATION_STATE_KEY, conversationState);
      if (channelId === 'sms') markReceivedOn(context, 'sms');
      await next();
    },
  };
  return new DialogTestClient(channelId, dialog, undefined, [lendState, ...middlewares] as Middleware[], conversationState);
}
