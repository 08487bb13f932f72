import { TurnContext } from 'botbuilder';
import type { Customer } from '../customers/customer.js';

/** The SMS adapter's channel id; every other channel id is a chat channel. */
export const SMS_CHANNEL_ID = 'sms';

export function isSms(context: TurnContext): boolean {
  return context.activity.channelId === SMS_CHANNEL_ID;
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
