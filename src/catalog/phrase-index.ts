// A fuzzy index over short phrases (ids, names, aliases): which of them the
// words of a message name, forgiving small typos ("lakrs", "courtsde") and
// words typed apart ("court side"). It knows nothing of events or sections;
// the EventFinder keeps one for events and one per event for its sections.
// Lookups run on every inbound message, so the vocabulary is grouped by length
// and letter set when it is built, and a lookup runs the edit distance on few
// candidates.
import { soundKey } from './sound-key.js';
import { normalize } from './text.normalizer.js';

/**
 * The words the index compares: the shared normalizer's text with accents
 * dropped, split on everything but letters and digits.
 */
export function normalizeWords(text: string): string[] {
  // Folding accents is the index's own step on top of normalize(): a customer
  // types "trafico" for "El Tráfico", while the recognizer's patterns never
  // need it. It comes after normalize(), whose NFKC would put the marks back.
  return normalize(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * Damerau–Levenshtein distance (optimal string alignment: insert, delete,
 * substitute, swap two neighbours). Stops early and returns `max + 1` once the
 * answer is known to exceed `max`, which is all a typo check needs.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Three rows of one scratch buffer, reused: this runs for every candidate
  // word of every message, and allocation would cost more than the loop.
  const rows = scratch(3 * width);
  let before = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j < width; j++) rows[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[previous + j]! + 1, rows[current + j - 1]! + 1, rows[previous + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[before + j - 2]! + 1);
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return rows[previous + b.length]!;
}

let scratchRows = new Int32Array(256);
function scratch(size: number): Int32Array {
  if (scratchRows.length < size) scratchRows = new Int32Array(size * 2);
  return scratchRows;
}

/** Typos forgiven for a word of this length: none under 4 letters, 1 up to 7, then 2. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  return length <= 7 ? 1 : 2;
}

export const isNumber = (word: string): boolean => /^\p{N}+$/u.test(word);

/**
 * One bit per letter a–z (other characters share the top bits). Each edit
 * changes a word's set of letters by at most two, so two words whose sets
 * differ by more than 2 × max edits cannot be within max edits: a filter that
 * skips most of the vocabulary before the O(n·m) distance runs.
 */
function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i) - 97;
    mask |= 1 << (code >= 0 && code < 26 ? code : 26 + (word.charCodeAt(i) % 6));
  }
  return mask;
}

function bitCount(value: number): number {
  let n = value - ((value >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** How long the first word of a several-word alias must be to mean it alone ("anaheim", "seattle"). */
const ALIAS_ANCHOR_LENGTH = 7;

/** The score of a hint matched exactly: below any name or alias typed with a typo. */
export const HINT_WEIGHT = 0.5;

/** How much to believe a word matched with `edits` typos. */
const similarity = (edits: number): number => 1 - 0.15 * edits;
/** How much to believe a word that only sounds like a vocabulary word ("feebee", "mulanie"): a little less than one typo. */
const SOUNDS_ALIKE = 0.8;

interface Phrase<T> {
  target: T;
  text: string;
  tokens: string[];
  /**
   * Whether typing this token alone is enough to mean the target. True for
   * one-word phrases ("ga"), for words of 3+ letters in ids and names, and
   * for a long first word of an alias ("anaheim" of "anaheim ducks"); false
   * for numbers, for short words ("la" of "LAFC vs LA Galaxy") and for the
   * other words of multi-word aliases ("golden" of "golden state"), which
   * would otherwise match far too much on their own.
   */
  anchors: boolean[];
  /** What a full match of this phrase is worth: 1, or less for a hint (a word of the description or venue). */
  weight: number;
}

/** A vocabulary word seen in the message, and where. */
interface Hit {
  similarity: number;
  positions: number[];
}

/** A target some words name, with its best phrase and the message positions that phrase used. */
export interface Scored<T> {
  target: T;
  score: number;
  phrase: string;
  positions: number[];
  /** The phrase is a hint (a description or venue word), not a name. */
  hint: boolean;
}

/** Phrases (ids, names, aliases) of some targets, matched against message words. */
export class PhraseIndex<T> {
  private readonly phrasesByToken = new Map<string, Phrase<T>[]>();
  /** Words long enough to forgive a typo in, by length, with their letterMask. */
  private readonly fuzzyWords = new Map<number, Array<{ word: string; mask: number }>>();
  /** Words long enough to hear, by how they sound (sound-key.ts). */
  private readonly wordsBySound = new Map<string, string[]>();

  constructor(private readonly stopWords: ReadonlySet<string>) {}

  /**
   * `kind` "alias" phrases anchor only as a whole; ids and names also by each
   * word; a "hint" (a word customers may use for the target without naming
   * it: a support act, the venue, "hockey") counts for half, so any name beats it.
   */
  add(target: T, text: string, kind: 'id' | 'name' | 'alias' | 'hint'): void {
    const tokens = normalizeWords(text).filter((word) => !this.stopWords.has(word));
    if (tokens.length === 0 || tokens.every(isNumber)) return;
    const anchors = tokens.map(
      (token, i) =>
        tokens.length === 1 ||
        (kind !== 'alias' && token.length >= 3 && !isNumber(token)) ||
        // The long first word of an alias names it well enough alone: "anaheim" of "anaheim ducks", not "golden" of "golden state".
        (kind === 'alias' && i === 0 && token.length >= ALIAS_ANCHOR_LENGTH),
    );
    const phrase: Phrase<T> = { target, text, tokens, anchors, weight: kind === 'hint' ? HINT_WEIGHT : 1 };
    for (const token of new Set(tokens)) this.indexToken(token, phrase);
  }

  /** Targets the words (as normalizeWords gives them) name, each with its best phrase; the caller orders them. */
  match(words: readonly string[]): Scored<T>[] {
    const hits = this.hits(words);
    const byTarget = new Map<T, { best: Scored<T>; tokens: Set<string> }>();
    for (const phrase of this.phrasesHit(hits)) {
      const scored = scorePhrase(phrase, hits);
      if (!scored) continue;
      const entry = byTarget.get(phrase.target) ?? { best: scored, tokens: new Set<string>() };
      if (isBetter(scored, entry.best)) entry.best = scored;
      for (const token of phrase.tokens) if (hits.has(token)) entry.tokens.add(token);
      byTarget.set(phrase.target, entry);
    }
    // More of a target's words typed ("warriors vs lakers") beats fewer.
    return [...byTarget.values()].map(({ best, tokens }) => ({ ...best, score: round(best.score + 0.05 * (tokens.size - 1)) }));
  }

  /** Whether `word` is in the vocabulary, exactly or with a forgivable typo. */
  knows(word: string): boolean {
    const hits = new Map<string, Hit>();
    this.lookUp(word, [0], hits);
    return hits.size > 0;
  }

  private indexToken(token: string, phrase: Phrase<T>): void {
    const phrases = this.phrasesByToken.get(token);
    if (phrases) {
      phrases.push(phrase);
      return;
    }
    this.phrasesByToken.set(token, [phrase]);
    if (isNumber(token) || allowedEdits(token.length) === 0) return;
    const sameLength = this.fuzzyWords.get(token.length) ?? [];
    sameLength.push({ word: token, mask: letterMask(token) });
    this.fuzzyWords.set(token.length, sameLength);
    const key = soundKey(token);
    if (key) this.wordsBySound.set(key, [...(this.wordsBySound.get(key) ?? []), token]);
  }

  /** Vocabulary words the message contains, exactly or with a forgivable typo. */
  private hits(words: readonly string[]): Map<string, Hit> {
    const hits = new Map<string, Hit>();
    let joined = -1;
    words.forEach((word, i) => {
      if (this.stopWords.has(word)) return;
      // "court side" for "courtside", "hoz ier" for "hozier"; typed exactly
      // ("la fc" for "lafc"), the halves are that word and nothing else.
      const next = words[i + 1];
      if (next !== undefined && !this.stopWords.has(next)) {
        if (this.phrasesByToken.has(word + next)) {
          record(hits, word + next, 1, [i, i + 1]);
          joined = i + 1;
          return;
        }
        this.lookUp(word + next, [i, i + 1], hits);
      }
      if (i !== joined) this.lookUp(word, [i], hits);
    });
    return hits;
  }

  private lookUp(term: string, positions: number[], hits: Map<string, Hit>): void {
    if (this.phrasesByToken.has(term)) {
      record(hits, term, 1, positions);
      return;
    }
    if (isNumber(term) || allowedEdits(term.length) === 0) return;
    const mask = letterMask(term);
    for (let length = term.length - 2; length <= term.length + 2; length++) {
      const max = allowedEdits(Math.min(term.length, length));
      if (max === 0 || Math.abs(term.length - length) > max) continue;
      for (const candidate of this.fuzzyWords.get(length) ?? []) {
        if (bitCount(mask ^ candidate.mask) > 2 * max) continue;
        const edits = editDistance(term, candidate.word, max);
        if (edits <= max) record(hits, candidate.word, similarity(edits), positions);
      }
    }
    const key = soundKey(term);
    for (const word of key ? (this.wordsBySound.get(key) ?? []) : []) record(hits, word, SOUNDS_ALIKE, positions);
  }

  private phrasesHit(hits: Map<string, Hit>): Set<Phrase<T>> {
    const phrases = new Set<Phrase<T>>();
    for (const token of hits.keys()) for (const phrase of this.phrasesByToken.get(token) ?? []) phrases.add(phrase);
    return phrases;
  }
}

/** Higher score wins; on a tie, the phrase that used more of the message ("standing room" over "standing"). */
function isBetter<T>(a: Scored<T>, b: Scored<T>): boolean {
  return a.score > b.score || (a.score === b.score && a.positions.length > b.positions.length);
}

function record(hits: Map<string, Hit>, token: string, value: number, positions: number[]): void {
  const known = hits.get(token);
  if (!known || value > known.similarity) hits.set(token, { similarity: value, positions });
}

/** A phrase counts when all its words were typed, or at least one word that anchors it. */
function scorePhrase<T>(phrase: Phrase<T>, hits: Map<string, Hit>): Scored<T> | undefined {
  let sum = 0;
  let matched = 0;
  let anchored = false;
  const positions: number[] = [];
  for (let i = 0; i < phrase.tokens.length; i++) {
    const hit = hits.get(phrase.tokens[i]!);
    if (!hit) continue;
    sum += hit.similarity;
    matched += 1;
    anchored ||= phrase.anchors[i]!;
    for (const position of hit.positions) positions.push(position);
  }
  if (matched === 0 || (matched < phrase.tokens.length && !anchored)) return undefined;
  return { target: phrase.target, score: (phrase.weight * sum) / phrase.tokens.length, phrase: phrase.text, positions, hint: phrase.weight < 1 };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
