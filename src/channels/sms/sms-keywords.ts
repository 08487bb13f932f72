// SMS consent keywords, handled in the SMS channel before the bot sees the
// text: they are carrier rules about the phone number, not part of any
// conversation, so the dialogs stay the same on every channel.
import { BOX_OFFICE_NAME } from '../../../dialogs/replies.js';

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

/**
 * Twilio's default keywords for long codes and toll-free numbers (DESIGN rule 9).
 * REVOKE and OPTOUT were added to Twilio's opt-out list in 2025; they are
 * here because Twilio acts on them too, whatever we do.
 * https://help.twilio.com/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering-
 */
const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  stop: 'opt_out',
  stopall: 'opt_out',
  unsubscribe: 'opt_out',
  cancel: 'opt_out',
  end: 'opt_out',
  quit: 'opt_out',
  revoke: 'opt_out',
  optout: 'opt_out',
  start: 'opt_in',
  unstop: 'opt_in',
  yes: 'opt_in',
  help: 'help',
  info: 'help',
};

/**
 * With Advanced Opt-Out, Twilio names the keyword it matched in `OptOutType`
 * (including custom or localised ones configured on a Messaging Service).
 * https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out
 */
const OPT_OUT_TYPES: Readonly<Record<string, SmsKeyword>> = { STOP: 'opt_out', START: 'opt_in', HELP: 'help' };

/**
 * The consent keyword a text is, if it is one. Like Twilio, only a message
 * that is the keyword alone counts, in any case, with surrounding spaces (and
 * a trailing full stop or exclamation mark, as phones add) ignored: "Stop" and
 * "STOP!" opt out, "stop texting me so much" and "don't stop" do not.
 */
export function smsKeyword(body: string, optOutType?: string): SmsKeyword | undefined {
  const named = optOutType ? OPT_OUT_TYPES[optOutType.trim().toUpperCase()] : undefined;
  if (named) return named;
  const word = body.trim().replace(/[.!]+$/, '').toLowerCase();
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
}

/** The replies to consent keywords: short, plain, and naming the box office, as carriers require. */
export const SMS_CONSENT_REPLIES = {
  optedOut: `You are unsubscribed from ${BOX_OFFICE_NAME} and will get no more messages. Reply START to resubscribe.`,
  optedIn: `You are subscribed to ${BOX_OFFICE_NAME} again. Tell me the event and how many tickets, e.g. "2 tickets lakers". Reply HELP for help, STOP to opt out.`,
  help: `This is ${BOX_OFFICE_NAME}: tickets by text. Tell me the event and how many tickets, e.g. "2 tickets lakers". STATUS shows your orders, EXIT leaves a purchase. Reply STOP to opt out.`,
  helpWhileOptedOut: `This is ${BOX_OFFICE_NAME}: tickets by text. You are unsubscribed and get no messages from us. Reply START to resubscribe.`,
} as const;
