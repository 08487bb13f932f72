// How a word sounds, roughly, in English spelling: customers who heard a name
// spell it the way it sounds ("feebee" for Phoebe, "mulanie" for Mulaney,
// "galaxie"), which can be several letters off while sounding the same. Two
// words with the same key are heard alike. A simplified Metaphone: the
// letters that spell one sound are made one letter, then the vowels after the
// first letter are dropped and doubled consonants kept once.

const SPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ph/g, 'f'],
  [/ck|q/g, 'k'],
  [/x/g, 'ks'],
  [/c(?=[eiy])/g, 's'],
  [/c/g, 'k'],
  [/dg(?=[eiy])/g, 'j'],
  [/g(?=[eiy])/g, 'j'],
  [/gh/g, 'g'],
  [/^kn|^gn/g, 'n'],
  [/^wr/g, 'r'],
  [/mb$/g, 'm'],
  [/z/g, 's'],
  [/v/g, 'f'],
];

/** Words shorter than this have too few sounds to tell apart by ear. */
const SHORTEST = 5;

/**
 * Keys of words seen in messages lately. Messages repeat their words ("tickets",
 * "section", names), and a key costs a dozen regex passes; bounded, and
 * simply started again when full.
 */
const known = new Map<string, string | undefined>();
const KNOWN_MOST = 10_000;

/** The sound key of a word (letters a–z only), or undefined when it is too short or not a word. */
export function soundKey(word: string): string | undefined {
  if (word.length < SHORTEST) return undefined;
  if (known.has(word)) return known.get(word);
  if (known.size >= KNOWN_MOST) known.clear();
  const key = keyOf(word);
  known.set(word, key);
  return key;
}

function keyOf(word: string): string | undefined {
  if (!/^[a-z]+$/.test(word)) return undefined;
  let spelled = word;
  for (const [letters, sound] of SPELLINGS) spelled = spelled.replace(letters, sound);
  const first = spelled[0]!;
  const rest = spelled.slice(1).replace(/[aeiouyhw]/g, '');
  const key = (first + rest).replace(/(.)\1+/g, '$1');
  // Two consonants at least: "feebee" (fb) is a name, "aiya" is not a key worth matching.
  return key.replace(/[aeiouy]/g, '').length >= 2 ? key : undefined;
}
