import type { Logger } from 'pino';
import { maskPhone } from '../../logger.js';
import type { Customer } from '../../customers/customer.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage, type SentMessage } from '../../notifications/message.sender.js';
import type { SmsOptOutStore } from './opt-out.store.js';

/** Twilio's "Attempt to send to unsubscribed recipient": the number texted STOP to Twilio. https://www.twilio.com/docs/api/errors/21610 */
export const TWILIO_UNSUBSCRIBED = 21610;

/** The code a send refused for an opted-out number carries, so the order's timeline says why. */
export const OPTED_OUT = 'opted_out';

/**
 * Every SMS we start passes here: a number that opted out gets nothing (the
 * send ends as a permanent failure, which the notification job records), and
 * a number Twilio reports as unsubscribed (21610) is opted out from then on,
 * so later notices are not even attempted (DESIGN rule 9).
 */
export class OptOutCheckedSmsSender implements MessageSender {
  constructor(
    private readonly sms: MessageSender,
    private readonly optOuts: SmsOptOutStore,
    private readonly log: Logger,
  ) {}

  async send(customer: Customer, message: OutboundMessage): Promise<SentMessage | void> {
    const optedOut = await this.optOuts.get(customer.address);
    if (optedOut) {
      const why = optedOut.source === 'twilio' ? `Twilio reported the number unsubscribed (${TWILIO_UNSUBSCRIBED})` : 'the customer texted STOP';
      throw new PermanentDeliveryError(`not sent: opted out of SMS (${why}) until they text START`, OPTED_OUT);
    }
    try {
      return await this.sms.send(customer, message);
    } catch (err) {
      if (err instanceof PermanentDeliveryError && err.code === TWILIO_UNSUBSCRIBED) {
        if (await this.optOuts.optOut(customer.address, 'twilio')) {
          this.log.info({ component: 'sms', to: maskPhone(customer.address), code: TWILIO_UNSUBSCRIBED }, 'number opted out: Twilio reports it unsubscribed');
        }
      }
      throw err;
    }
  }

  /** Looking up what was already sent needs no consent check: it sends nothing. */
  async findSent(customer: Customer, message: OutboundMessage, since: Date): Promise<SentMessage | undefined> {
    return this.sms.findSent?.(customer, message, since);
  }
}
