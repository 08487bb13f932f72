import { describe, expect, it } from 'vitest';
import { HAMILTON, HAMILTON_MATINEE, HOZIER, LAFC, LAKERS, SAMPLE_NOW, sampleFinder } from './support/sample-catalog.js';

/** "hamilton" alone: the Saturday evening or the Sunday matinee, for the customer to say. */
const BOTH_HAMILTONS = [HAMILTON, HAMILTON_MATINEE];
import { recognize, type Recognized } from '../dialogs/message.recognizer.js';
import { normalize } from '../src/catalog/text.normalizer.js';
import { loadCatalog, parseCatalog } from '../src/catalog/catalog.loader.js';
import { EventFinder } from '../src/catalog/event-finder.js';

const NOW = SAMPLE_NOW;
const finder = sampleFinder;

/** What a customer would notice of a reading: ids instead of catalog objects, nothing unset. */
interface Noticed {
  intent: Recognized['intent'];
  quantity?: number;
  bareNumber?: number;
  event?: string;
  /** The events it fits equally, when it cannot tell them apart (Hamilton plays twice). */
  candidates?: string[];
  /** The events it names, none on the day or at the time it says. */
  notThen?: string[];
  section?: string;
  preference?: Recognized['preference'];
  maxPrice?: number;
  orderId?: string;
}

function noticed(text: string): Noticed {
  const said = recognize(text, finder, NOW);
  const fields: Noticed = {
    intent: said.intent,
    quantity: said.quantity,
    bareNumber: said.bareNumber,
    event: said.event?.id,
    candidates: said.candidates?.map((event) => event.id),
    notThen: said.notThen?.map((event) => event.id),
    section: said.section?.id,
    preference: said.preference,
    maxPrice: said.maxPrice,
    orderId: said.orderId,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as Noticed;
}

// Each row is the whole reading: a field left out must come back unset, so a
// section number read as a party size, or a price read as a section, fails.
type Row = [customerSays: string, expected: Noticed];

describe('recognize: buying tickets', () => {
  const rows: Row[] = [
    ['2 tickets for the lakers game section 101', { intent: 'buy', quantity: 2, event: LAKERS, section: '101' }],
    ['2 tix lakers sec 101', { intent: 'buy', quantity: 2, event: LAKERS, section: '101' }],
    ['lakers sat', { intent: 'buy', event: LAKERS }],
    ['lakrs', { intent: 'buy', event: LAKERS }],
    ['warriers game saturday', { intent: 'buy', event: LAKERS }],
    ['LAKERS TICKETS!!!', { intent: 'buy', event: LAKERS }],
    ['Can I get 2 tickets to the Lakers game?', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['4 tickets hozier cheapest', { intent: 'buy', quantity: 4, event: HOZIER, preference: 'cheapest' }],
    ['HOZIER 2 TIX CHEAPEST', { intent: 'buy', quantity: 2, event: HOZIER, preference: 'cheapest' }],
    ['best seats for hamilton', { intent: 'buy', candidates: BOTH_HAMILTONS, preference: 'best' }],
    ['hamilton under $150', { intent: 'buy', candidates: BOTH_HAMILTONS, maxPrice: 15000 }],
    ['2 x courtside lakers', { intent: 'buy', quantity: 2, event: LAKERS, section: 'courtside' }],
    ['can i get two seats for the galaxy game', { intent: 'buy', quantity: 2, event: LAFC }],
    ['🎟️🎟️ 2 lakers tix pls 🙏', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['“2 tickets” for ‘hozier’', { intent: 'buy', quantity: 2, event: HOZIER }],
    ['a pair for hozier', { intent: 'buy', quantity: 2, event: HOZIER }],
    ['couple of seats for hamilton', { intent: 'buy', quantity: 2, candidates: BOTH_HAMILTONS }],
    ['lakers x3', { intent: 'buy', quantity: 3, event: LAKERS }],
    ['hozier floor x2', { intent: 'buy', quantity: 2, event: HOZIER, section: 'ga' }],
    ['party of 4 hamilton', { intent: 'buy', quantity: 4, candidates: BOTH_HAMILTONS }],
    ['4 of us for the galaxy game', { intent: 'buy', quantity: 4, event: LAFC }],
    ['two for lakers', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['2 lakers', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['me and my wife want to see hozier', { intent: 'buy', quantity: 2, event: HOZIER }],
    ['2 adults and a kid under 12 for hamilton', { intent: 'buy', quantity: 3, candidates: BOTH_HAMILTONS }],
    ['4x hamilton', { intent: 'buy', quantity: 4, candidates: BOTH_HAMILTONS }],
    ['lakers 2 pls', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['the lakers one', { intent: 'buy', event: LAKERS }],
    ['can i get 2', { intent: 'buy', quantity: 2 }],
    ['two in 102 please', { intent: 'buy', quantity: 2 }],
    ['i need 3 hamilton tickets for my family', { intent: 'buy', quantity: 3, candidates: BOTH_HAMILTONS }],
    ['can i get a ticket for hamilton', { intent: 'buy', quantity: 1, candidates: BOTH_HAMILTONS }],
    ['hozier tickets less than 80 bucks', { intent: 'buy', event: HOZIER, maxPrice: 8000 }],
    ['hamilton $150 max', { intent: 'buy', candidates: BOTH_HAMILTONS, maxPrice: 15000 }],
    ['lakers budget 60', { intent: 'buy', event: LAKERS, maxPrice: 6000 }],
    ['hamilton tix for 2 under $1,000', { intent: 'buy', quantity: 2, candidates: BOTH_HAMILTONS, maxPrice: 100000 }],
    ['2 hamilton tickets, $300 total', { intent: 'buy', quantity: 2, candidates: BOTH_HAMILTONS, maxPrice: 15000 }],
    ['Hamilton – 2 tix, mezz, under $200 pls', { intent: 'buy', quantity: 2, candidates: BOTH_HAMILTONS, section: 'mezzanine', maxPrice: 20000 }],
    ['up to 4 tickets for lakers', { intent: 'buy', quantity: 4, event: LAKERS }],
    ['lakers 4 max', { intent: 'buy', event: LAKERS }],
    ['lakers under 50', { intent: 'buy', event: LAKERS, maxPrice: 5000 }],
    ["my budget's 60 per ticket for hozier", { intent: 'buy', event: HOZIER, maxPrice: 6000 }],
    // The game starts at 7:30pm: there is no Lakers game at 8pm (and 8pm is no party size).
    ['lakers for 8pm', { intent: 'buy', notThen: [LAKERS] }],
    ['cheap seats for the lakers', { intent: 'buy', event: LAKERS, preference: 'cheapest' }],
    ['lowest price hamilton tix', { intent: 'buy', candidates: BOTH_HAMILTONS, preference: 'cheapest' }],
    ['budget seats for the galaxy', { intent: 'buy', event: LAFC, preference: 'cheapest' }],
    ['front row hozier', { intent: 'buy', event: HOZIER, section: 'vip', preference: 'best' }],
    ['closest seats to the court for lakers', { intent: 'buy', event: LAKERS, preference: 'best' }],
    ['sec 101 lakers', { intent: 'buy', event: LAKERS, section: '101' }],
    ['lakers section 102 3 tix', { intent: 'buy', quantity: 3, event: LAKERS, section: '102' }],
    ['pair of floor seats lakers', { intent: 'buy', quantity: 2, event: LAKERS, section: 'courtside' }],
    ['el trafico 5 tickets supporters section', { intent: 'buy', quantity: 5, event: LAFC, section: 'ga' }],
    ['lakers 12/5, 2 tix', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['lakers at 7:30 2 seats', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['dec 5 lakers, row 12, 2 tix', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['hi can i get 2 lakers tix', { intent: 'buy', quantity: 2, event: LAKERS }],
    ['2 tickets', { intent: 'buy', quantity: 2 }],
    ['tickets', { intent: 'buy' }],
    ['i wanna buy tickets', { intent: 'buy' }],
    ['what shows are on?', { intent: 'buy' }],
    // A section means nothing without its event, so none is read here. The
    // word "section" still says the customer wants seats: buy, and the buy
    // dialog asks which event. 101 is not a party size, nor a bare number.
    ['section 101', { intent: 'buy' }],
  ];

  it.each(rows)('%j → %o', (text, expected) => {
    expect(noticed(text)).toEqual(expected);
  });
});

describe('recognize: party sizes as customers say them', () => {
  const rows: Row[] = [
    ['hozier pit for me, my wife and her parents', { intent: 'buy', quantity: 4, event: HOZIER, section: 'ga' }],
    ['hozier pit for me and my 2 boys', { intent: 'buy', quantity: 3, event: HOZIER, section: 'ga' }],
    ['hozier 201, myself + 2 friends', { intent: 'buy', quantity: 3, event: HOZIER, section: '201' }],
    ['hozier pit for 3 couples', { intent: 'buy', quantity: 6, event: HOZIER, section: 'ga' }],
    ['hozier pit, going solo', { intent: 'buy', quantity: 1, event: HOZIER, section: 'ga' }],
    ['hozier pit, half a dozen', { intent: 'buy', quantity: 6, event: HOZIER, section: 'ga' }],
    ['can i get for tickets to hozier pit', { intent: 'buy', quantity: 4, event: HOZIER, section: 'ga' }],
    ['hozier 2 pit', { intent: 'buy', quantity: 2, event: HOZIER, section: 'ga' }],
    ['hozier pit, 2 of us, maybe 3... ok 3', { intent: 'buy', quantity: 3, event: HOZIER, section: 'ga' }],
    // Kids without a number cannot be counted: asked, not guessed.
    ['hozier pit for me and the kids', { intent: 'buy', event: HOZIER, section: 'ga' }],
    // A single person named is who the ticket is for, not how many.
    ['hozier pit for my wife', { intent: 'buy', event: HOZIER, section: 'ga' }],
  ];

  it.each(rows)('%j → %o', (text, expected) => {
    expect(noticed(text)).toEqual(expected);
  });
});

describe('recognize: questions, and what is not on sale', () => {
  it('reads what a question asks about, without reading a purchase into it', () => {
    expect(recognize('how much is courtside for the lakers?', finder, NOW).questions).toEqual(['price']);
    expect(recognize('what time does hozier start', finder, NOW).questions).toEqual(['when']);
    expect(recognize("what's the refund policy for hozier", finder, NOW)).toMatchObject({ intent: 'buy', questions: ['refunds'] });
    expect(recognize('2 tickets lakers 101', finder, NOW).questions).toBeUndefined();
  });

  it('names what the catalog does not have, and asks when a name is only close', () => {
    expect(recognize('lakers vs celtics 2 tix', finder, NOW)).toMatchObject({ notOnSale: 'lakers vs celtics' });
    expect(recognize('coldplay tickets', finder, NOW)).toMatchObject({ intent: 'buy', notOnSale: 'coldplay' });
    expect(recognize('coldplay tickets', finder, NOW).event).toBeUndefined();
    // Gibberish and greetings name nothing.
    expect(recognize('asdfghjkl', finder, NOW).notOnSale).toBeUndefined();
    expect(recognize('lakers vs warriors 2 tix', finder, NOW).event?.id).toBe(LAKERS);
    // Short names are names, even without vowels.
    expect(recognize('BTS concert 💜', finder, NOW)).toMatchObject({ notOnSale: 'bts' });
    // A misspelt part of a name beside a word the catalog does not know is a guess at ours; a part typed right is not.
    expect(recognize('hosier unearthly show', finder, NOW).didYouMean?.id).toBe(HOZIER);
    const venue = new EventFinder(loadCatalog('test/corpus/venue-catalog.json', NOW));
    expect(recognize('phebe bridgeman show', venue, NOW).didYouMean?.id).toBe('phoebe-bridgers');
    expect(recognize('john mayer tickets', venue, NOW).notOnSale).toBe('john mayer');
    // A first name with another second name, and a venue the event is not at.
    expect(recognize('phoebe waller-bridge show', venue, NOW).notOnSale).toBe('phoebe waller');
    expect(recognize('phoebe bridgewater tix', venue, NOW).didYouMean?.id).toBe('phoebe-bridgers');
    expect(recognize('warriors home game at chase center', finder, NOW).notOnSale).toBe('Lakers vs Warriors at chase center');
    expect(recognize('lakers at crypto.com arena', finder, NOW).event?.id).toBe(LAKERS);
    expect(recognize('hamilton saturday night', finder, NOW).event?.id).toBe(HAMILTON);
  });

  it('takes no part of the day from an event\'s own name, whichever phrase found the event', () => {
    // "Late Show" at 7am: its id (late-show) and its alias both match; "late show" is the show, not the evening.
    const events = [{ id: 'late-show', name: 'Late Show', aliases: ['late show'], venue: 'Town Hall', currency: 'usd', startsAt: '2026-12-10T07:00:00-08:00', sections: [{ id: '101', name: 'Section 101', tier: 1, price: 10_000, capacity: 50 }] }];
    const lateShow = new EventFinder(parseCatalog({ events }, 'inline', NOW));
    expect(recognize('2 tickets late show section 101', lateShow, NOW)).toMatchObject({ event: { id: 'late-show' }, section: { id: '101' }, quantity: 2 });
    expect(recognize('2 tickets late show section 101', lateShow, NOW).notThen).toBeUndefined();
  });

  it('reads a question put after the event ("illusionists matinee whats the cheapest"), and "wheres"', () => {
    expect(recognize('hamilton sunday whats the cheapest seat', finder, NOW).questions).toEqual(['price']);
    expect(recognize("where's hozier playing", finder, NOW)).toMatchObject({ questions: ['where'] });
  });

  it('narrows the sections a level word names to the one a price cap leaves', () => {
    expect(recognize('lakers 2 in the 100 level', finder, NOW).sectionChoices?.map((section) => section.id)).toEqual(['101', '102']);
    expect(recognize('hozier, the bowl, under $100, 2', finder, NOW).section?.id).toBe('201');
  });

  it('reads what customers of a venue with two games of a team write', () => {
    const venue = new EventFinder(loadCatalog('test/corpus/venue-catalog.json', NOW));
    const read = (text: string) => {
      const said = recognize(text, venue, NOW);
      return [said.event?.id, said.section?.id, said.quantity];
    };
    // A long first word of an alias ("anaheim ducks"), a name typed in halves ("la fc"), a date among counts and sections.
    expect(read('anaheim game friday, 2 glass')).toEqual(['kings-ducks', 'glass', 2]);
    expect(read('la kings 6 dec x2 sec 112')).toEqual(['kings-sharks', '112', 2]);
    const tuesdayBefore = new Date('2026-12-01T12:00:00-08:00');
    expect(recognize('this fridays hockey game - 5 seats in 204 pls lmk', venue, tuesdayBefore)).toMatchObject({ event: { id: 'kings-ducks' }, section: { id: '204' }, quantity: 5 });
    expect(read('muna at the forum in january, 2 in section 101')).toEqual(['phoebe-bridgers', '101', 2]);
    expect(read('the new years thing 2 vip')).toEqual(['nye-gala', 'vip', 2]);
    expect(recognize('LA FC vs Seattle, 2 corner', finder, NOW).event?.id).toBe('lafc-sounders');
  });

  it('reads the date beside "night" and "the second show"', () => {
    expect(recognize('hamilton second show, feb 14', finder, NOW).event?.id).toBe(HAMILTON_MATINEE);
    expect(recognize('hamilton, the night of feb 13', finder, NOW).event?.id).toBe(HAMILTON);
  });
});

describe('recognize: numbers on their own', () => {
  // The dialog knows whether it asked "how many?" or "which one?".
  const rows: Row[] = [
    ['3', { intent: 'unknown', bareNumber: 3 }],
    ['three', { intent: 'unknown', bareNumber: 3 }],
    ['Three.', { intent: 'unknown', bareNumber: 3 }],
    ['#2', { intent: 'unknown', bareNumber: 2 }],
    ['2️⃣', { intent: 'unknown', bareNumber: 2 }],
    ['option 3', { intent: 'unknown', bareNumber: 3 }],
    ['the second one', { intent: 'unknown', bareNumber: 2 }],
    ['ok 2 pls', { intent: 'unknown', bareNumber: 2 }],
    ['yes 2', { intent: 'unknown', bareNumber: 2 }],
    // A section number typed alone: a bare number, never a party of 101.
    ['101', { intent: 'unknown', bareNumber: 101 }],
  ];

  it.each(rows)('%j → %o', (text, expected) => {
    expect(noticed(text)).toEqual(expected);
  });
});

describe('recognize: orders, upgrades and getting around', () => {
  const rows: Row[] = [
    ['status', { intent: 'status' }],
    ['order status pls', { intent: 'status' }],
    ['where r my tickets', { intent: 'status' }],
    ['wheres my tix??', { intent: 'status' }],
    ['did i pay?', { intent: 'status' }],
    ['did my payment go through', { intent: 'status' }],
    ['i want a refund', { intent: 'cancel_order' }],
    ['where is my refund', { intent: 'status' }],
    ['refund status BX-7K2Q', { intent: 'status', orderId: 'BX-7K2Q' }],
    ['cancel my order', { intent: 'cancel_order' }],
    ['can i get my money back?', { intent: 'cancel_order' }],
    ['please cancel my tickets', { intent: 'cancel_order' }],
    ['cancel my order BX-7K2Q', { intent: 'cancel_order', orderId: 'BX-7K2Q' }],
    ['refund bx 7k2q', { intent: 'cancel_order', orderId: 'BX-7K2Q' }],
    ['bx-7k2q', { intent: 'status', orderId: 'BX-7K2Q' }],
    ['my order is BX 7K2Q?', { intent: 'status', orderId: 'BX-7K2Q' }],
    ['cancel BX-7K2Q', { intent: 'cancel_order', orderId: 'BX-7K2Q' }],
    ['upgrade please', { intent: 'upgrade' }],
    ['can I move closer?', { intent: 'upgrade' }],
    ['any better seats?', { intent: 'upgrade' }],
    ['upgrade my lakers tickets to courtside', { intent: 'upgrade', event: LAKERS, section: 'courtside' }],
    ['upgrade BX-7K2Q', { intent: 'upgrade', orderId: 'BX-7K2Q' }],
    ['hi', { intent: 'greeting' }],
    ['Hello!', { intent: 'greeting' }],
    ['hey there', { intent: 'greeting' }],
    ['heyyy bot', { intent: 'greeting' }],
    ['HELP!', { intent: 'help' }],
    ['?', { intent: 'help' }],
    ['what can you do?', { intent: 'help' }],
    ['info', { intent: 'help' }],
    ['i need help', { intent: 'help' }],
    ['cancel', { intent: 'leave' }],
    ['Cancel.', { intent: 'leave' }],
    ['EXIT', { intent: 'leave' }],
    ['never mind', { intent: 'leave' }],
    ['nvm', { intent: 'leave' }],
    ['forget it', { intent: 'leave' }],
    // Twilio acts on an SMS STOP before the bot sees it; on chat it leaves the purchase.
    ['stop', { intent: 'leave' }],
    ['ok cancel that pls', { intent: 'leave' }],
    ['actually cancel, not doing lakers anymore', { intent: 'leave' }],
    ['start over', { intent: 'restart' }],
    ['restart', { intent: 'restart' }],
    ['MAIN MENU', { intent: 'restart' }],
    ['can we start over', { intent: 'restart' }],
    ['yes', { intent: 'yes' }],
    ['YES', { intent: 'yes' }],
    ['Yep!', { intent: 'yes' }],
    ['yes please', { intent: 'yes' }],
    ['ok', { intent: 'yes' }],
    ['sure thing', { intent: 'yes' }],
    ['👍', { intent: 'yes' }],
    ['nope', { intent: 'no' }],
    ['no', { intent: 'no' }],
    ['nah', { intent: 'no' }],
    ['no thanks', { intent: 'no' }],
    ['no, 3 tickets', { intent: 'buy', quantity: 3 }],
    ['', { intent: 'unknown' }],
    ['   ', { intent: 'unknown' }],
    ['🙂', { intent: 'unknown' }],
    ['asdfghjkl', { intent: 'unknown' }],
    ['lol', { intent: 'unknown' }],
  ];

  it.each(rows)('%j → %o', (text, expected) => {
    expect(noticed(text)).toEqual(expected);
  });
});

describe('recognize: long messages', () => {
  // Twilio joins a long SMS into one body of up to 1,600 characters.
  const rambling = 'honestly i just really want to see the lakers this season '.repeat(40).slice(0, 1600);
  const noise = 'blah '.repeat(320);

  it('reads a 1,600-character message', () => {
    expect(rambling).toHaveLength(1600);
    expect(noticed(rambling)).toEqual({ intent: 'buy', event: LAKERS });
    expect(noticed(noise)).toEqual({ intent: 'unknown' });
  });

  it('reads only the first 1,600 characters of anything longer, without throwing', () => {
    expect(noticed(`${noise}${'x'.repeat(50_000)} lakers`)).toEqual({ intent: 'unknown' });
    expect(noticed('9'.repeat(5000))).toEqual({ intent: 'unknown' });
  });
});

describe('normalize', () => {
  it.each([
    ['  Where’s   MY tickets?! ', 'wheres my tickets?'],
    ['Lakers & Warriors — 2 tix', 'lakers and warriors 2 tix'],
    ['$1,000.50 at 7:30 on 12/5.', '$1000.50 at 7:30 on 12/5'],
    ['<$100 👍', 'under $100 yes'],
    ['kings 2 seats section two oh four', 'kings 2 seats section 204'],
    ['sec 1 0 1 pls', 'sec 101 pls'],
    ['lower lvl or front mezz, 2 orch', 'lower level or front mezzanine 2 orchestra'],
  ])('%j → %j', (text, expected) => {
    expect(normalize(text)).toBe(expected);
  });
});
