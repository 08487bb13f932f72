import type { Logger } from 'pino';
import { maskPhone } from '../../logger.js';
import type { SmsOptOutStore } from './opt-out.store.js';
import { SMS_CONSENT_REPLIES, smsKeyword } from './sms-keywords.js';

/** An inbound text as the consent rules need it. */
export interface ConsentQuestion {
  from: string;
  body: string;
  /** Twilio's OptOutType field (Advanced Opt-Out), when present. */
  optOutType?: string;
}

/**
 * The SMS consent rules, applied to every inbound text before the bot
 * (DESIGN rule 9):
 * - STOP and the other opt-out words opt the number out, with one
 *   confirmation (a repeated STOP gets none).
 * - START, UNSTOP or YES from an opted-out number opts it back in; from a
 *   number that is not opted out they go to the bot ("yes" answers a question,
 *   "start" says hello).
 * - HELP and INFO are always answered, opted out or not, as carriers require.
 * - Anything else from an opted-out number gets no answer and does not reach
 *   the bot: a held seat whose pay link can never reach them helps nobody.
 *
 * With Twilio's default opt-out handling Twilio itself answers these words
 * and drops our TwiML reply to an opted-out number; it still forwards the
 * text, which is how we learn of it. Our reply is harmless either way.
 * https://help.twilio.com/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering-
 */
export class SmsConsent {
  constructor(
    private readonly optOuts: SmsOptOutStore,
    private readonly log: Logger,
  ) {}

  /** The replies when the consent rules answer this text (possibly none), or undefined when the bot should. */
  async answer(text: ConsentQuestion): Promise<string[] | undefined> {
    switch (smsKeyword(text.body, text.optOutType)) {
      case 'opt_out': {
        const fresh = await this.optOuts.optOut(text.from, 'keyword');
        this.log.info({ component: 'sms', from: maskPhone(text.from), fresh }, 'number opted out (STOP)');
        return fresh ? [SMS_CONSENT_REPLIES.optedOut] : [];
      }
      case 'help':
        return [(await this.optOuts.isOptedOut(text.from)) ? SMS_CONSENT_REPLIES.helpWhileOptedOut : SMS_CONSENT_REPLIES.help];
      case 'opt_in':
        if (await this.optOuts.optIn(text.from)) {
          this.log.info({ component: 'sms', from: maskPhone(text.from) }, 'number opted back in (START)');
          return [SMS_CONSENT_REPLIES.optedIn];
        }
        return undefined;
      default:
        return (await this.optOuts.isOptedOut(text.from)) ? [] : undefined;
    }
  }
}
