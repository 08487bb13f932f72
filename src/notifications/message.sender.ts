// How a message reaches a customer outside a reply: one method per channel,
// implemented by channels/ (Twilio REST, a proactive Bot Framework message)
// and used by the notification worker and the services that make offers.
import type { Customer } from '../customers/customer.js';

/** A message to a customer that we start (not a reply): tickets, notices, offers. */
export interface OutboundMessage {
  text: string;
  /** Shown as a button on chat; on SMS the URL is already in the text. */
  link?: { title: string; url: string };
}

/** What a channel says about a message it accepted. */
export interface SentMessage {
  /** The provider's id for the message (Twilio's message SID), when it has one: delivery status callbacks name it. */
  messageId?: string;
}

/** Sends one message to one customer on their own channel. */
export interface MessageSender {
  send(customer: Customer, message: OutboundMessage): Promise<SentMessage | void>;
  /**
   * Optional: the message with exactly this text that the provider accepted
   * for this customer since `since` and has not reported failed, if there is
   * one. A retried job asks before sending again, because an attempt can die
   * after the provider accepted the message and before we recorded it, and
   * providers without an idempotency key (Twilio's Messages API) would send it
   * twice. Undefined when there is none, or when the channel cannot tell:
   * either way the caller sends.
   */
  findSent?(customer: Customer, message: OutboundMessage, since: Date): Promise<SentMessage | undefined>;
}

/**
 * Delivery that can never succeed as asked (number opted out, invalid, no
 * conversation to reply to): the job ends without retry and the order says why.
 */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly code?: number | string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
