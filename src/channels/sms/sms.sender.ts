import type { Twilio } from 'twilio';
import type { Logger } from 'pino';
import { maskPhone } from '../../logger.js';
import type { Customer } from '../../orders/order.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage, type SentMessage } from '../message.sender.js';

/**
 * Twilio error codes that no retry can fix.
 * https://www.twilio.com/docs/api/errors: 21610 unsubscribed recipient (STOP),
 * 21211 invalid To, 21614 not a mobile number, 21612 unroutable, 21408 region
 * not enabled, 21606 From cannot send to this number.
 */
const PERMANENT_TWILIO_CODES = new Set([21610, 21211, 21614, 21612, 21408, 21606]);

export interface TwilioSenderOptions {
  /** Sender number (E.164) or, instead, a Messaging Service. */
  from?: string;
  messagingServiceSid?: string;
  /** Where Twilio posts delivery updates: PUBLIC_BASE_URL + /sms/status. */
  statusCallback?: string;
}

/** Outbound SMS through Twilio's REST API. */
export class TwilioSmsSender implements MessageSender {
  constructor(
    private readonly client: Twilio,
    private readonly options: TwilioSenderOptions,
  ) {}

  /** Resolves with Twilio's message SID, which its status callbacks name. */
  async send(customer: Customer, message: OutboundMessage): Promise<SentMessage> {
    const sender = this.options.messagingServiceSid
      ? { messagingServiceSid: this.options.messagingServiceSid }
      : { from: this.options.from! };
    try {
      const created = await this.client.messages.create({
        to: customer.address,
        body: message.text,
        ...sender,
        ...(this.options.statusCallback ? { statusCallback: this.options.statusCallback } : {}),
      });
      return { messageId: created.sid };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && PERMANENT_TWILIO_CODES.has(code)) {
        throw new PermanentDeliveryError(`Twilio refused the message (${code}): ${(err as Error).message}`, code);
      }
      throw err;
    }
  }
}

/** With Twilio unconfigured: outbound SMS go to the log, clearly marked, so the demo shows them. */
export class LoggedSmsSender implements MessageSender {
  constructor(private readonly log: Logger) {}

  async send(customer: Customer, message: OutboundMessage): Promise<void> {
    this.log.info(
      { component: 'sms', to: maskPhone(customer.address), outbound: 'not sent: Twilio is not configured' },
      `SMS (not sent, Twilio not configured) → ${message.text}`,
    );
  }
}
