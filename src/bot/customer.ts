import { TurnContext } from 'botbuilder';
import type { Channel, Customer } from '../customers/customer.js';

/** The channel id the SMS adapter puts on its activities (the conversation state's namespace, the replies). */
export const SMS_CHANNEL_ID = 'sms';

const RECEIVED_ON = Symbol('receivedOn');

/**
 * Records which route received this turn: the SMS adapter (run only by the
 * signed Twilio route) marks 'sms', the chat route 'chat'. Who a customer is
 * comes from this mark, never from the activity: in anonymous Bot Framework
 * mode a client writes channelId and from.id itself, and could otherwise
 * claim `channelId: "sms"` and a customer's phone number (DESIGN rule 10).
 */
export function markReceivedOn(context: TurnContext, channel: Channel): void {
  context.turnState.set(RECEIVED_ON, channel);
}

/** The route that received the turn; a turn no route marked is chat, so nothing unmarked is ever an SMS customer. */
export function receivedOn(context: TurnContext): Channel {
  return context.turnState.get(RECEIVED_ON) === 'sms' ? 'sms' : 'chat';
}

export function isSms(context: TurnContext): boolean {
  return receivedOn(context) === 'sms';
}

/**
 * Who is writing: on SMS the phone number; on chat the channel's user id plus
 * the conversation reference the worker needs to message them later.
 */
export function customerOf(context: TurnContext): Customer {
  const activity = context.activity;
  if (isSms(context)) return { channel: 'sms', address: activity.from.id };
  return {
    channel: 'chat',
    address: `${activity.channelId}:${activity.from.id}`,
    conversation: TurnContext.getConversationReference(activity),
  };
}
