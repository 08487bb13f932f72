// Finds the event and section a customer means in a free-text message
// ("2 tix lakrs sec 101"). It runs on every inbound message, so everything that
// depends only on the catalog is worked out once, in the constructor; a call
// tokenizes the message and compares its words with a small vocabulary.
import type { CatalogEvent, Section } from './catalog.schema.js';
import { isSeated } from './catalog.schema.js';
import type { EventCatalog } from './event-catalog.js';

/** An event a message seems to name. */
export interface EventMatch {
  event: CatalogEvent;
  /**
   * Higher is better. A whole name or alias typed exactly scores 1, a typo in
   * it less (0.85 per edit off 1), part of a name less again (the share of
   * its words typed); each further distinct word of the event typed adds 0.05.
   */
  score: number;
  /** The customer's words (normalized) that matched, e.g. "lakrs". */
  matched: string;
  /** The catalog id, name or alias they matched, e.g. "lakers". */
  phrase: string;
}

/** A section a message seems to name, scored like EventMatch. */
export interface SectionMatch {
  section: Section;
  score: number;
  matched: string;
}

/**
 * Words that say nothing about which event or section is meant. They are
 * dropped from messages and from catalog names alike, and never typo-matched.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or of for to in on at by with from vs v versus against ' +
    'game games match matches show shows concert concerts gig gigs event events musical play tour live ' +
    'ticket tickets tix tkts tkt tics seat seats pass passes spot spots ' +
    'i im me my we us our you your it its this that these those there here is are was be am do does did ' +
    'want wanna need get gimme buy book grab like would can could please pls plz thanks thank thx ty ' +
    'hi hello hey yo hiya help status cancel stop start yes yeah yep no nope ok okay sure ' +
    'some any one two three four five six pair couple of more ' +
    'what whats when where which how much many price prices cost cheap cheapest best good still left available ' +
    'tonight today tomorrow night next upcoming soon am pm ' +
    'mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday weekend ' +
    'jan feb mar apr may jun jul aug sep sept oct nov dec'
  ).split(' '),
);

/** Extra words for sections: "sec 101", "row A", "club level". */
const SECTION_STOP_WORDS: ReadonlySet<string> = new Set([...STOP_WORDS, 'section', 'sections', 'sec', 'sect', 'row', 'rows', 'level', 'area', 'zone']);

/** Words that put a number right after them: "section 101", "sec 101", "s101". */
const SECTION_KEYWORDS: ReadonlySet<string> = new Set(['section', 'sec', 'sect', 'sc', 's']);

/** A number next to these is a quantity or a row/seat, not a section: "2 tickets", "row 12", "x2". */
const NOT_SECTION_BEFORE: ReadonlySet<string> = new Set(['row', 'rows', 'seat', 'seats', 'x', 'for', 'party', 'of', 'qty']);
const NOT_SECTION_AFTER: ReadonlySet<string> = new Set([
  'x', 'ticket', 'tickets', 'tix', 'tkts', 'tkt', 'seat', 'seats', 'people', 'ppl', 'persons', 'adults', 'kids', 'of', 'pax', 'more',
]);

/** Names every general-admission section answers to, whatever it is called. */
const GA_WORDS = ['ga', 'general admission', 'general', 'standing', 'standing room', 'stand'];

/** Lower-case words of letters and digits; accents, punctuation and apostrophes dropped. */
export function normalizeWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/&/g, ' and ')
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

const isNumber = (word: string): boolean => /^\p{N}+$/u.test(word);

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

/** How much to believe a word matched with `edits` typos. */
const similarity = (edits: number): number => 1 - 0.15 * edits;

interface Phrase<T> {
  target: T;
  text: string;
  tokens: string[];
  /**
   * Whether typing this token alone is enough to mean the target. True for
   * one-word phrases ("ga") and for words of 3+ letters in ids and names;
   * false for numbers, for short words ("la" of "LAFC vs LA Galaxy") and for
   * words of multi-word aliases ("golden" of "golden state"), which would
   * otherwise match far too much on their own.
   */
  anchors: boolean[];
}

/** A vocabulary word seen in the message, and where. */
interface Hit {
  similarity: number;
  positions: number[];
}

interface Scored<T> {
  target: T;
  score: number;
  phrase: string;
  positions: number[];
}

/** Phrases (ids, names, aliases) of some targets, matched against message words. */
class PhraseIndex<T> {
  private readonly phrasesByToken = new Map<string, Phrase<T>[]>();
  /** Words long enough to forgive a typo in, by length, with their letterMask. */
  private readonly fuzzyWords = new Map<number, Array<{ word: string; mask: number }>>();

  constructor(private readonly stopWords: ReadonlySet<string>) {}

  /** `kind` "alias" phrases anchor only as a whole; ids and names also by each word. */
  add(target: T, text: string, kind: 'id' | 'name' | 'alias'): void {
    const tokens = normalizeWords(text).filter((word) => !this.stopWords.has(word));
    if (tokens.length === 0 || tokens.every(isNumber)) return;
    const anchors = tokens.map(
      (token) => tokens.length === 1 || (kind !== 'alias' && token.length >= 3 && !isNumber(token)),
    );
    const phrase: Phrase<T> = { target, text, tokens, anchors };
    for (const token of new Set(tokens)) this.indexToken(token, phrase);
  }

  /** Targets the words name, each with its best phrase; the caller orders them. */
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
  }

  /** Vocabulary words the message contains, exactly or with a forgivable typo. */
  private hits(words: readonly string[]): Map<string, Hit> {
    const hits = new Map<string, Hit>();
    words.forEach((word, i) => {
      if (this.stopWords.has(word)) return;
      this.lookUp(word, [i], hits);
      // "court side" for "courtside", "hoz ier" for "hozier".
      const next = words[i + 1];
      if (next !== undefined && !this.stopWords.has(next)) this.lookUp(word + next, [i, i + 1], hits);
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
  return { target: phrase.target, score: sum / phrase.tokens.length, phrase: phrase.text, positions };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

function wordsAt(words: readonly string[], positions: readonly number[]): string {
  return [...new Set(positions)]
    .sort((a, b) => a - b)
    .map((i) => words[i])
    .join(' ');
}

/** Section lookups for one event: by number ("sec 101") and by words ("courtside"). */
class SectionIndex {
  private readonly phrases = new PhraseIndex<Section>(SECTION_STOP_WORDS);
  private readonly byNumber = new Map<string, Section>();
  private readonly order: Map<Section, number>;

  constructor(event: CatalogEvent) {
    this.order = new Map(event.sections.map((section, i) => [section, i]));
    for (const section of event.sections) this.addSection(section);
  }

  match(text: string): SectionMatch[] {
    const words = normalizeWords(text);
    const found = new Map<Section, SectionMatch>();
    for (const scored of this.phrases.match(words)) {
      found.set(scored.target, { section: scored.target, score: scored.score, matched: wordsAt(words, scored.positions) });
    }
    for (const match of this.numberMatches(text)) {
      const known = found.get(match.section);
      if (!known || match.score > known.score) found.set(match.section, match);
    }
    return [...found.values()].sort((a, b) => b.score - a.score || this.order.get(a.section)! - this.order.get(b.section)!);
  }

  private addSection(section: Section): void {
    if (!isNumber(section.id)) this.phrases.add(section, section.id, 'id');
    this.phrases.add(section, section.name, 'name');
    for (const alias of section.aliases ?? []) this.phrases.add(section, alias, 'alias');
    if (!isSeated(section)) for (const alias of GA_WORDS) this.phrases.add(section, alias, 'alias');
    // "Section 101" is 101 whether its id is "101" or "lower-101".
    const numbers = [section.id, ...normalizeWords(section.name)].filter(isNumber);
    for (const number of numbers) if (!this.byNumber.has(trimZeros(number))) this.byNumber.set(trimZeros(number), section);
  }

  /**
   * Numbers that name a section. Split letters from digits first so "s101"
   * and "sec.101" read as "s 101". A number after "section"/"sec" is surely a
   * section (scores 1.2); a bare one is, unless it reads as a row ("row 12")
   * or, when it is small enough to be one, a quantity ("2 tickets", "4x").
   */
  private numberMatches(text: string): SectionMatch[] {
    const words = text.toLowerCase().match(/\p{L}+|\p{N}+/gu) ?? [];
    const matches: SectionMatch[] = [];
    words.forEach((word, i) => {
      if (!isNumber(word)) return;
      const section = this.byNumber.get(trimZeros(word));
      if (!section) return;
      const before = words[i - 1] ?? '';
      const after = words[i + 1] ?? '';
      if (SECTION_KEYWORDS.has(before)) matches.push({ section, score: 1.2, matched: `${before} ${word}` });
      else if (!NOT_SECTION_BEFORE.has(before) && !(word.length <= 2 && NOT_SECTION_AFTER.has(after))) matches.push({ section, score: 1, matched: word });
    });
    return matches;
  }
}

const trimZeros = (number: string): string => number.replace(/^0+(?=\d)/, '');

/**
 * Finds events and sections in what a customer typed, forgiving case,
 * punctuation and small typos. Build one per catalog and share it.
 */
export class EventFinder {
  private readonly events = new PhraseIndex<CatalogEvent>(STOP_WORDS);
  private readonly startsAt = new Map<CatalogEvent, number>();
  private readonly sectionIndexes = new Map<string, SectionIndex>();

  constructor(catalog: EventCatalog) {
    for (const event of catalog.events()) {
      this.events.add(event, event.id, 'id');
      this.events.add(event, event.name, 'name');
      for (const alias of event.aliases) this.events.add(event, alias, 'alias');
      this.startsAt.set(event, Date.parse(event.startsAt));
      this.sectionIndexes.set(event.id, new SectionIndex(event));
    }
  }

  /**
   * Events the text names that have not started by `now`, best first (equal
   * scores: soonest first). Empty when it names none ("hi", "2 tickets").
   */
  find(text: string, now: Date = new Date()): EventMatch[] {
    const words = normalizeWords(text);
    if (words.length === 0) return [];
    const cutoff = now.getTime();
    return this.events
      .match(words)
      .filter(({ target }) => this.startsAt.get(target)! > cutoff)
      .sort((a, b) => b.score - a.score || this.startsAt.get(a.target)! - this.startsAt.get(b.target)!)
      .map(({ target, score, phrase, positions }) => ({ event: target, score, matched: wordsAt(words, positions), phrase }));
  }

  /** Sections of `event` the text names, best first. */
  findSections(event: CatalogEvent, text: string): SectionMatch[] {
    const index = this.sectionIndexes.get(event.id) ?? new SectionIndex(event);
    return index.match(text);
  }

  /**
   * The one section of `event` the text names: "sec 101", "courtside",
   * "general admission", "courtsde". Undefined when it names none, or two
   * equally well ("bowl" when there are a lower and an upper bowl), so the
   * caller asks instead of guessing.
   */
  findSection(event: CatalogEvent, text: string): Section | undefined {
    const [first, second] = this.findSections(event, text);
    if (!first || (second && second.score === first.score)) return undefined;
    return first.section;
  }
}
