// Numbers as customers type them, shared by every reading of a message: the
// recognizer's counts and choices, the party-size reading, a change of order.

/** "three", "a couple", "a pair": how many, in words. */
const CARDINALS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  a: 1, an: 1, couple: 2, pair: 2,
};
/** "the second one", "3rd": which, for a choice. */
const ORDINALS: Readonly<Record<string, number>> = {
  first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5,
  sixth: 6, '6th': 6, seventh: 7, '7th': 7, eighth: 8, '8th': 8, ninth: 9, '9th': 9, tenth: 10, '10th': 10,
};

/** A head count: one or two digits, or a number word ("a couple" reads as "couple"). */
export function cardinal(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  if (/^\d{1,2}$/.test(word)) return Number(word);
  return CARDINALS[word.replace(/^a (?=couple|pair)/, '')];
}

/** Any number: digits of any length, a number word, or an ordinal. */
export function numberOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  if (/^\d+$/.test(token)) return Number(token);
  return CARDINALS[token] ?? ORDINALS[token];
}
