// A customer who has just been sent a pay link and writes again ("can we do
// 4 instead", "switch me to the balcony", "oops, sunday not friday") is
// changing that order, not starting another. This reads such a message
// against the order it changes and gives the purchase to make instead; the
// purchase itself replaces the old hold only once the new one is secured.
import type { CatalogEvent } from '../src/catalog/catalog.schema.js';
import type { EventCatalog } from '../src/catalog/event-catalog.js';
import { normalize } from '../src/catalog/text.normalizer.js';
import type { Order } from '../src/orders/order.js';
import type { PurchaseDraft } from './buy-tickets.dialog.js';
import { cardinal } from './number-words.js';
import { performancesFitting } from './performances.js';
import { recognize, type EventLookup, type Recognized } from './message.recognizer.js';

/** Words that say a message changes what was just asked for. */
export const CHANGE_WORDS =
  /\b(?:actually|instead|change|switch|swap|move (?:me|us|it)|make (?:it|that)|rather|meant|i mean|oops|sorry|wait|scratch that|on second thought|nvm|never ?mind|not|add|more|less|fewer|can we do|same number)\b/;

const COUNT_WORD = '(\\d{1,2}|one|two|three|four|five|a couple|another)';
/** "add one more", "2 more", "another one", "one less", "minus one". */
const MORE = new RegExp(`\\b(?:add(?: on)?|plus) ${COUNT_WORD}(?: more)?\\b|\\b${COUNT_WORD} more\\b|\\banother (?:one|ticket|person|seat)\\b`);
const FEWER = new RegExp(`\\b${COUNT_WORD} (?:less|fewer)\\b|\\b(?:minus|drop|remove|take off) ${COUNT_WORD}\\b`);

export interface ChangeContext {
  catalog: EventCatalog;
  finder: EventLookup;
  now: Date;
}

/**
 * The purchase a message asks for instead of `open`, or undefined when it is
 * not a change of it: it names another event plainly ("hozier 2 pit" is a
 * second purchase), or changes nothing ("thanks!").
 */
export function changeOfHold(text: string, said: Recognized, open: Order, context: ChangeContext): PurchaseDraft | undefined {
  if (said.intent !== 'buy' && said.intent !== 'unknown') return undefined;
  const normalized = normalize(text);
  const changing = CHANGE_WORDS.test(normalized);
  if ((said.event || said.candidates) && !changing) return undefined;
  const held = context.catalog.event(open.eventId);
  if (!held) return undefined;

  const relative = relativeChange(normalized);
  const again = recognize(relative ? normalized.replace(relative.said, ' ') : normalized, context.finder, context.now, { event: held });
  const draft: PurchaseDraft = { replacing: open.id, eventId: open.eventId, sectionId: open.sectionId, quantity: open.quantity };

  const events = eventOf(again, held, context);
  if (events.length > 1) Object.assign(draft, { eventId: undefined, candidates: events.map((event) => event.id) });
  else if (events[0]) draft.eventId = events[0].id;
  const event = events.length === 1 ? events[0]! : held;
  // Performances of one show share a venue: the section stays if the other one has it.
  if (!event.sections.some((section) => section.id === draft.sectionId)) draft.sectionId = undefined;

  const section = again.section ?? (again.bareNumber !== undefined ? context.finder.findSection(event, String(again.bareNumber)) : undefined);
  if (section && event.sections.includes(section)) draft.sectionId = section.id;
  const quantity = again.quantity ?? (relative ? open.quantity + relative.delta : undefined) ?? (section ? undefined : again.bareNumber);
  if (quantity !== undefined && quantity > 0) draft.quantity = quantity;
  if (again.preference) draft.preference = again.preference;
  if (again.maxPrice !== undefined) draft.maxPrice = again.maxPrice;

  const same = draft.eventId === open.eventId && draft.sectionId === open.sectionId && draft.quantity === open.quantity && !draft.preference && draft.maxPrice === undefined;
  return same ? undefined : draft;
}

/** The events the change is about: one named, the held show's performance the words fit, or the held event itself. */
function eventOf(again: Recognized, held: CatalogEvent, context: ChangeContext): CatalogEvent[] {
  if (again.event) return [again.event];
  if (again.candidates) return again.candidates;
  if (!again.when) return [held];
  const fitting = performancesFitting(context.catalog, held, again.when, context.now);
  return fitting.length > 0 ? fitting : [held];
}

function relativeChange(normalized: string): { said: string; delta: number } | undefined {
  const more = MORE.exec(normalized);
  if (more) return { said: more[0], delta: countOf(more[1] ?? more[2] ?? 'one') };
  const fewer = FEWER.exec(normalized);
  if (fewer) return { said: fewer[0], delta: -countOf(fewer[1] ?? fewer[2] ?? 'one') };
  return undefined;
}

/** "another" is one more. */
function countOf(word: string): number {
  return cardinal(word) ?? 1;
}
