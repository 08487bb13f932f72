// Plays the customer corpus (conversations.json, written from the customers'
// side without reading the bot's code) through the real dialogs, on SMS and on
// chat, against the real commerce layer over Redis and the demo checkout, and
// says for each conversation whether the bot ended where a good box-office
// clerk would have: the right hold, the right question, the right answer.
//
// The judgement below reads what a customer would notice (the open holds of
// their orders, the words of the last reply), never the bot's internals.
import { readFileSync } from 'node:fs';
import type { TurnContext } from 'botbuilder';
import type { DialogTestClient } from 'botbuilder-testing';
import { dialogClient } from '../support/dialog-client.js';
import { pino } from 'pino';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import type { CatalogEvent } from '../../src/catalog/catalog.schema.js';
import type { EventCatalog } from '../../src/catalog/event-catalog.js';
import { loadConfig } from '../../src/config.js';
import type { Order } from '../../src/orders/order.js';
import { createFoundation, type Foundation } from '../../src/roles/foundation.js';
import { createWebServices, type WebServices } from '../../src/roles/web.services.js';
import { shown } from '../support/shown-reply.js';
import type { RedisTarget } from '../../src/redis/redis.client.js';

export type Category = 'performance' | 'party-size' | 'event-names' | 'sections' | 'corrections' | 'questions' | 'refusals' | 'spanish' | 'plain';

export type Expectation =
  | { hold: { event: string; section: string; quantity: number } }
  | { asks: 'which_event'; among: string[] }
  | { asks: 'how_many' | 'which_section' }
  | { asks: 'did_you_mean'; event: string }
  | { answers: string[] }
  | { not_on_sale: true };

export interface CorpusConversation {
  id: string;
  category: Category;
  catalog: 'sample' | 'venue';
  turns: string[];
  expect: Expectation;
  language?: 'es';
}

export type Channel = 'sms' | 'chat';

export interface CorpusResult {
  conversation: CorpusConversation;
  channel: Channel;
  right: boolean;
  /** Why not, for the report. */
  why?: string;
  /** A single complete message that got a pay link in one turn. */
  linkInOneTurn: boolean;
  /** An ambiguous request (two performances) that was held anyway. */
  wrongPerformanceHeld: boolean;
  transcript: string[];
}

/** The clocks the corpus was written against (see its authoring notes in docs/understanding-customers.md). */
export const CLOCKS = {
  sample: new Date('2026-11-23T12:00:00-08:00'),
  venue: new Date('2026-12-01T10:00:00-08:00'),
} as const;

const CATALOG_FILES = {
  sample: new URL('../../catalog/sample-events.json', import.meta.url),
  venue: new URL('./venue-catalog.json', import.meta.url),
} as const;

export function loadConversations(): CorpusConversation[] {
  return JSON.parse(readFileSync(new URL('./conversations.json', import.meta.url), 'utf8')) as CorpusConversation[];
}

interface Office {
  foundation: Foundation;
  services: WebServices;
  catalog: EventCatalog;
}

/** Plays every conversation on both channels, one at a time, and judges each. */
export async function runCorpus(redis: RedisTarget, conversations = loadConversations()): Promise<CorpusResult[]> {
  const offices = {
    sample: startOffice('sample', redis),
    venue: startOffice('venue', redis),
  };
  const results: CorpusResult[] = [];
  try {
    let n = 0;
    for (const conversation of conversations) {
      for (const channel of ['sms', 'chat'] as const) {
        results.push(await play(offices[conversation.catalog], conversation, channel, (n += 1)));
      }
    }
  } finally {
    await Promise.all(Object.values(offices).map((office) => office.foundation.close()));
  }
  return results;
}

function startOffice(which: 'sample' | 'venue', redis: RedisTarget): Office {
  const now = CLOCKS[which];
  const catalog = loadCatalog(CATALOG_FILES[which].pathname, now);
  const prefix = `corpus-${which}-${process.pid}-${Date.now()}:`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://tickets.example.test' });
  const foundation = createFoundation({ config, log: pino({ level: 'silent' }), catalog, redis, keyPrefix: prefix, queuePrefix: prefix });
  return { foundation, services: createWebServices(foundation, { now: () => now }), catalog };
}

async function play(office: Office, conversation: CorpusConversation, channel: Channel, n: number): Promise<CorpusResult> {
  const user = channel === 'sms' ? `+1555${String(n).padStart(7, '0')}` : `corpus-user-${n}`;
  // Each conversation is a customer of its own: the test adapter's one user, renamed on the way in.
  const asCustomer = { onTurn: async (context: TurnContext, next: () => Promise<void>) => {
    context.activity.from = { id: user, name: user };
    await next();
  } };
  const client = dialogClient(channel === 'sms' ? 'sms' : 'webchat', office.services.dialog, [asCustomer]);
  const transcript: string[] = [];
  const replies: string[] = [];
  let failure: string | undefined;
  let repliesToFirst = '';
  for (const [index, text] of conversation.turns.entries()) {
    let seen = '';
    try {
      const answers: string[] = [];
      for (let reply = await client.sendActivity(text); reply; reply = client.getNextReply()) answers.push(shown(reply));
      seen = answers.join('\n');
    } catch (err) {
      failure = `the bot failed on "${text}": ${(err as Error).message}`;
    }
    if (index === 0) repliesToFirst = seen;
    replies.push(seen);
    transcript.push(`> ${text}`, seen.replace(/^/gm, '  '));
    if (failure) break;
  }
  const open = await openOrders(office, channel, user);
  const verdict = failure ?? judge(conversation, office.catalog, open, replies);
  await release(office, open);
  const held = open[0];
  const ambiguous = 'asks' in conversation.expect && conversation.expect.asks === 'which_event';
  return {
    conversation,
    channel,
    right: verdict === undefined,
    ...(verdict ? { why: verdict } : {}),
    linkInOneTurn: conversation.turns.length === 1 && 'hold' in conversation.expect && verdict === undefined && /\/(p|demo\/checkout)\//.test(repliesToFirst),
    wrongPerformanceHeld: ambiguous && held !== undefined && (conversation.expect as { among: string[] }).among.includes(held.eventId),
    transcript,
  };
}

/** The customer's orders still holding seats: what a customer would see under STATUS as waiting for payment. */
async function openOrders(office: Office, channel: Channel, user: string): Promise<Order[]> {
  const address = channel === 'sms' ? user : `webchat:${user}`;
  const orders = await office.foundation.commerce.orders.listByCustomer(channel, address);
  return orders.filter((order) => order.state === 'held' || order.state === 'awaiting_payment');
}

/** Gives the seats back, so a thousand conversations never run a section dry. */
async function release(office: Office, orders: Order[]): Promise<void> {
  for (const order of orders) await office.foundation.commerce.seats.release(order.eventId, order.id);
}

/** Undefined when the conversation ended where it should have; else what went wrong. */
export function judge(conversation: CorpusConversation, catalog: EventCatalog, open: Order[], replies: string[]): string | undefined {
  const last = replies.at(-1) ?? '';
  const expectation = conversation.expect;
  if (conversation.language === 'es') {
    const english = replies.findIndex((reply) => !readsAsSpanish(reply, catalog));
    if (english >= 0) return `reply ${english + 1} is not in Spanish`;
  }
  if ('hold' in expectation) {
    const want = expectation.hold;
    if (open.length !== 1) return `expected one hold of ${want.quantity} in ${want.event}/${want.section}, found ${open.length}${describe(open)}`;
    const got = open[0]!;
    if (got.eventId !== want.event || got.sectionId !== want.section || got.quantity !== want.quantity) {
      return `expected ${want.quantity} in ${want.event}/${want.section}, held ${got.quantity} in ${got.eventId}/${got.sectionId}`;
    }
    return undefined;
  }
  if (open.length > 0) return `expected nothing held, found${describe(open)}`;
  if ('answers' in expectation) {
    const missing = expectation.answers.filter((fact) => !last.toLowerCase().includes(fact.toLowerCase()));
    return missing.length ? `the answer lacks ${missing.join(', ')}` : undefined;
  }
  if ('not_on_sale' in expectation) return NOT_ON_SALE.test(last) ? undefined : 'not told it is not on sale';
  switch (expectation.asks) {
    case 'which_event': {
      const unnamed = expectation.among.filter((id) => !mentions(last, catalog.event(id)));
      return unnamed.length ? `the question does not offer ${unnamed.join(', ')}` : asksSomething(last);
    }
    case 'how_many':
      return HOW_MANY.test(last) ? undefined : 'not asked how many';
    case 'which_section':
      return WHICH_SECTION.test(last) ? asksSomething(last) : 'not asked which section';
    case 'did_you_mean': {
      const event = catalog.event(expectation.event);
      return event && last.toLowerCase().includes(event.name.split(/[:(]/)[0]!.trim().toLowerCase()) ? asksSomething(last) : `not asked about ${expectation.event}`;
    }
  }
}

const NOT_ON_SALE = /not on sale|n[o']t sell|don'?t have|do not have|isn'?t (on|for) sale|no tenemos|no (est[aá]|se vende)[^.]*venta|no vendemos/i;
const HOW_MANY = /how many|cu[aá]nt[oa]s/i;
const WHICH_SECTION = /section|seats|secci[oó]n|zona|asientos/i;

function asksSomething(reply: string): string | undefined {
  return /\?|\[\d\]|^\d[.)]/m.test(reply) ? undefined : 'no question asked';
}

const MONTHS_EN = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_ES = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];

/** The reply names the event's date (day and month, in English or Spanish), which is what tells two performances apart. */
function mentions(reply: string, event: CatalogEvent | undefined): boolean {
  if (!event) return false;
  const month = Number(event.startsAt.slice(5, 7)) - 1;
  const day = Number(event.startsAt.slice(8, 10));
  const text = reply.toLowerCase();
  return (
    new RegExp(`\\b${MONTHS_EN[month]}\\w*\\.? ${day}\\b`).test(text) ||
    new RegExp(`\\b${day}(?: de)? ${MONTHS_ES[month]}`).test(text)
  );
}

const SPANISH = /\b(hola|boletos?|entradas?|cu[aá]nt[oa]s|secci[oó]n|para|pagar|gracias|quieres|tenemos|evento|asientos|reservad[oa]s?|los|las|el|de|que|por)\b/gi;
const ENGLISH = /\b(the|tickets?|which|how|section|pay|thanks|would|you|your|for|what|event|seats?|holding)\b/gi;

/**
 * More Spanish words than English ones: a reply a Spanish-speaking customer
 * could read. Events' and venues' names are proper names, said as they are in
 * any language ("The Illusionists: Magic of the Holidays"), so they are not
 * counted either way.
 */
function readsAsSpanish(reply: string, catalog: EventCatalog): boolean {
  const said = catalog.events().reduce((text, event) => text.split(event.name).join(' ').split(event.venue).join(' '), reply);
  const spanish = said.match(SPANISH)?.length ?? 0;
  const english = said.match(ENGLISH)?.length ?? 0;
  return spanish > english;
}

function describe(orders: Order[]): string {
  return orders.length ? `: ${orders.map((order) => `${order.quantity} in ${order.eventId}/${order.sectionId}`).join('; ')}` : '';
}

export interface CorpusFigures {
  /** Per category, then 'all': share right on each channel. */
  rows: Array<{ category: Category | 'all'; conversations: number; sms: number; chat: number }>;
  /** Complete single messages that got a link in their one turn, of those expected to. */
  linkInOneTurn: { share: number; of: number };
  /** Holds of one of two candidate performances when the message could not tell them apart. */
  wrongPerformanceHolds: number;
}

export function figures(results: CorpusResult[]): CorpusFigures {
  const categories = [...new Set(results.map((result) => result.conversation.category))].sort();
  const share = (list: CorpusResult[], channel: Channel) => {
    const mine = list.filter((result) => result.channel === channel);
    return mine.length ? mine.filter((result) => result.right).length / mine.length : 0;
  };
  const row = (category: Category | 'all', list: CorpusResult[]) => ({ category, conversations: list.length / 2, sms: share(list, 'sms'), chat: share(list, 'chat') });
  const complete = results.filter((result) => result.conversation.turns.length === 1 && 'hold' in result.conversation.expect);
  return {
    rows: [...categories.map((category) => row(category, results.filter((result) => result.conversation.category === category))), row('all', results)],
    linkInOneTurn: { share: complete.length ? complete.filter((result) => result.linkInOneTurn).length / complete.length : 0, of: complete.length / 2 },
    wrongPerformanceHolds: results.filter((result) => result.wrongPerformanceHeld).length,
  };
}

/** The figures as docs/understanding-customers.md shows them. */
export function figuresTable(f: CorpusFigures): string {
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const lines = ['| category | conversations | right on SMS | right on chat |', '| --- | --- | --- | --- |'];
  for (const row of f.rows) lines.push(`| ${row.category} | ${row.conversations} | ${pct(row.sms)} | ${pct(row.chat)} |`);
  lines.push('', `Complete single messages answered with a pay link in one turn: ${pct(f.linkInOneTurn.share)} of ${f.linkInOneTurn.of}.`);
  lines.push(`Ambiguous requests held as one of the performances anyway: ${f.wrongPerformanceHolds}.`);
  return lines.join('\n');
}
