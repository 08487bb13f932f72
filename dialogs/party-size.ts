// How many people a customer's words describe when they list them instead of
// counting: "me, my wife and her parents" (4), "me and my 2 boys" (3), "3
// couples" (6), "just us two", "going solo", "half a dozen". A clerk on the
// phone counts heads; so does this. It reads normalized text (see
// text.normalizer.ts) and returns undefined whenever the list cannot be
// counted for sure ("me and the kids"), so the customer is asked instead.

import { cardinal } from './number-words.js';

/** People who are one head each: "my wife", "her husband", "his best friend", "him". */
const ONE_PERSON = new Set(
  (
    'wife hubby husband partner spouse gf bf girlfriend boyfriend fiance fiancee fiancé date ' +
    'son daughter kid child boy girl baby teen toddler mom mum mother mommy mama dad father daddy papa ' +
    'friend bestie mate buddy pal bro brother sister sis cousin aunt auntie uncle niece nephew ' +
    'grandma grandpa granny grandmother grandfather nana nan gramps grandson granddaughter grandkid grandchild ' +
    'roommate roomie flatmate coworker colleague boss neighbor neighbour stepson stepdaughter stepmom stepdad ' +
    'him her plusone'
  ).split(' '),
);
/** People who come in a known number without one said: "her parents", "the twins". */
const PAIRS = new Set(['parents', 'grandparents', 'twins', 'inlaws', 'folks']);
/** People who need a number to count: "3 buddies", "our 3 kids", "the 4 grandkids". */
const MANY_PEOPLE = new Set(
  (
    'friends buddies mates pals kids children boys girls sons daughters brothers sisters cousins coworkers colleagues ' +
    'guys ladies gals girlfriends adults teens grandkids grandchildren grandsons granddaughters nieces nephews ' +
    'roommates people ppl persons others students seniors'
  ).split(' '),
);
/** Words that may stand before a person: "her little sister", "his best friend". */
const ADJECTIVES = new Set('little big older younger best oldest youngest elder baby step'.split(' '));
/** Words that may sit between the people of one list: "me, my wife and her parents", "me and like 3 friends". */
const JOINERS = new Set([...'and n plus with also my our his her their the a like maybe about around probably um'.split(' '), ...ADJECTIVES]);
const SELF = new Set(['me', 'myself', 'i', 'moi']);
/** What follows an "i" that is the subject of a sentence, not one of the people listed. */
const SUBJECT_VERBS = new Set('want need would will wanna am have was think hope got like love would wanted needed could can'.split(' '));

/** Whole phrases that say the party size outright. */
const PHRASES: ReadonlyArray<readonly [RegExp, number | ((match: RegExpExecArray) => number | undefined)]> = [
  [/\b(?:going |just |only |by )?(?:solo|alone|by myself|on my own|just me|only me|a single|single ticket|just one|only one|just 1|only 1)\b/, 1],
  [/\bhalf (?:a )?dozen\b/, 6],
  [/\ba dozen\b|\b(?<!half )dozen\b/, 12],
  [/\b(?:just |only )?(?:us|we) (two|2|three|3|four|4|five|5|six|6)\b/, (m) => cardinal(m[1])],
  [/\b(?:the|all) (two|2|three|3|four|4|five|5|six|6|seven|7|eight|8) of us\b/, (m) => cardinal(m[1])],
  [/\b(?:both of us|(?:the )?two of us|my (?:wife|husband|partner|gf|bf|girlfriend|boyfriend|date) and (?:i|me)|a date night)\b/, 2],
];

/** "3 couples", "two couples": twice as many people. */
const COUPLES = /\b(\d{1,2}|two|three|four|a couple of) couples\b/;

/**
 * The party size a list of people or a phrase gives, or undefined. A list
 * needs two people at least ("me and my son"); a single "my son" is who the
 * ticket is for, not how many.
 */
export function partyFromPeople(normalized: string): number | undefined {
  for (const [pattern, value] of PHRASES) {
    const match = pattern.exec(normalized);
    if (match) return typeof value === 'number' ? value : value(match);
  }
  const couples = COUPLES.exec(normalized);
  if (couples) return 2 * (cardinal(couples[1]!.replace(/ of$/, '')) ?? 0);
  return longestList(normalized.split(/[^a-z0-9]+/).filter(Boolean));
}

interface Person {
  at: number;
  /** Heads, or undefined when a plural has no number ("my kids"). */
  heads: number | undefined;
  /** Where the mention starts (its number, if it has one). */
  from: number;
}

function longestList(words: string[]): number | undefined {
  const people = mentions(words);
  let best: Person[] = [];
  let run: Person[] = [];
  for (const person of people) {
    const previous = run.at(-1);
    if (previous && !words.slice(previous.at + 1, person.from).every((word) => JOINERS.has(word))) run = [];
    run.push(person);
    if (run.length >= best.length) best = [...run];
  }
  if (best.length < 2 && !(best.length === 1 && best[0]!.heads !== undefined && best[0]!.heads > 1 && hasNumber(words, best[0]!))) return undefined;
  if (best.some((person) => person.heads === undefined)) return undefined;
  // One self only: "me and my wife and i" is two people, not three.
  return best.reduce((sum, person) => sum + person.heads!, 0);
}

/** A lone "6 ladies" counts too, but only with its number said. */
function hasNumber(words: string[], person: Person): boolean {
  return person.from < person.at && cardinal(words[person.from]) !== undefined;
}

function mentions(words: string[]): Person[] {
  const found: Person[] = [];
  let selfSeen = false;
  words.forEach((word, at) => {
    if (SELF.has(word)) {
      // "i" is a person only inside a list ("my wife and i"), not as the subject of a sentence ("... and i want tickets").
      if (word === 'i' && (!(words[at - 1] === 'and' || words[at - 1] === 'n') || SUBJECT_VERBS.has(words[at + 1] ?? ''))) return;
      if (selfSeen) return;
      selfSeen = true;
      found.push({ at, heads: 1, from: at });
    } else if (ONE_PERSON.has(word)) {
      // "her" before a noun is a possessive ("her parents"), not a person.
      if (word === 'her' && isPossessive(words[at + 1])) return;
      found.push({ at, heads: 1, from: at });
    } else if (PAIRS.has(word) || MANY_PEOPLE.has(word)) {
      const numbered = numberBefore(words, at);
      const heads = numbered?.value ?? (PAIRS.has(word) ? 2 : undefined);
      found.push({ at, heads, from: numbered?.at ?? at });
    }
  });
  return found;
}

/** "her parents", "her little sister": "her" owns the next person rather than being one. */
function isPossessive(next: string | undefined): boolean {
  return next !== undefined && (ONE_PERSON.has(next) || PAIRS.has(next) || MANY_PEOPLE.has(next) || ADJECTIVES.has(next) || cardinal(next) !== undefined);
}

/** The number of "our 3 kids", "my two little brothers": up to two words back. */
function numberBefore(words: string[], at: number): { value: number; at: number } | undefined {
  for (let back = 1; back <= 2; back++) {
    const value = cardinal(words[at - back]);
    if (value !== undefined && words[at - back] !== 'a' && words[at - back] !== 'an') return { value, at: at - back };
  }
  return undefined;
}
