import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { linksIn } from '../../bot/activities.js';
import { markReceivedOn, SMS_CHANNEL_ID } from '../../bot/customer.js';
import { customerKey } from '../../customers/customer.js';

/** One inbound text as Twilio delivers it. */
export interface InboundSms {
  from: string;
  to: string;
  body: string;
  messageSid: string;
  mediaCount: number;
}

const REPLIES = Symbol('sms replies');

/**
 * Runs the bot for one inbound text and collects its replies, which the
 * route returns as TwiML in the webhook's own response. Messages the bot
 * starts later (tickets, notices) go through Twilio's REST API instead
 * (TwilioSmsSender), so this adapter never sends on its own.
 */
export class SmsAdapter extends BotAdapter {
  async processInbound(sms: InboundSms, logic: (context: TurnContext) => Promise<void>): Promise<string[]> {
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      channelId: SMS_CHANNEL_ID,
      id: sms.messageSid,
      timestamp: new Date(),
      locale: 'en-US',
      from: { id: sms.from, name: '', role: 'user' },
      recipient: { id: sms.to, name: 'Box Office', role: 'bot' },
      // The conversation id names the number only by a hash: it ends up in
      // Redis key names, where a full phone number must not (DESIGN rule 8).
      conversation: { id: `sms-${customerKey('sms', sms.from)}`, isGroup: false, conversationType: 'sms', name: '' },
      serviceUrl: '',
      text: sms.body,
      attachments: sms.mediaCount > 0 ? [{ contentType: 'application/octet-stream', name: 'media' }] : [],
    };
    const context = new TurnContext(this, activity);
    markReceivedOn(context, 'sms');
    const replies: Partial<Activity>[] = [];
    context.turnState.set(REPLIES, replies);
    await this.runMiddleware(context, logic);
    return replies.map(smsText).filter((text) => text.length > 0);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get(REPLIES) as Partial<Activity>[] | undefined;
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Message || activity.type === undefined) replies?.push(activity);
    }
    return activities.map(() => ({ id: randomUUID() }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('an SMS cannot be edited once sent');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('an SMS cannot be deleted once sent');
  }

  async continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('SMS the bot starts go through Twilio REST (TwilioSmsSender), not the adapter');
  }
}

/** Text with any card links that are not already in it, as a text message can show nothing else. */
function smsText(activity: Partial<Activity>): string {
  const text = activity.text?.trim() ?? '';
  const links = linksIn(activity.attachments).filter((url) => !text.includes(url));
  return [text, ...links].filter(Boolean).join('\n');
}
