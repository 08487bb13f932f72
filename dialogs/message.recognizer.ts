import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { parseOrderId } from '../src/orders/order-id.js';

/** What a customer's message is about, as far as one message can tell. */
export type Intent = 'buy' | 'status' | 'help' | 'leave' | 'restart' | 'upgrade' | 'greeting' | 'yes' | 'no' | 'unknown';

export interface Recognized {
  intent: Intent;
  /** Party size, when the message ties a number to tickets ("2 tix", "a pair", "x3"). */
  quantity?: number;
  /** A message that is only a number ("2", "two"): a choice or a quantity, as the question decides. */
  bareNumber?: number;
  event?: CatalogEvent;
  section?: Section;
  preference?: 'cheapest' | 'best';
  /** Most the customer wants to pay per ticket, in minor units ("under $100" → 10000). */
  maxPrice?: number;
  orderId?: string;
}

/** The catalog lookups the recognizer needs (EventFinder provides them). */
export interface EventLookup {
  find(text: string): Array<{ event: CatalogEvent }>;
  findSection(event: CatalogEvent, text: string): Section | undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, single: 1, two: 2, pair: 2, couple: 2, three: 3, four: 4, five: 5, six: 6,
  seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const TICKET_WORDS = '(?:tickets?|tix|tkts?|tckts?|seats?|spots?|passes|pass|ppl|people|of us)';
const NUMBER = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;

const PATTERNS = {
  leave: /^(?:cancel|exit|never ?mind|nvm|forget (?:it|that)|abort|no thanks?)$/,
  restart: /^(?:restart|start over|menu|main menu|begin again|reset)$/,
  help: /^(?:help|info|\?+|what can (?:you|i) do\??|how does this work\??)$/,
  greeting: /^(?:hi+|hello+|hey+|yo|hiya|howdy|good (?:morning|afternoon|evening)|sup|start)$/,
  yes: /^(?:y|ya|yes+|yep|yeah|yup|sure|ok(?:ay)?|k|confirm|go|do it|sounds good|please|yes please)$/,
  no: /^(?:n|no+|nope|nah)$/,
  status: /\b(?:status|my (?:tickets?|order|orders|tix|seats)|where(?:'?s| are| is) my|did i (?:pay|buy|get))\b/,
  upgrade: /\b(?:upgrade|better seats?|move (?:me )?(?:closer|up)|closer seats?)\b/,
  buy: new RegExp(`\\b(?:buy|book|get|want|need|${TICKET_WORDS.slice(3, -1)})\\b`),
  cheapest: /\b(?:cheapest|cheap|lowest|least expensive|budget|inexpensive)\b/,
  best: /\b(?:best|closest|premium|front|nicest|good seats)\b/,
};

/**
 * Reads one customer message: intent, party size, event, section, price cap.
 * Deterministic and allocation-light: it runs on every inbound text.
 */
export function recognize(text: string, lookup: EventLookup): Recognized {
  const normalized = normalize(text);
  const whole = matchWholeMessage(normalized);
  if (whole) return whole;

  const result: Recognized = { intent: 'unknown' };
  const orderId = parseOrderId(text);
  if (orderId) return { intent: 'status', orderId };
  if (PATTERNS.status.test(normalized)) return { intent: 'status' };
  if (PATTERNS.upgrade.test(normalized)) result.intent = 'upgrade';

  const bare = bareNumber(normalized);
  if (bare !== undefined) return { intent: 'unknown', bareNumber: bare };

  result.quantity = quantityIn(normalized);
  result.maxPrice = maxPriceIn(normalized);
  if (PATTERNS.cheapest.test(normalized)) result.preference = 'cheapest';
  else if (PATTERNS.best.test(normalized)) result.preference = 'best';

  const event = lookup.find(normalized)[0]?.event;
  if (event) {
    result.event = event;
    result.section = lookup.findSection(event, normalized);
  }
  if (result.intent === 'unknown' && (event || result.quantity || PATTERNS.buy.test(normalized))) result.intent = 'buy';
  return prune(result);
}

/** Lower case, straight quotes, no emoji or stray symbols, single spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}$'?.\- ]+/gu, ' ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function matchWholeMessage(normalized: string): Recognized | undefined {
  const bare = normalized.replace(/[!?.]+$/, '').trim();
  for (const intent of ['leave', 'restart', 'help', 'greeting', 'yes', 'no'] as const) {
    if (PATTERNS[intent].test(bare) || (intent === 'help' && PATTERNS.help.test(normalized))) return { intent };
  }
  return undefined;
}

function bareNumber(normalized: string): number | undefined {
  const match = /^(?:#|no\.? ?|number |option )?(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)$/.exec(normalized);
  if (!match) return undefined;
  return toNumber(match[1]!);
}

function quantityIn(normalized: string): number | undefined {
  const patterns = [
    new RegExp(`\\b${NUMBER} (?:more |x )?(?:\\w+ )?${TICKET_WORDS}\\b`),
    new RegExp(`\\b(?:a |the )?(pair|couple)\\b`),
    new RegExp(`\\b(?:x ?|party of |for )(\\d{1,3}|${Object.keys(NUMBER_WORDS).filter((w) => w.length > 2).join('|')})\\b(?! ?(?:pm|am|dollars|bucks|\\$))`),
    new RegExp(`^${NUMBER} (?:for|to|at|in)\\b`),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(normalized);
    if (match && !isSectionNumber(normalized, match.index)) {
      const value = toNumber(match[1]!);
      if (value !== undefined && value > 0) return value;
    }
  }
  return undefined;
}

/** "sec 101 2 seats": the 101 belongs to the section, not the party. */
function isSectionNumber(normalized: string, index: number): boolean {
  return /\b(?:sec|section|sect|row)\s*$/.test(normalized.slice(0, index));
}

function maxPriceIn(normalized: string): number | undefined {
  const match =
    /\b(?:under|below|less than|max(?:imum)?|up to|no more than|<)\s*\$?\s*(\d{1,6}(?:\.\d{1,2})?)/.exec(normalized) ??
    /\$\s*(\d{1,6}(?:\.\d{1,2})?)\s*(?:max|or less|tops)\b/.exec(normalized) ??
    /\b(\d{1,6})\s*(?:dollars|bucks)\s*(?:max|or less|tops)\b/.exec(normalized);
  return match ? Math.round(Number(match[1]) * 100) : undefined;
}

function toNumber(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token];
}

function prune(result: Recognized): Recognized {
  for (const key of Object.keys(result) as Array<keyof Recognized>) {
    if (result[key] === undefined) delete result[key];
  }
  return result;
}
