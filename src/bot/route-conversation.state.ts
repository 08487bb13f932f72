// Conversation state named by the route that received the turn as well as by
// the activity's channel and conversation ids. Those ids are the client's to
// write on an anonymous /api/messages: with botbuilder's key alone
// (`<channelId>/conversations/<id>/`) a chat client claiming channelId "sms"
// and an SMS conversation's id (`sms-` and a hash anyone can compute from a
// phone number) would continue that customer's dialog, e.g. answer "yes" to
// their refund question (DESIGN rule 10).
import { ConversationState, type TurnContext } from 'botbuilder';
import { receivedOn } from './customer.js';

export class RouteConversationState extends ConversationState {
  override getStorageKey(context: TurnContext): string | undefined {
    return `${receivedOn(context)}:${super.getStorageKey(context)}`;
  }
}
