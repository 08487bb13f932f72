// Turns what a customer typed into plain comparable text. The message
// recognizer reads intents and numbers from it; the EventFinder reads event
// and section words from it (it is handed the recognizer's text, and raw text
// too: a staff command, a section typed at a prompt). One normalizer keeps the
// two readings of a message from drifting apart. It lives in catalog/ because
// dialogs/ may import the domain, never the other way round.

/**
 * Twilio's limit on one (concatenated) SMS body. A chat window can send more,
 * but nothing past this is a ticket request, and cutting here bounds the work
 * one pasted essay can cost a turn.
 */
export const MAX_MESSAGE_CHARS = 1600;

/** Emoji that carry a meaning worth keeping; every other symbol becomes a space. */
const EMOJI_WORDS: Readonly<Record<string, string>> = {
  '👍': 'yes', '👌': 'ok', '✅': 'yes', '👎': 'no', '🎟': 'ticket', '🎫': 'ticket', '❓': '?', '❔': '?',
};
const EMOJI = /👍|👌|✅|👎|🎟|🎫|❓|❔/gu;
const APOSTROPHES = /['\u2018\u2019\u02bc`\u00b4]/g;
const THOUSANDS_COMMA = /(\d),(?=\d{3}(?!\d))/g;
const LESS_THAN = /[<\uff1c]/g;
const TIMES_SIGN = /\u00d7/g;
const PLUS = /\+/g;
const AMPERSAND = /&/g;
const AT_SIGN = /@/g;
/** Keeps letters, digits, "$", "?" and the joiners of numbers and words ("7:30", "12/5", "$9.99", "bx-7k2q"). */
const SYMBOLS = /[^\p{L}\p{N}$?.:/\- ]+/gu;
const LOOSE_NUMBER_PUNCTUATION = /(?<!\d)[.:/]|[.:/](?!\d)/g;
const LOOSE_DASH = /(?<![\p{L}\p{N}])-|-(?![\p{L}\p{N}])/gu;
const SPACES = /\s+/g;
/** Shorthand venues' seat maps spell out: "lower lvl", "orch", "front mezz", "balc". */
const SHORTHAND: Readonly<Record<string, string>> = { lvl: 'level', orch: 'orchestra', mezz: 'mezzanine', balc: 'balcony', sect: 'section' };
const SHORTHAND_WORD = /\b(?:lvl|orch|mezz|balc|sect)\b/g;
const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const DIGIT = '(?:[0-9]|zero|oh|o|one|two|three|four|five|six|seven|eight|nine)';
/** A section number said digit by digit: "section two oh four", "sec 1 0 1". */
const SPOKEN_SECTION = new RegExp(`\\b(section|sec) (${DIGIT}(?: ${DIGIT}){2,3})\\b`, 'g');

/**
 * Lower case, no apostrophes ("where's" → "wheres"), thousands commas dropped
 * ("$1,000" → "$1000"), emoji and stray symbols turned into spaces, single
 * spaces. Dots, colons and slashes survive only inside numbers, so "$9.99",
 * "7:30" and "12/5" stay one token and never read as a quantity. Accents are
 * kept; only the phrase index folds them (see normalizeWords).
 */
export function normalize(text: string): string {
  return text
    .slice(0, MAX_MESSAGE_CHARS)
    .normalize('NFKC')
    .toLowerCase()
    .replace(EMOJI, (emoji) => ` ${EMOJI_WORDS[emoji] ?? ''} `)
    .replace(APOSTROPHES, '')
    .replace(THOUSANDS_COMMA, '$1')
    .replace(LESS_THAN, ' under ')
    .replace(TIMES_SIGN, ' x ')
    .replace(PLUS, ' plus ')
    .replace(AMPERSAND, ' and ')
    .replace(AT_SIGN, ' at ')
    .replace(SYMBOLS, ' ')
    .replace(LOOSE_NUMBER_PUNCTUATION, ' ')
    .replace(LOOSE_DASH, ' ')
    .replace(SPACES, ' ')
    .trim()
    .replace(SHORTHAND_WORD, (word) => SHORTHAND[word]!)
    .replace(SPOKEN_SECTION, (_, keyword: string, digits: string) => `${keyword} ${digits.split(' ').map((d) => DIGIT_WORDS[d] ?? d).join('')}`);
}
