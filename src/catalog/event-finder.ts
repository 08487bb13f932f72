// Finds the event and section a customer means in a free-text message
// ("2 tix lakrs sec 101"). It runs on every inbound message, so everything that
// depends only on the catalog is worked out once, in the constructor; a call
// tokenizes the message and compares its words with a small vocabulary
// (phrase-index.ts does the fuzzy part).
import type { CatalogEvent, Section } from './catalog.schema.js';
import { isSeated } from './catalog.schema.js';
import { COMMON_WORDS } from './common-words.js';
import type { EventCatalog } from './event-catalog.js';
import { isNumber, normalizeWords, PhraseIndex } from './phrase-index.js';

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
  /** What matched is a hint (a word of the description or venue), not a name. */
  hint: boolean;
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
const SAYS_GENERAL_ADMISSION = /\b(?:ga|general admission|general|standing)\b/i;

/**
 * The sections "general admission" and "standing" mean: the standing ones,
 * or, where several stand and some say which is general admission ("Dance
 * Floor (General Admission)" beside a "VIP Lounge"), only those.
 */
function generalAdmissionOf(event: CatalogEvent): Set<Section> {
  const standing = event.sections.filter((section) => !isSeated(section));
  const saying = standing.filter((section) => SAYS_GENERAL_ADMISSION.test(`${section.id} ${section.name}`));
  return new Set(saying.length > 0 ? saying : standing);
}

/** "200s", "300 level": a hundred of section numbers. */
const HUNDREDS = /^([1-9])00$/;
const HUNDREDS_AFTER: ReadonlySet<string> = new Set(['s', 'level', 'levels', 'sections']);

/** The message words at `positions`, in order: what the customer typed that matched. */
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
    const generalAdmission = generalAdmissionOf(event);
    for (const section of event.sections) this.addSection(section, generalAdmission.has(section));
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

  private addSection(section: Section, generalAdmission: boolean): void {
    addSectionWords(this.phrases, section, generalAdmission);
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
      const hundreds = HUNDREDS.exec(word);
      // "the 200s", "200 level": every section numbered in that hundred, equally.
      if (hundreds && HUNDREDS_AFTER.has(words[i + 1] ?? '')) {
        for (const [number, section] of this.byNumber) if (number.length === 3 && number[0] === hundreds[1]) matches.push({ section, score: 0.9, matched: word });
        return;
      }
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

/**
 * Words a customer may use for an event without its name: each word of its
 * description (support acts, "comedy") and venue ("the forum"), and the
 * everyday word for its league or genre ("hockey" for the NHL).
 */
function hintsOf(event: CatalogEvent): string[] {
  // The venue's own name, not its city ("Los Angeles" is every venue's); and
  // no word of the event's names, whose words alone are kept from anchoring
  // on purpose ("golden" of "golden state").
  const [venue, ...city] = event.venue.split(',');
  const named = new Set(normalizeWords([event.name, ...event.aliases, ...city].join(' ')));
  const words = normalizeWords(`${event.description ?? ''} ${venue!}`).filter(
    (word) => word.length >= 3 && !isNumber(word) && !named.has(word) && !COMMON_WORDS.has(word),
  );
  const kinds = Object.entries(KIND_WORDS).filter(([word]) => words.includes(word)).flatMap(([, kind]) => kind);
  return [...new Set([...words, ...kinds])];
}
const KIND_WORDS: Readonly<Record<string, readonly string[]>> = {
  nhl: ['hockey'],
  nba: ['basketball', 'bball', 'hoops'],
  mls: ['soccer', 'futbol', 'football'],
  nfl: ['football'],
  mlb: ['baseball'],
  comedy: ['comedy', 'comedian', 'standup', 'stand up'],
  musical: ['broadway', 'theatre', 'theater'],
  illusionists: ['magic', 'magician', 'magicians'],
};

/** A section's id, name and aliases (and, for a general-admission one, the words they all answer to) into `phrases`. */
function addSectionWords(phrases: PhraseIndex<Section>, section: Section, generalAdmission: boolean): void {
  if (!isNumber(section.id)) phrases.add(section, section.id, 'id');
  phrases.add(section, section.name, 'name');
  for (const alias of section.aliases ?? []) phrases.add(section, alias, 'alias');
  if (generalAdmission) for (const alias of GA_WORDS) phrases.add(section, alias, 'alias');
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
  /** Every event's section names and aliases in one index, for telling known words from unknown ones. */
  private readonly sectionVocabulary = new PhraseIndex<Section>(SECTION_STOP_WORDS);

  constructor(catalog: EventCatalog) {
    for (const event of catalog.events()) {
      this.events.add(event, event.id, 'id');
      this.events.add(event, event.name, 'name');
      for (const alias of event.aliases) this.events.add(event, alias, 'alias');
      for (const hint of hintsOf(event)) this.events.add(event, hint, 'hint');
      this.startsAt.set(event, Date.parse(event.startsAt));
      this.sectionIndexes.set(event.id, new SectionIndex(event));
      for (const section of event.sections) addSectionWords(this.sectionVocabulary, section, !isSeated(section));
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
      .map(({ target, score, phrase, positions, hint }) => ({ event: target, score, matched: wordsAt(words, positions), phrase, hint }));
  }

  /**
   * Words of the text that neither the catalog (events, hints, sections) nor
   * `common` knows: what a customer calls something that is not on sale
   * ("coldplay", "celtics", "chappelle").
   */
  unknownWords(text: string, common: ReadonlySet<string>): string[] {
    return normalizeWords(text).filter(
      (word) =>
        word.length >= 3 &&
        !isNumber(word) &&
        !SECTION_STOP_WORDS.has(word) &&
        !common.has(word) &&
        !this.events.knows(word) &&
        !this.sectionVocabulary.knows(word),
    );
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

  /**
   * The sections of `event` the text names equally well, when it names more
   * than one ("lower level", "the 200s"): what to choose among. Empty when it
   * names one or none.
   */
  sectionsNamedAlike(event: CatalogEvent, text: string): Section[] {
    const matches = this.findSections(event, text);
    const best = matches[0]?.score;
    const tied = matches.filter((match) => match.score === best).map((match) => match.section);
    return tied.length > 1 ? tied : [];
  }
}
