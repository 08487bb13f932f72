// Reads one customer message (an SMS or a chat line) into an intent and the
// purchase details it carries. It runs on every inbound message and at every
// dialog step, so it is deterministic and cheap: every pattern below is
// compiled once, at module load, and a call does a handful of regex tests plus
// one catalog lookup. Which event and section a message names is the
// EventFinder's job (typos, aliases); this file reads everything else.
import type { CatalogEvent, Section } from '../src/catalog/catalog.schema.js';
import { eventsFitting, readWhen, venueOffset, type When } from '../src/catalog/event-when.js';
import { MAX_MESSAGE_CHARS, normalize } from '../src/catalog/text.normalizer.js';
import { parseOrderId } from '../src/orders/order-id.js';
import { editDistance, normalizeWords } from '../src/catalog/phrase-index.js';
import { COMMON_WORDS } from '../src/catalog/common-words.js';
import { numberOf } from './number-words.js';
import { partyFromPeople } from './party-size.js';
import { readTransfer, type TransferRequest } from './transfer-request.js';

/** What a customer's message is about, as far as one message can tell. */
/** 'cancel_order': give back an order, paid or not ("cancel BX-7K2Q", "i want a refund"). */
/**
 * 'transfer': give tickets to someone by their phone number ("send 1 ticket to +1 206 555 0100").
 * 'my_card' / 'forget_card': which card is saved for paying by reply; remove it.
 */
export type Intent =
  | 'buy' | 'status' | 'cancel_order' | 'help' | 'leave' | 'restart' | 'upgrade' | 'transfer' | 'my_card' | 'forget_card' | 'greeting' | 'yes' | 'no' | 'unknown';

export interface Recognized {
  intent: Intent;
  /** Party size, when the message ties a number to tickets ("2 tix", "a pair", "x3"). */
  quantity?: number;
  /** A message that is only a number ("2", "two", "option 3"): a choice or a quantity, as the question decides. */
  bareNumber?: number;
  event?: CatalogEvent;
  /**
   * Instead of `event`: the message fits several events equally (two
   * performances of a show, two games of a team) and says nothing that tells
   * them apart. Soonest first. The customer must be asked which.
   */
  candidates?: CatalogEvent[];
  /**
   * Instead of `event`: the events the message names, none of which is on the
   * day or at the time it says ("kings game next tuesday"). Soonest first.
   */
  notThen?: CatalogEvent[];
  /** What the message says about the day and time, if anything. */
  when?: When;
  /** With `event`, or with `candidates` that all have it: a section number or name means nothing without its event. */
  section?: Section;
  /** Instead of `section`: the sections the words name alike ("lower level", "the 200s"), to choose among. */
  sectionChoices?: Section[];
  preference?: 'cheapest' | 'best';
  /** Most the customer wants to pay per ticket, in minor units ("under $100" → 10000). */
  maxPrice?: number;
  orderId?: string;
  /**
   * Instead of `event`: what the customer named that is not on sale, in their
   * words ("celtics", "john mayer"), or '' when it cannot be quoted.
   */
  notOnSale?: string;
  /** Instead of `event`: a name close to this event's but not close enough to sell it without asking. */
  didYouMean?: CatalogEvent;
  /** What the customer asks about the event rather than buys: answered, and the purchase goes on. */
  questions?: Question[];
  /** With intent 'transfer': to whom and how many. */
  transfer?: TransferRequest;
}

/**
 * 'price': what seats cost; 'when' and 'where': day, time and venue; 'left':
 * what is still available; 'about': the event's own facts (running time,
 * doors, ages); 'refunds': its refund policy.
 */
export type Question = 'price' | 'when' | 'where' | 'left' | 'about' | 'refunds';

/** "what ...", "is it ...", "illusionists matinee whats the cheapest", or a question mark: a question, not an order. */
const QUESTION_FORM =
  /\?|^(?:(?:hi|hey|hello|ok|so|quick question)\s+)*(?:what|whats|when|whens|where|wheres|how|hows|is|are|does|do|can|could|which|any)\b|\b(?:whats|what is|what are|how much|wheres|where is)\b/;
const QUESTION_TOPICS: ReadonlyArray<readonly [Question, RegExp]> = [
  ['refunds', /\b(?:refund policy|refunds? (?:on|for)\b.*\bif\b|get a refund on\b|refundable|can i get my money back if)\b/],
  ['price', /\b(?:how much|price|prices|pricing|priced|cost|costs|cheapest|expensive|difference in price)\b/],
  ['left', /\b(?:whats left|what is left|what seats|seats left|left for|available|availability|what do you have|what have you got)\b/],
  ['when', /\b(?:what time|when|whens|start|starts|begin|begins|puck drop|kick ?off|tip ?off)\b/],
  ['where', /\b(?:where|wheres|venue|location|address|which (?:arena|stadium|theatre|theater))\b/],
  ['about', /\b(?:how long|run|runs|running time|doors|age|ages|yo|years old|21 plus|18 plus|old enough|ok for|kids allowed|difference between)\b/],
];

type EventMatches = ReturnType<EventLookup['find']>;

/** The catalog lookups the recognizer needs (EventFinder provides them). */
export interface EventLookup {
  /** Events the text names that have not started by `now` (default: the clock), best first; equal scores are equally good. */
  find(text: string, now?: Date): Array<{ event: CatalogEvent; score: number; matched?: string; phrase?: string; hint?: boolean }>;
  findSection(event: CatalogEvent, text: string): Section | undefined;
  /** Sections the text names equally well, when more than one (EventFinder.sectionsNamedAlike). */
  sectionsNamedAlike(event: CatalogEvent, text: string): Section[];
  /** Words the catalog does not know, beside the `common` ones (EventFinder.unknownWords). */
  unknownWords(text: string, common: ReadonlySet<string>): string[];
}

// ---------------------------------------------------------------------------
// Normalizing: normalize() itself is shared with the EventFinder
// (src/catalog/text.normalizer.ts), so both read a message the same way.

/**
 * The message without what does not change its meaning: question marks,
 * "please"/"thanks" at the end, "ok"/"um" at the start. Used for the
 * whole-message checks, so "cancel pls", "ok 2" and "yes please" read as
 * "cancel", "2" and "yes".
 */
function stripFillers(normalized: string): string {
  return normalized.replace(QUESTION_MARKS, ' ').replace(TRAILING_FILLER, '').replace(LEADING_FILLER, '').replace(SPACES, ' ').trim();
}
const QUESTION_MARKS = /\?+/g;
const SPACES = /\s+/g;
const TRAILING_FILLER = /(?: +(?:please|pls|plz|pleas|thanks|thank you|thx|ty|lol|mate|bro|now))+ *$/;
// The lookahead keeps "ok" itself: alone, it is a yes.
const LEADING_FILLER = /^(?:(?:ok|okay|oh|um+|uh+|so|well|hm+|actually|just) +)+(?=\S)/;

// ---------------------------------------------------------------------------
// Intents

const YES_WORDS =
  'y|ya|yah|ye|yea|yeah|yes+|yep|yup|yas+|sure|sure thing|of course|ok|okay|k|kk|confirm|confirmed|go|go ahead|do it|' +
  'sounds good|that works|perfect|great|absolutely|definitely|correct|right|please|book it|lets do it|lets go|deal|alright|affirmative';
const NO_WORDS = 'n|no+|nope|nah+|no thanks|no thank you|not really|not now|not yet|negative|no way|nay|not interested|im good';

/** Messages that are one command and nothing else, tested against the filler-free text. */
const WHOLE_MESSAGE: ReadonlyArray<readonly [Intent, RegExp]> = [
  // On SMS, Twilio acts on STOP/QUIT/CANCEL itself (opt-out); a "stop" that
  // reaches us from chat means leave this purchase.
  ['leave', /^(?:cancel(?: (?:it|that|this|purchase|the purchase|order))?|exit|quit|stop|abort|leave|never ?mind|nvm|forget (?:it|that|about it)|im done)$/],
  ['restart', /^(?:restart|start (?:over|again)|menu|main menu|reset|(?:go )?back to (?:the )?(?:menu|start))$/],
  ['help', /^(?:help|help me|info|information|what can (?:you|i) do|what do you do|how does (?:this|it) work|how do i use (?:this|it)|commands|options|what are my options|huh|what)$/],
  // "start" is Twilio's opt-in keyword: someone who sends it is saying hello again.
  ['greeting', /^(?:h+i+|h+e+l+o+|hey+|hey there|hi there|hello there|yo|hiya|howdy|hola|sup|whats up|wassup|good (?:morning|afternoon|evening|day)|greetings|start)$/],
  ['yes', new RegExp(`^(?:${YES_WORDS})(?: (?:${YES_WORDS}))*$`)],
  ['no', new RegExp(`^(?:${NO_WORDS})(?: (?:${NO_WORDS}))*$`)],
];
const QUESTION_ONLY = /^\?+$/;
/** "forget my card", "delete my saved card", "borra mi tarjeta": remove the card kept for paying by reply. */
const FORGET_CARD = /\b(?:forget|remove|delete|erase|stop saving|borra|borrar|olvida|olvidar|elimina|eliminar|quita|quitar)\b.*\b(?:my|mi)\b.*\b(?:card|tarjeta)\b/;
/** "my card", "which card do you have on file", "que tarjeta tienen": which card is kept. */
const WHICH_CARD = /^(?:my card|mi tarjeta|card on file|(?:which|what|que) (?:card|tarjeta)\b.*\b(?:have|saved|on file|charge|use|tienen|guardada|usan)\b.*?) ?\??$/;

// The same commands inside a longer message. Leaving and starting over win
// over purchase details: "cancel, not doing lakers anymore" means leave.
const LEAVE_ANYWHERE = /\b(?:cancel|exit|quit|never ?mind|nvm|forget (?:it|that|about it))\b/;
/** "nvm 2", "never mind, make it 3": the customer changes a detail, not leaves. */
const CHANGED_MIND = /\b(?:nvm|never ?mind|forget (?:it|that))\b.*\b(?:\d{1,4}|one|two|three|four|five|six|seven|eight)\b/;
const RESTART_ANYWHERE = /\b(?:restart|start (?:over|again)|main menu)\b/;
// Help in a sentence loses to purchase details: "help me get 2 lakers tix" is a purchase.
const HELP_ANYWHERE = /\b(?:help|how does (?:this|it) work|what can (?:you|i) do|talk to (?:a )?(?:human|person|someone))\b/;
const GREETING_START = /^(?:hi+|hello+|hey+|yo|hiya|howdy|hola|good (?:morning|afternoon|evening))\b/;

// "upgrade my tickets" names my tickets too, so upgrade is tested before status.
const UPGRADE = /\b(?:upgrad\w*|upgarde|upgrde|better (?:seats?|spots?|view|section|place)|(?:move|moving) (?:me |us )?(?:closer|up|forward)|(?:sit|get|be) closer|closer (?:seats?|to the (?:stage|court|field|front))|(?:switch|change) (?:my |our )?seats)\b/;
const STATUS = new RegExp(
  '\\b(?:status|refund(?! policy)|refunds|resend|re send|receipt|' +
    'my (?:tickets?|tix|tkts?|order|orders|booking|bookings|purchase|receipt|confirmation|payment)|' +
    'where (?:r |are |is )?(?:my|the) (?:tickets?|tix|order|seats)|wheres (?:my|the) (?:tickets?|tix|order|seats)|' +
    'did (?:i|my) (?:pay|payment|order|card)|(?:payment|order) (?:go|went) through|track (?:my )?order|order (?:number|id))\\b',
);
/**
 * Giving an order back. With an order id any cancel/refund word will do
 * ("cancel BX-7K2Q", "refund bx 7k2q"); without one the words must say it is
 * an order or a refund that is wanted ("cancel my tickets", "i want a
 * refund"), since a bare "cancel" leaves a purchase. Asking about a refund
 * ("where is my refund", "refund status") stays a status question.
 */
const CANCEL_WORD = /\b(?:cancel|refund|money back)\b/;
const CANCEL_ORDER =
  /\b(?:cancel(?:l?ing)? (?:my|our|the|this|that) (?:order|orders|tickets?|tix|tkts?|booking|purchase|seats)|refund (?:my|our|the|me|this|that|it)|(?:want|need|get|like|have|request|requesting) (?:a |my |our )?refund|money back|(?:can|could|may) (?:i|we) (?:get |have )?(?:a )?refund)\b/;
const ABOUT_A_REFUND = /\b(?:status|where|wheres|did|has|track|when|receipt)\b/;
/** Cheap gate in front of parseOrderId, which builds its patterns on every call. */
const ORDER_ID_HINT = /(?<![a-z0-9])bx/i;

const TICKET_NOUN =
  '(?:tickets?|tickest|tikets?|tickts?|tiks|tix|tixs|tkts?|tckts?|tics|seats?|seets|spots?|places|passes|' +
  'people|ppl|persons|adults|guests|pax|heads|of us)';
const BUY = new RegExp(
  `\\b(?:buy|book|purchase|reserve|${TICKET_NOUN}|ticket|section|sec|events|shows|concerts|games|whats on|whats playing|how much|prices?|cost)\\b|\\$\\d`,
);

const CHEAPEST = /\b(?:che+a?pe?st|cheap(?:er)?|lowest(?: price)?|least expensive|inexpensive|affordable|nosebleeds?|best (?:price|prices|deal|deals|value)|budgets?(?! (?:is |of |around |about )?\$?\d))\b/;
const BEST = /\b(?:best|closest|front rows?|(?:1st|first) rows?|(?:good|great|nice|nicest|top) seats|premium|vip)\b/;

// ---------------------------------------------------------------------------
// Numbers

const CARDINAL_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';
const ORDINAL_WORDS = 'first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|eighth|8th|ninth|9th|tenth|10th';

/**
 * "3", "three", "option 3", "#2" (the # is gone by now), "the second one".
 * Up to four digits: a section number typed alone ("101") is still a bare
 * number, and the dialog knows whether it asked for a section or a count.
 */
const BARE_NUMBER = new RegExp(
  `^(?:(?:yes|yeah|yep|sure) )?(?:(?:option|opt|choice|number|num|pick|the|go with|i choose|ill take|ill go with) )?(\\d{1,4}|${CARDINAL_WORDS}|${ORDINAL_WORDS})(?: one)?$`,
);

/**
 * A party size: one or two digits, or a number word. Never three digits, so
 * no section number ("101 tickets" reads as section 101, as the EventFinder
 * reads it) becomes a party of 101. Never right after a section/row word, a
 * month, or inside a time, date or price ("sec 12", "dec 5", "7:30", "12/5", "$20").
 */
const NOT_A_COUNT_BEFORE =
  '(?<!\\b(?:section|sect|sec|sc|s|row|rows|seat|number|option|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|' +
  'january|february|march|april|june|july|august|september|october|november|december) )(?<![\\d/:.$-])';
const COUNT = `\\b(\\d{1,2}|${CARDINAL_WORDS}|couple|pair)\\b`;
const MONTH_WORDS = 'jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december';
// "50$" and "8 pm" are not parties; "2 $100 lakers" is (a price follows the count).
const NOT_A_COUNT_AFTER = '(?![/:.]\\d)(?! ?(?:\\$(?!\\d)|(?:dollars?|bucks|usd|pm|am|k|oclock|per|each|apiece|ea)\\b))';
const COUNTED = `${NOT_A_COUNT_BEFORE}${COUNT}${NOT_A_COUNT_AFTER}`;
const TIME_UNITS = '(?:nights?|days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?)';

/** "2 adults and a kid", "2 adults 1 child": the party is both. */
const MIXED_PARTY = new RegExp(
  `${COUNTED} (?:adults?|grown ups?|people|ppl)(?: and| plus)? (\\d{1,2}|a|an|${CARDINAL_WORDS}) (?:kids?|child|children|teens?|students?|seniors?)\\b`,
);

/** "2 tickets", "2 lakers tix", "4 of us", "a couple of seats", "3 more seats", "2tix", "4x", "x3": a count tied to tickets. */
const TICKET_COUNTS: readonly RegExp[] = [
  new RegExp(`${COUNTED} (?:x )?(?:more )?(?:[a-z]+ ){0,2}?${TICKET_NOUN}\\b`),
  new RegExp(`${NOT_A_COUNT_BEFORE}\\b(\\d{1,2}) ?(?:x|tix|tickets?|tkts?)\\b`),
  new RegExp(`\\bx ?(\\d{1,2})\\b${NOT_A_COUNT_AFTER}`),
];
/** Looser party-size phrasings, tried after a list of people; each captures the number in group 1. */
const QUANTITY_PATTERNS: readonly RegExp[] = [
  // "party of 4", "we are 4"
  new RegExp(`\\b(?:party|group|family|table) of ${COUNT}`),
  // "in january, 2 in section 101": a month said with "in" has no day after it (see event-when.ts).
  new RegExp(`\\bin (?:${MONTH_WORDS}) ${COUNT}${NOT_A_COUNT_AFTER}(?! ${TIME_UNITS}\\b)`),
  new RegExp(`\\b(?:we are|were|there are|there will be|well be) ${COUNT}${NOT_A_COUNT_AFTER}(?! (?:of (?!us)|${TIME_UNITS})\\b)`),
  // "two for lakers", "two in 102", "2 on the glass", "tickets for 2", "for the 4 of us"
  new RegExp(`${COUNTED} (?:for|in|at|on)\\b`),
  new RegExp(`\\bfor (?:the )?${COUNT}${NOT_A_COUNT_AFTER}(?! ${TIME_UNITS}\\b)`),
  // "can i get 2", "i need three": a number you ask for at a box office is tickets.
  new RegExp(
    `\\b(?:can i (?:get|have|buy|book)|could i (?:get|have)|can we (?:get|have)|i (?:want|need|would like)|id like|get me|gimme|ill take|i will take) ${COUNTED}(?! ${TIME_UNITS}\\b)`,
  ),
];
/**
 * The customer changing the number while typing: "2 of us, maybe 3... ok 3",
 * "4 tickets, actually make it 5". The last one said is meant.
 */
const SELF_CORRECTION = new RegExp(
  `\\b(?:actually|make (?:it|that)|i mean|wait|sorry|ok|okay|scratch that|change (?:it|that) to|rather|no)(?: make it| just| change it to)? ${COUNTED}(?! (?:more|${TIME_UNITS})\\b)`,
  'g',
);
/** Voice-to-text and quick thumbs write the number as a word that sounds like it: "can i get for tickets", "to tickets for the lakers". */
const SOUNDS_LIKE_COUNT = /(?:^|\b(?:get|need|want|buy|book|have|take|grab|reserve|like) )(for|to|too) (?:tickets?|tix|seats?)\b/;
/** "a ticket", "a lakers ticket", "single seat", "just me": one. */
const ONE_TICKET = /\b(?:a|an|one|single) (?:[a-z]+ )?(?:ticket|tix|tkt|seat|spot|pass)\b|\b(?:just|only) (?:me|myself)\b/;
/** "me and my wife", "me plus one", "both of us", "a pair": two. */
const TWO_OF_US =
  /\bme (?:and|plus) (?:my (?:wife|husband|hubby|partner|gf|bf|girlfriend|boyfriend|fiance|fiancee|date|son|daughter|kid|mom|mum|dad|friend|mate|buddy|bro|brother|sister|sis)|a (?:friend|mate|date|buddy)|one|1)\b|\bboth of us\b|\b(?:a )?pair\b/;
/**
 * Any other count in a message naming an event: "hozier 2 pit", "2 lakers",
 * "6 total for hamilton", "hozier 4 pls". Read as a party size only when an
 * event is known (alone, "2" is a bare number), when it is not the section
 * found ("lakers 12" in an arena with a section 12) nor the day of a date
 * ("the 12"), and when the message holds no other such count.
 */
// "4 max", "6 or so": a limit or a guess, not the party.
const LOOSE_COUNT = new RegExp(`${COUNTED}(?! (?:${TIME_UNITS}|max|maximum|tops|at most|or (?:less|fewer|more|so)|ish)\\b)`, 'g');
const BEFORE_A_DAY = /\b(?:the|on)\s*$/;
const NON_WORD = /[^a-z0-9]+/i;

// ---------------------------------------------------------------------------
// Prices

const AMOUNT = '(\\$ ?)?(\\d{1,6}(?:\\.\\d{1,2})?)(k)?(?: ?(dollars?|bucks|usd|\\$))?';
/** Words after a number that make it a count or a time, not money: "up to 4 tickets", "under 30 minutes". */
const NOT_MONEY_AFTER = `(?![\\d.])(?! ?(?:${TICKET_NOUN}|pm|am|rows?|mins?|minutes|hours?|days?|weeks?|months?|years?|yrs?|yo|miles?)\\b)`;
/** "under $100", "less than 80 bucks", "max 150", "budget 60", "<$100". "kids under 12" is an age. */
const PRICE_CAP_BEFORE = new RegExp(
  '(?<!\\b(?:kids?|child|children|ages?|aged|boys?|girls?|sons?|daughters?) )' +
    `\\b(?:under|below|less than|lower than|cheaper than|max(?:imum)?(?: of)?|up to|upto|no more than|not more than|at most|` +
    `budgets?(?: is| of| around| about)?|within|spend(?: up to)?) ${AMOUNT}${NOT_MONEY_AFTER}`,
);
/** The cap is for the whole party, not each ticket: "under $300 total", "$300 for both". */
const TOTAL_WORDS = 'total|in total|all in|altogether|overall|combined|for (?:both|all of us|everyone|the lot)';
const TOTAL_PRICE = new RegExp(`\\b(?:${TOTAL_WORDS})\\b`);
/** "$150 max", "80 bucks tops", "100 or less", "$300 total"; group 5 is the word after the amount. */
const PRICE_CAP_AFTER = new RegExp(
  `(?<![\\p{L}\\p{N}.$])${AMOUNT} ?(max(?:imum)?|tops|or (?:less|under|below|cheaper)|at most|limit|${TOTAL_WORDS})\\b`,
  'u',
);

// ---------------------------------------------------------------------------

/**
 * Reads one customer message: intent, party size, event, section, price cap.
 * `now` decides which events are still on sale (default: the clock).
 */
export function recognize(text: string, lookup: EventLookup, now?: Date, context: ReadingContext = {}): Recognized {
  const normalized = normalize(text);
  if (normalized === '') return { intent: 'unknown' };
  const core = stripFillers(normalized);
  if (core === '' && QUESTION_ONLY.test(normalized)) return { intent: 'help' };
  for (const [intent, pattern] of WHOLE_MESSAGE) if (pattern.test(core)) return { intent };

  if (FORGET_CARD.test(normalized)) return { intent: 'forget_card' };
  if (WHICH_CARD.test(normalized)) return { intent: 'my_card' };

  // Before the numbers: a phone number's digits are not a party size.
  const transfer = readTransfer(text);
  if (transfer) return prune({ intent: 'transfer', transfer, orderId: transfer.orderId });

  const bare = bareNumberIn(core);
  if (bare !== undefined) return { intent: 'unknown', bareNumber: bare };

  const orderId = ORDER_ID_HINT.test(text) ? parseOrderId(text.slice(0, MAX_MESSAGE_CHARS)) : undefined;
  const upgrade = UPGRADE.test(normalized);
  if (!upgrade) {
    const cancelling = orderId ? CANCEL_WORD.test(normalized) : CANCEL_ORDER.test(normalized);
    const policyQuestion = !orderId && QUESTION_TOPICS[0]![1].test(normalized);
    if (cancelling && !ABOUT_A_REFUND.test(normalized) && !policyQuestion) return prune({ intent: 'cancel_order', orderId });
    if (orderId || (STATUS.test(normalized) && !policyQuestion)) return prune({ intent: 'status', orderId });
    if (LEAVE_ANYWHERE.test(normalized) && !CHANGED_MIND.test(normalized)) return { intent: 'leave' };
    if (RESTART_ANYWHERE.test(normalized)) return { intent: 'restart' };
  }

  const details = detailsIn(normalized, lookup, now, context);
  return prune({ intent: upgrade ? 'upgrade' : intentOfSentence(normalized, details), orderId, ...details, questions: questionsIn(normalized) });
}

function questionsIn(normalized: string): Question[] | undefined {
  if (!QUESTION_FORM.test(normalized)) return undefined;
  const asked = QUESTION_TOPICS.filter(([, pattern]) => pattern.test(normalized)).map(([question]) => question);
  return asked.length > 0 ? asked : undefined;
}

/** A sentence with no command in it: any purchase detail makes it a purchase. */
function intentOfSentence(normalized: string, details: Details): Intent {
  if (Object.keys(details).length > 0 || BUY.test(normalized)) return 'buy';
  if (HELP_ANYWHERE.test(normalized)) return 'help';
  if (GREETING_START.test(normalized)) return 'greeting';
  return 'unknown';
}

/** What the conversation already knows, for reading an answer: the event being bought, when the message names none. */
export interface ReadingContext {
  event?: CatalogEvent;
}

type Details = Pick<
  Recognized,
  'quantity' | 'event' | 'candidates' | 'notThen' | 'when' | 'section' | 'sectionChoices' | 'preference' | 'maxPrice' | 'notOnSale' | 'didYouMean'
>;

function detailsIn(said: string, lookup: EventLookup, now: Date | undefined, context: ReadingContext): Details {
  // What the customer rules out says nothing about what they want: "sunday not friday", "3 not 2".
  const normalized = said.replace(NEGATED, ' ');
  // In the middle of a purchase, words the catalog does not know are chatter about it ("make that vip").
  const matches = lookup.find(normalized, now);
  const refused = context.event ? undefined : notOnSaleIn(normalized, matches, lookup, now);
  if (refused) return refused;
  const which = whichEvents(normalized, matches, now, context);
  const event = which.event ?? which.candidates?.[0] ?? (which.notThen ? undefined : context.event);
  const price = priceCapIn(normalized);
  // Neither the section nor a loose count may come from the price: "lakers under 101".
  const rest = price ? `${normalized.slice(0, price.start)} ${normalized.slice(price.end)}`.trim() : normalized;
  // "balcony... no actually orchestra": the last word wins.
  const corrected = rest.split(SECTION_CORRECTION).at(-1);
  const found = event ? ((corrected !== rest && corrected ? lookup.findSection(event, corrected) : undefined) ?? lookup.findSection(event, rest)) : undefined;
  // Between several performances a section counts only if every one has it (they share a venue).
  const named = found && (which.candidates ?? []).every((candidate) => candidate.sections.some((s) => s.id === found.id)) ? found : undefined;
  // "lower level" names two sections alike; a price cap may leave one of them.
  const alike = event && !found && !which.candidates ? lookup.sectionsNamedAlike(event, rest) : [];
  const quantity = quantityIn(normalized, rest, event, named, which.when);
  // A total is split over the party. Without a party size the total itself
  // is still a true (if loose) per-ticket cap: no one ticket can cost more.
  const maxPrice = price && quantity && price.total ? Math.floor(price.cents / quantity) : price?.cents;
  const affordable = maxPrice === undefined ? alike : alike.filter((choice) => choice.price <= maxPrice);
  const choices = affordable.length > 0 ? affordable : alike;
  const section = named ?? (choices.length === 1 ? choices[0] : undefined);
  return prune({
    ...which,
    section,
    sectionChoices: choices.length > 1 ? choices : undefined,
    quantity,
    maxPrice,
    preference: CHEAPEST.test(normalized) ? 'cheapest' : BEST.test(normalized) ? 'best' : undefined,
  });
}

/**
 * Which event: the best match, unless several match equally well (the same
 * show twice, a team's two home games); then what the message says about
 * the day and time picks among them, and if it cannot, the customer is asked.
 */
function whichEvents(
  normalized: string,
  matches: EventMatches,
  now: Date | undefined,
  context: ReadingContext,
): Pick<Recognized, 'event' | 'candidates' | 'notThen' | 'when'> {
  const best = matches[0];
  // An answer naming no event may still say when: "sunday not friday", "the 8pm".
  if (!best) return context.event ? prune({ when: readWhen(normalized, now ?? new Date(), venueOffset(context.event)) }) : {};
  const tied = matches.filter((match) => match.score >= best.score - TIE).map((match) => match.event);
  // Not the event's own name: "Late Show" names the show, not the evening. An
  // id or a hint is no name: "matinee" of "illusionists-matinee" still says when.
  const named = best.matched && best.phrase && (best.phrase === best.event.name || best.event.aliases.includes(best.phrase));
  const ownName = named ? best.matched : best.matched && nameWrittenIn(normalized, best.event);
  const when = readWhen(ownName ? normalized.replace(ownName, ' ') : normalized, now ?? new Date(), venueOffset(best.event));
  const fitting = eventsFitting(tied, when);
  if (fitting.length === 1) return prune({ event: fitting[0], when });
  if (fitting.length > 1) return prune({ candidates: fitting, when });
  return prune({ notThen: tied, when });
}
/**
 * The event's name or an alias as the message writes it, whatever phrase the
 * finder matched the event by ("late show" matched by its id, late-show): the
 * longest, as whole words.
 */
function nameWrittenIn(normalized: string, event: CatalogEvent): string | undefined {
  const padded = ` ${normalized} `;
  return [event.name, ...event.aliases]
    .map((name) => normalize(name))
    .filter((name) => name !== '' && padded.includes(` ${name} `))
    .sort((a, b) => b.length - a.length)[0];
}
/** Messages this long are chatter around a request; unknown words in them prove nothing. */
const SHORT_MESSAGE_WORDS = 8;
const OPPONENTS = /\b([a-z]+(?: [a-z]+)?) (?:vs|v|versus|against) (?:the )?([a-z]+(?: [a-z]+)?)\b/;
/** A partial name, a typo this far off (or further) from the rest of the name: asked, not sold. */
const DID_YOU_MEAN_EDITS = 4;

/**
 * Something the catalog does not have: a fixture with an opponent no event
 * has ("lakers vs celtics"), a first name followed by another surname ("john
 * mayer" when John Mulaney is on), or a short request whose name the catalog
 * does not know at all ("coldplay tickets", "the nutcracker at the dolby").
 * A surname near the event's ("john mullaly") asks "did you mean" instead.
 */
function notOnSaleIn(normalized: string, matches: EventMatches, lookup: EventLookup, now: Date | undefined): Details | undefined {
  const best = matches[0];
  const elsewhere = best ? venueElsewhere(normalized, best.event, lookup) : undefined;
  if (elsewhere) return { notOnSale: elsewhere };
  const secondName = best ? secondNameTyped(normalized, best, lookup) : undefined;
  if (secondName) return secondName;
  // A whole name typed, and no opponent beside it: the common case, decided without looking further.
  if (best && best.score >= 1 && !OPPONENTS.test(normalized)) return undefined;
  const opponents = OPPONENTS.exec(normalized);
  if (best && opponents) {
    const side = [opponents[1]!, opponents[2]!].find((words) => !lookup.find(words, now).some((match) => match.event === best.event));
    if (side !== undefined && lookup.unknownWords(side, COMMON_WORDS).length > 0) return { notOnSale: opponents[0] };
  }
  // The index's words, so "ton??" is the "ton" it matched.
  const words = normalizeWords(normalized);
  // Keyboard mashing ("asdfghjkl") names nothing; a name has its vowels.
  const unknown = lookup.unknownWords(normalized, COMMON_WORDS).filter(pronounceable);
  if (!best) {
    const greeting = GREETING_START.test(normalized) && words.length <= 3;
    return unknown.length > 0 && !greeting && words.length <= SHORT_MESSAGE_WORDS ? { notOnSale: unknown.slice(0, 4).join(' ') } : undefined;
  }
  if (best.hint && unknown.length > 0 && words.length <= SHORT_MESSAGE_WORDS) return { notOnSale: unknown.slice(0, 4).join(' ') };
  if (best.score < 1 && best.phrase && best.matched) {
    const matched = best.matched;
    // A part of the name was typed: is the word beside it the rest of the name, misspelt, or another name?
    const rest = normalizeWords(best.phrase).filter((token) => !matched.split(' ').includes(token));
    const word = wordsBeside(words, matched).find((beside) => unknown.includes(beside));
    if (word !== undefined) {
      const near = rest.some((token) => editDistance(word, token, DID_YOU_MEAN_EDITS) < DID_YOU_MEAN_EDITS);
      // A name whose typed part is itself misspelt ("phebe bridgeman") is a guess at ours; one typed right beside another name ("john mayer") is not.
      const misspelt = !normalizeWords(best.phrase).some((token) => matched.split(' ').includes(token));
      return near || misspelt ? { didYouMean: best.event } : { notOnSale: `${matched} ${word}` };
    }
  }
  return undefined;
}

/** "warriors at chase center": a venue named that the catalog does not know is not where the event is. */
const AT_A_VENUE = /\b(?:at|in) (?:the )?((?:[a-z]+ ){1,2})(?:center|centre|arena|stadium|theatre|theater|garden|gardens|park|hall|dome|coliseum|ballpark|field)\b/;

function venueElsewhere(normalized: string, event: CatalogEvent, lookup: EventLookup): string | undefined {
  const venue = AT_A_VENUE.exec(normalized);
  if (!venue) return undefined;
  const words = venue[1]!.trim();
  return lookup.unknownWords(words, COMMON_WORDS).length === words.split(' ').length ? `${event.name} ${venue[0]}` : undefined;
}

/**
 * "phoebe waller bridge" when Phoebe Bridgers is on: the event is known by a
 * first name and a second ("phoebe bridgers"), and the customer typed the
 * first with another second that the catalog does not know: someone else,
 * unless it begins like ours ("phoebe bridgewater"), which is asked about.
 */
function secondNameTyped(normalized: string, best: EventMatches[number], lookup: EventLookup): Details | undefined {
  const first = best.matched;
  // Cheapest tests first: this runs on every message that names an event.
  if (!first || first.includes(' ')) return undefined;
  const seconds = best.event.aliases.filter((alias) => alias.startsWith(`${first} `)).map((alias) => alias.split(' ')[1]!);
  if (seconds.length === 0 || !best.event.name.toLowerCase().startsWith(`${first} `)) return undefined;
  const words = normalizeWords(normalized);
  const next = words[words.indexOf(first) + 1];
  if (next === undefined || seconds.includes(next)) return undefined;
  if (lookup.unknownWords(next, COMMON_WORDS).length === 0 || !pronounceable(next)) return undefined;
  return seconds.some((second) => second.slice(0, 4) === next.slice(0, 4)) ? { didYouMean: best.event } : { notOnSale: `${first} ${next}` };
}

/** Short all-consonant words are names too ("bts", "nsync"); long ones are mashing. */
function pronounceable(word: string): boolean {
  return /^[a-z]{2,4}$/.test(word) || (word.match(/[aeiouy]/g)?.length ?? 0) / word.length >= 0.2;
}

function wordsBeside(words: string[], matched: string): string[] {
  const first = words.indexOf(matched.split(' ')[0]!);
  const last = words.indexOf(matched.split(' ').at(-1)!);
  if (first < 0 || last < 0) return [];
  return [words[first - 1], words[last + 1]].filter((word): word is string => word !== undefined);
}

/** "not friday", "rather than the 2pm", "instead of 210": taken out before reading what is wanted. */
const NEGATED =
  /\b(?:not|instead of|rather than) (?:the |a |in |on )?(?:\d{1,2} )?[a-z0-9:]+(?: (?:game|show|one|ones|night|section|sec|seats?|tickets?))?\b/g;
const SECTION_CORRECTION = /\b(?:no|actually|i mean|scratch that|make (?:it|that))\b/;
/** Scores this close are the same match: a name two events share. */
const TIE = 1e-6;

function bareNumberIn(core: string): number | undefined {
  const token = BARE_NUMBER.exec(core)?.[1];
  return token === undefined ? undefined : numberOf(token);
}

/** Party size; `rest` is the message without its price, for the loosest readings. */
function quantityIn(normalized: string, rest: string, event: CatalogEvent | undefined, section: Section | undefined, when: When | undefined): number | undefined {
  const corrected = [...normalized.matchAll(SELF_CORRECTION)].at(-1)?.[1];
  if (corrected !== undefined && !isSectionNumber(section, corrected)) return positive(numberOf(corrected));
  const mixed = MIXED_PARTY.exec(normalized);
  if (mixed) return (numberOf(mixed[1]) ?? 0) + (numberOf(mixed[2]) ?? 0);
  for (const pattern of TICKET_COUNTS) {
    const value = positive(numberOf(pattern.exec(normalized)?.[1]));
    if (value !== undefined) return value;
  }
  const people = partyFromPeople(normalized);
  if (people !== undefined) return people;
  const soundsLike = SOUNDS_LIKE_COUNT.exec(normalized)?.[1];
  if (soundsLike) return soundsLike === 'for' ? 4 : 2;
  for (const pattern of QUANTITY_PATTERNS) {
    const value = positive(numberOf(pattern.exec(normalized)?.[1]));
    if (value !== undefined) return value;
  }
  if (ONE_TICKET.test(normalized)) return 1;
  if (TWO_OF_US.test(normalized)) return 2;
  return event ? looseCount(rest, section, when) : undefined;
}

/** The one count left in the message once sections and days are set aside (see LOOSE_COUNT). */
function looseCount(rest: string, section: Section | undefined, when: When | undefined): number | undefined {
  const values = new Set<number>();
  for (const match of rest.matchAll(LOOSE_COUNT)) {
    const token = match[1]!;
    // "the lakers one", "the 8pm one": "one" picks, it does not count.
    if (token === 'one' || isSectionNumber(section, token)) continue;
    const value = numberOf(token);
    if (value === undefined || value <= 0) continue;
    if (when?.daysOfMonth.includes(value) && BEFORE_A_DAY.test(rest.slice(0, match.index))) continue;
    values.add(value);
  }
  return values.size === 1 ? [...values][0] : undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

/** Whether `token` is the found section's number: "12" of a "Section 12". */
function isSectionNumber(section: Section | undefined, token: string): boolean {
  return section !== undefined && (section.id === token || section.name.split(NON_WORD).includes(token));
}

/** The cap as said, in minor units, where it was said, and whether it is for the whole party. */
function priceCapIn(normalized: string): { cents: number; start: number; end: number; total: boolean } | undefined {
  let match = PRICE_CAP_BEFORE.exec(normalized);
  if (!match) {
    match = PRICE_CAP_AFTER.exec(normalized);
    // "4 max" is four tickets at most and "6 total" six people: a number
    // before these words is money only with a currency sign or word, or, for
    // "max"-like words, when it is too big to be a party.
    const currency = Boolean(match?.[1] || match?.[3] || match?.[4]);
    if (match && !currency && (Number(match[2]) < 10 || TOTAL_PRICE.test(match[5] ?? ''))) return undefined;
  }
  if (!match) return undefined;
  const [said, , digits, thousands] = match;
  const cents = Math.round(Number(digits) * (thousands ? 1000 : 1) * 100);
  if (cents <= 0) return undefined;
  return { cents, start: match.index, end: match.index + said.length, total: TOTAL_PRICE.test(normalized) };
}


/** Drops undefined fields, so results compare cleanly and spread without noise. */
function prune<T extends object>(result: T): T {
  for (const key of Object.keys(result) as Array<keyof T>) {
    if (result[key] === undefined) delete result[key];
  }
  return result;
}
