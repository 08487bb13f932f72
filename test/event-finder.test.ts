import { describe, expect, it } from 'vitest';
import { HAMILTON, HAMILTON_MATINEE, HOZIER, LAFC, LAKERS, SAMPLE_NOW, sampleCatalog, sampleFinder } from './support/sample-catalog.js';
import { loadCatalog, parseCatalog } from '../src/catalog/catalog.loader.js';
import { EventFinder } from '../src/catalog/event-finder.js';
import { editDistance, normalizeWords } from '../src/catalog/phrase-index.js';

const NOW = SAMPLE_NOW;
const catalog = sampleCatalog;
const finder = sampleFinder;

const bestEvent = (text: string): string | undefined => finder.find(text, NOW)[0]?.event.id;

describe('EventFinder.find: which event a customer means', () => {
  const typed: Array<[string, string | undefined]> = [
    ['2 tickets for the lakers game section 101', LAKERS],
    ['2 tix lakers', LAKERS],
    ['lakers sat', LAKERS],
    ['lakers', LAKERS],
    ['Lakers', LAKERS],
    ['WARRIORS!!', LAKERS],
    ['LA LAKERS!!!', LAKERS],
    ['warriors vs lakers', LAKERS],
    ['Lakers v. Warriors on the 5th', LAKERS],
    ['lakrs', LAKERS],
    ['lakrs game', LAKERS],
    ['lakres tickets', LAKERS],
    ['warriers', LAKERS],
    ['can I get 4 seats to the dubs game', LAKERS],
    ['golden state', LAKERS],
    ["lakers' game pls", LAKERS],
    ['lakers-warriors', LAKERS],
    ['the hamilton show', HAMILTON],
    ['Hamilton', HAMILTON],
    ['hamiltn tix for saturday', HAMILTON],
    ['hamilton the musical', HAMILTON],
    ['hozier', HOZIER],
    ['2 for hozer pls', HOZIER],
    ['Hozier concert floor', HOZIER],
    ['unreal unearth', HOZIER],
    ['galaxy', LAFC],
    ['LAFC', LAFC],
    ['el tráfico', LAFC],
    ['El Trafico!', LAFC],
    ['2 tix la galaxy', LAFC],
    // Nothing here names an event: the bot should ask, not guess.
    ['hi', undefined],
    ['hello', undefined],
    ['Hey there', undefined],
    ['2 tickets', undefined],
    ['help', undefined],
    ['HELP', undefined],
    ['status', undefined],
    ['cancel', undefined],
    ['yes', undefined],
    ['2', undefined],
    ['101', undefined],
    ['2026', undefined],
    ['', undefined],
    ['!!!', undefined],
    ['what shows are on this weekend?', undefined],
    ['BX-7K2Q', undefined],
    ['la', undefined],
    ['golden', undefined],
    ['los angeles', undefined],
    ['courtside pls', undefined],
  ];

  it.each(typed)('%j → %s', (text, expected) => {
    expect(bestEvent(text)).toBe(expected);
  });

  it('says which words matched and which catalog phrase they matched', () => {
    expect(finder.find('2 tix lakrs sec 101', NOW)[0]).toMatchObject({ matched: 'lakrs', phrase: 'lakers' });
    expect(finder.find('LA LAKERS!!!', NOW)[0]).toMatchObject({ matched: 'la lakers', phrase: 'la lakers' });
  });

  it('scores an exact alias above a typo, and a typo above part of a name', () => {
    const exact = finder.find('lakers', NOW)[0]!.score;
    const typo = finder.find('lakrs', NOW)[0]!.score;
    const partOfName = finder.find('unreal', NOW)[0]!.score;
    expect(exact).toBe(1);
    expect(typo).toBeLessThan(exact);
    expect(partOfName).toBeLessThan(typo);
  });

  it('hears a name spelt the way it sounds, a little below a typo', () => {
    const venue = new EventFinder(loadCatalog('test/corpus/venue-catalog.json', NOW));
    expect(venue.find('feebee bridgers 2 pit', NOW)[0]).toMatchObject({ matched: 'feebee bridgers' });
    expect(venue.find('mulanie', NOW)[0]).toMatchObject({ phrase: 'mulaney', score: 0.8 });
    expect(finder.find('LAFC v galaxie', NOW)[0]?.event.id).toBe(LAFC);
    // Short words have too few sounds to match by ear.
    expect(finder.find('lake', NOW)).toEqual([]);
  });

  it('offers every event a message names, best first', () => {
    expect(finder.find('lakers or hozier?', NOW).map((match) => match.event.id)).toEqual([LAKERS, HOZIER]);
  });

  it('does not offer an event that has started', () => {
    expect(finder.find('lakers', new Date('2026-12-05T19:30:00-08:00'))).toEqual([]);
    expect(finder.find('hamilton', new Date('2026-12-06T00:00:00Z')).map((match) => match.event.id)).toEqual([HAMILTON, HAMILTON_MATINEE]);
  });
});

describe('EventFinder.find with two games of the same team', () => {
  const twoGames = parseCatalog(
    {
      events: [
        event('lakers-celtics-2027-01-10', 'Lakers vs Celtics', '2027-01-10T19:30:00-08:00', ['lakers', 'celtics']),
        event(LAKERS, 'Lakers vs Warriors', '2026-12-05T19:30:00-08:00', ['lakers', 'warriors', 'dubs']),
        event('lakers-suns-2026-11-01', 'Lakers vs Suns', '2026-11-01T19:30:00-08:00', ['lakers', 'suns']),
      ],
    },
    'two games',
    NOW,
  );
  const twoFinder = new EventFinder(twoGames);

  it('offers the sooner upcoming game first when the message fits both, and never the past one', () => {
    expect(twoFinder.find('lakers tix', NOW).map((match) => match.event.id)).toEqual([LAKERS, 'lakers-celtics-2027-01-10']);
  });

  it('prefers the game whose opponent is named too', () => {
    expect(twoFinder.find('lakers vs celtics', NOW)[0]?.event.id).toBe('lakers-celtics-2027-01-10');
    expect(twoFinder.find('celtcs lakers', NOW)[0]?.event.id).toBe('lakers-celtics-2027-01-10');
  });
});

describe('EventFinder.findSection: which section of the event', () => {
  const sections: Array<[string, string, string | undefined]> = [
    [LAKERS, '101', '101'],
    [LAKERS, 'sec 101', '101'],
    [LAKERS, 'section 101', '101'],
    [LAKERS, 'Section 101', '101'],
    [LAKERS, 'Sec. 102 row A', '102'],
    [LAKERS, 's101', '101'],
    [LAKERS, '2 tickets for the lakers game section 101', '101'],
    [LAKERS, 'two in 102 please', '102'],
    [LAKERS, 'courtside', 'courtside'],
    [LAKERS, 'courtside pls', 'courtside'],
    [LAKERS, 'COURTSIDE!!', 'courtside'],
    [LAKERS, 'court side', 'courtside'],
    [LAKERS, 'courtsde', 'courtside'],
    [LAKERS, 'floor seats', 'courtside'],
    [LAKERS, 'premier club', 'club'],
    [LAKERS, 'club seats', 'club'],
    [LAKERS, 'ga', 'ga'],
    [LAKERS, 'GA', 'ga'],
    [LAKERS, 'standing', 'ga'],
    [LAKERS, 'general admission', 'ga'],
    [LAKERS, 'standing room only', 'ga'],
    [LAKERS, '2 tickets', undefined],
    [LAKERS, '2 tix lakers', undefined],
    [LAKERS, 'row 12', undefined],
    [LAKERS, 'sec 999', undefined],
    [LAKERS, 'best available', undefined],
    [HOZIER, 'floor', 'ga'],
    [HOZIER, 'the pit', 'ga'],
    [HOZIER, 'general admision', 'ga'],
    [HOZIER, 'lower bowl', '101'],
    [HOZIER, 'upper', '201'],
    [HOZIER, 'sec 201', '201'],
    [HOZIER, 'VIP', 'vip'],
    [HOZIER, 'front row', 'vip'],
    [HOZIER, 'bowl', undefined], // lower or upper: ask
    [HAMILTON, 'front stalls', 'premium'],
    [HAMILTON, 'stalls', 'orchestra'],
    [HAMILTON, 'orchestra', 'orchestra'],
    [HAMILTON, 'premium orchestra', 'premium'],
    [HAMILTON, 'mezz', 'mezzanine'],
    [HAMILTON, 'mezzanine', 'mezzanine'],
    [HAMILTON, 'mezzanin', 'mezzanine'],
    [HAMILTON, 'standing room', 'standing'],
    [LAFC, 'sec 120', '120'],
    [LAFC, '120 x 2', '120'],
    [LAFC, 'supporters section', 'ga'],
    [LAFC, 'midfeild', 'midfield'],
    [LAFC, 'field club', 'field-club'],
  ];

  it.each(sections)('%s: %j → %s', (eventId, text, expected) => {
    expect(finder.findSection(catalog.event(eventId)!, text)?.id).toBe(expected);
  });

  it('reads a hundred of section numbers, and names the sections a level word fits alike', () => {
    expect(finder.findSection(catalog.event(HOZIER)!, 'the 200s')?.id).toBe('201');
    expect(finder.findSection(catalog.event(LAKERS)!, '2 in the 100 level')).toBeUndefined();
    expect(finder.sectionsNamedAlike(catalog.event(LAKERS)!, '2 in the 100 level').map((section) => section.id)).toEqual(['101', '102']);
    expect(finder.sectionsNamedAlike(catalog.event(HOZIER)!, 'bowl').map((section) => section.id)).toEqual(['101', '201']);
    expect(finder.sectionsNamedAlike(catalog.event(HOZIER)!, 'lower bowl')).toEqual([]);
  });

  it('gives "general admission" to the standing section that says so, not to every standing one', () => {
    const gala = loadCatalog('test/corpus/venue-catalog.json', NOW).event('nye-gala')!;
    const venue = new EventFinder(loadCatalog('test/corpus/venue-catalog.json', NOW));
    expect(venue.findSection(gala, 'general admission')?.id).toBe('floor');
    expect(venue.findSection(gala, 'vip')?.id).toBe('vip');
  });

  it('ranks every section a message could mean', () => {
    const found = finder.findSections(catalog.event(HAMILTON)!, 'front stalls');
    expect(found.map((match) => match.section.id)).toEqual(['premium', 'orchestra']);
    expect(found[0]).toMatchObject({ matched: 'front stalls' });
  });
});

describe('the building blocks', () => {
  it.each([
    ['lakers', 'lakers', 0],
    ['lakrs', 'lakers', 1],
    ['lakres', 'lakers', 1], // a swap of neighbours is one edit
    ['courtsde', 'courtside', 1],
    ['warriers', 'warriors', 1],
    ['hello', 'hozier', 5],
  ])('editDistance(%s, %s) = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('stops counting past the limit', () => {
    expect(editDistance('hello', 'hozier', 1)).toBe(2);
  });

  it('normalizes case, accents and punctuation into words', () => {
    expect(normalizeWords("LA LAKERS!!! El Tráfico, Lakers' sec.101")).toEqual(['la', 'lakers', 'el', 'trafico', 'lakers', 'sec', '101']);
  });
});

function event(id: string, name: string, startsAt: string, aliases: string[]) {
  return {
    id,
    name,
    startsAt,
    venue: 'Crypto.com Arena',
    currency: 'usd',
    aliases,
    sections: [{ id: '101', name: 'Section 101', tier: 1, price: 20000, rows: { A: 20 } }],
  };
}
