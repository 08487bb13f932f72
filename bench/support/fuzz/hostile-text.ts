// What a hostile (or merely unlucky) customer types: real requests, emoji,
// control characters, markup, texts past SMS's 1,600-character bound, and
// words the box office treats apart (consent words, staff commands).
import type { Prng } from './prng.js';

/** Things a real customer says, so some turns go deep: holds, Checkout Sessions, questions. */
const CUSTOMER_TEXTS = [
  '2 tickets for the lakers game section 101',
  'hi',
  '4 tickets hozier ga',
  'hamilton sunday 2 orchestra',
  '1',
  '2',
  'yes',
  'status',
  'cancel',
  'upgrade',
  'better seats please',
  'how much is courtside',
  'cancel BX-7K2Q',
  'help',
  '8 tickets standing lafc',
  'me, my wife and her parents for the galaxy game',
  'exit',
];

/** Words handled before the bot: opting out must always work. */
const CONSENT_WORDS = ['STOP', 'START', 'HELP', 'UNSTOP', 'stop', 'Stopall', 'QUIT', 'INFO', 'YES'];

/** Staff commands, which only STAFF_IDS senders may use. */
const STAFF_COMMANDS = ['refund BX-AAAA', 'offer BX-AAAA courtside', 'orders lakers-warriors', 'inventory hozier', 'staff help'];

const EMOJI = ['🎟️', '🏀', '👨‍👩‍👧‍👦', '🇺🇸', '💩', '🔥🔥🔥', '\u{1F9D1}\u{1F3FD}\u200D\u{1F91D}\u200D\u{1F9D1}\u{1F3FF}'];

/** C0 and C1 controls, a lone surrogate, zero-width and bidi marks, characters XML cannot carry. */
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\u000b', '\f', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\ud800', '\udfff', '\u200b', '\u202e', '\ufeff', '\uffff', '\ufffe', '\r\n\r\n'];

const MARKUP = ['<Message>x</Message>', ']]>', '&amp;&lt;', '<?xml version="1.0"?>', '<script>alert(1)</script>', "'; DROP TABLE orders; --", '${process.exit()}', '{{7*7}}', '%s%s%n', '../../etc/passwd', '\\u0000'];

/** A text as a customer, or an attacker, might send it. */
export function hostileText(rng: Prng): string {
  return rng.weighted<() => string>([
    [30, () => rng.pick(CUSTOMER_TEXTS)],
    [6, () => rng.pick(CONSENT_WORDS)],
    [4, () => rng.pick(STAFF_COMMANDS)],
    [8, () => `${rng.pick(CUSTOMER_TEXTS)} ${rng.pick(EMOJI)}${rng.pick(EMOJI)}`],
    [10, () => mix(rng, rng.int(1, 12))],
    [8, () => `${rng.pick(CUSTOMER_TEXTS)}${rng.pick(CONTROL)}${rng.pick(MARKUP)}`],
    [6, () => longText(rng, rng.int(1_601, 4_000))],
    [2, () => longText(rng, rng.int(10_000, 40_000))],
    [3, () => ''],
    [3, () => ' \t\n '.repeat(rng.int(1, 50))],
    [4, () => rng.chars(rng.int(1, 300), 'abcdefghijklmnopqrstuvwxyz0123456789 .,!?-')],
    [2, () => String(rng.int(-1_000_000, 1_000_000_000))],
    [2, () => `${rng.int(1, 10_000)} tickets ${rng.pick(['lakers', 'hozier', 'hamilton'])} section ${rng.chars(rng.int(1, 40))}`],
  ])();
}

/** `parts` pieces of every kind, run together. */
function mix(rng: Prng, parts: number): string {
  const pools = [CUSTOMER_TEXTS, EMOJI, CONTROL, MARKUP, CONSENT_WORDS];
  return Array.from({ length: parts }, () => rng.pick(rng.pick(pools))).join(rng.pick(['', ' ', '\n']));
}

/** Past the 1,600-character SMS bound: a real request buried in padding, emoji and controls. */
function longText(rng: Prng, length: number): string {
  const unit = rng.pick([`${rng.pick(CUSTOMER_TEXTS)} `, 'section 101 ', `${rng.pick(EMOJI)} `, `a${rng.pick(CONTROL)}`, 'x']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}
