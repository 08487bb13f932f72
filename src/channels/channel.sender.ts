import type { Customer } from '../customers/customer.js';
import type { MessageSender, OutboundMessage, SentMessage } from '../notifications/message.sender.js';

/** Picks the sender for the customer's channel. */
export class ChannelSender implements MessageSender {
  constructor(private readonly senders: Record<Customer['channel'], MessageSender>) {}

  send(customer: Customer, message: OutboundMessage): Promise<SentMessage | void> {
    return this.senders[customer.channel].send(customer, message);
  }

  async findSent(customer: Customer, message: OutboundMessage, since: Date): Promise<SentMessage | undefined> {
    return this.senders[customer.channel].findSent?.(customer, message, since);
  }
}
