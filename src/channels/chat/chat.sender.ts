import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { linkMessage } from '../../bot/activities.js';
import type { Customer } from '../../customers/customer.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage } from '../../notifications/message.sender.js';

/**
 * Proactive chat messages: continue the customer's stored conversation
 * through the Bot Framework connector, as a reply in that conversation.
 * The adapter createCloudAdapter builds sends the text as chat markdown
 * (chat.markdown.ts), as it does the bot's replies.
 *
 * No `findSent`: the connector has no way to list the activities a bot sent
 * into a conversation (Teams and Web Chat keep no history the bot can read),
 * so a notice whose attempt died mid-send is sent again on retry.
 */
export class ProactiveChatSender implements MessageSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(customer: Customer, message: OutboundMessage): Promise<void> {
    const reference = customer.conversation as Partial<ConversationReference> | undefined;
    if (!reference?.conversation?.id || !reference.serviceUrl) {
      throw new PermanentDeliveryError('no conversation is stored for this chat customer');
    }
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        await context.sendActivity(linkMessage(message.text, message.link));
      });
    } catch (err) {
      // The connector answers 403/404 when the bot was removed from the
      // conversation or it no longer exists; trying again will not help.
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 403 || status === 404) throw new PermanentDeliveryError(`chat connector answered ${status}`, status);
      throw err;
    }
  }
}
