// Answers to what customers ask before they buy: prices, day and time, venue,
// what is left, the event's own facts, its refund policy. A clerk answers and
// goes on with the sale, so each answer is a sentence or two said in front of
// the next question (see BuyTicketsDialog), never the end of the conversation.
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { formatEventTime, formatPrice } from '../src/catalog/describe.js';
import { describeRefundPolicy } from '../src/catalog/refund-policy.js';
import type { SeatStore } from '../src/seats/seat.store.js';
import type { Question } from './message.recognizer.js';

export interface Asked {
  questions: readonly Question[];
  /** The event asked about, or the performances it could be (each is answered). */
  events: readonly CatalogEvent[];
  section?: Section;
}

/** The answer, or undefined when no event is known to answer about. */
export async function answerTo(asked: Asked, seats: SeatStore): Promise<string | undefined> {
  const [event] = asked.events;
  if (!event) return undefined;
  const parts: string[] = [];
  const questions = new Set(asked.questions);
  if (questions.has('when') || questions.has('where') || questions.has('about')) parts.push(whenAndWhere(asked.events));
  if (questions.has('about') && event.description) parts.push(event.description);
  if (questions.has('price')) parts.push(prices(event, asked.section));
  if (questions.has('left')) parts.push(await left(event, seats));
  if (questions.has('refunds')) parts.push(describeRefundPolicy(event));
  return parts.join(' ');
}

/** "Hamilton: Sat Feb 13, 7:30pm or Sun Feb 14, 2pm, at Hollywood Pantages Theatre, Los Angeles." */
function whenAndWhere(events: readonly CatalogEvent[]): string {
  const times = events.map((event) => formatEventTime(event.startsAt)).join(' or ');
  return `${events[0]!.name}: ${times}, at ${events[0]!.venue}.`;
}

/** One section's price, or every section's, cheapest last as the catalog lists them. */
function prices(event: CatalogEvent, section: Section | undefined): string {
  if (section) return `${section.name}: ${formatPrice(section.price, event.currency)} per ticket.`;
  return `Prices per ticket: ${event.sections.map((s) => `${s.name} ${formatPrice(s.price, event.currency)}`).join(', ')}.`;
}

async function left(event: CatalogEvent, seats: SeatStore): Promise<string> {
  const inventory = await seats.inventory(event.id);
  const available = new Map((inventory?.sections ?? []).map((section) => [section.id, section.available]));
  const open = event.sections.filter((section) => (available.get(section.id) ?? 0) > 0);
  if (open.length === 0) return `${event.name} is sold out.`;
  return `Still available: ${open.map((s) => `${s.name} ${formatPrice(s.price, event.currency)} (${available.get(s.id)} left)`).join(', ')}.`;
}
