// Answers to what customers ask before they buy: prices, day and time, venue,
// what is left, the event's own facts, its refund policy. A clerk answers and
// goes on with the sale, so each answer is a sentence or two said in front of
// the next question (see BuyTicketsDialog), never the end of the conversation.
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { formatPrice } from '../src/catalog/describe.js';
import { describeRefundPolicy } from '../src/catalog/refund-policy.js';
import type { SeatStore } from '../src/seats/seat.store.js';
import type { Question } from './message.recognizer.js';
import type { Replies } from './replies.js';

export interface Asked {
  questions: readonly Question[];
  /** The event asked about, or the performances it could be (each is answered). */
  events: readonly CatalogEvent[];
  section?: Section;
}

/** The answer, or undefined when no event is known to answer about. */
export async function answerTo(asked: Asked, seats: SeatStore, replies: Replies): Promise<string | undefined> {
  const [event] = asked.events;
  if (!event) return undefined;
  const parts: string[] = [];
  const questions = new Set(asked.questions);
  if (questions.has('when') || questions.has('where') || questions.has('about')) parts.push(replies.answerWhenWhere(event.name, asked.events.map((each) => replies.eventTimes(each)), event.venue));
  if (questions.has('about') && event.description) parts.push(event.description);
  if (questions.has('price')) parts.push(prices(event, asked.section, replies));
  if (questions.has('left')) parts.push(await left(event, seats, replies));
  if (questions.has('refunds')) parts.push(describeRefundPolicy(event));
  return parts.join(' ');
}

/** One section's price, or every section's, cheapest last as the catalog lists them. */
function prices(event: CatalogEvent, section: Section | undefined, replies: Replies): string {
  if (section) return replies.answerPrice(replies.sectionName(section), formatPrice(section.price, event.currency));
  return replies.answerPrices(event.sections.map((s) => `${replies.sectionName(s)} ${formatPrice(s.price, event.currency)}`));
}

async function left(event: CatalogEvent, seats: SeatStore, replies: Replies): Promise<string> {
  const inventory = await seats.inventory(event.id);
  const available = new Map((inventory?.sections ?? []).map((section) => [section.id, section.available]));
  const open = event.sections.filter((section) => (available.get(section.id) ?? 0) > 0);
  if (open.length === 0) return replies.answerSoldOut(event.name);
  return replies.answerLeft(open.map((s) => ({ name: replies.sectionName(s), price: formatPrice(s.price, event.currency), left: available.get(s.id)! })));
}
