import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog, parseCatalog } from '../src/catalog/catalog.loader.js';
import { isSeated, sectionCapacity } from '../src/catalog/catalog.schema.js';

const SAMPLE = 'catalog/sample-events.json';
/** A clock before the sample's first event, so its dates read as the file writes them. */
const NOW = new Date('2026-11-23T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'catalog-loader-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeCatalog(content: string): string {
  const path = join(dir, `catalog-${++fileCount}.json`);
  writeFileSync(path, content);
  return path;
}

/** The error loadCatalog throws for this file; fails the test if it loads. */
function loadError(path: string): CatalogError {
  try {
    loadCatalog(path, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return err as CatalogError;
  }
  throw new Error(`${path} loaded, but it should have been rejected`);
}

type Json = Record<string, any>;

/** A small valid catalog; each bad case below breaks one thing in a fresh copy. */
function validCatalog(): Json {
  return {
    events: [
      {
        id: 'lakers-warriors-2026-12-05',
        name: 'Lakers vs Warriors',
        startsAt: '2026-12-05T19:30:00-08:00',
        venue: 'Arena',
        currency: 'usd',
        aliases: ['lakers', 'warriors'],
        sections: [
          { id: '101', name: 'Section 101', tier: 1, price: 20000, rows: { A: 20, B: 20 } },
          { id: 'courtside', name: 'Courtside', tier: 3, price: 150000, rows: { CS: 10 } },
          { id: 'ga', name: 'Standing', tier: 0, price: 5000, capacity: 500 },
        ],
      },
      {
        id: 'hamilton-2027-02-13',
        name: 'Hamilton',
        startsAt: '2027-02-13T19:30:00-08:00',
        venue: 'Pantages',
        currency: 'usd',
        sections: [{ id: 'orchestra', name: 'Orchestra', tier: 2, price: 21900, rows: { D: 18 } }],
      },
    ],
  };
}

describe('the sample catalog', () => {
  const catalog = loadCatalog(SAMPLE, NOW);
  const events = catalog.events();

  it('loads six events, all after 2026-11-23 and between Dec 2026 and May 2027', () => {
    expect(events).toHaveLength(6);
    expect(catalog.upcoming(NOW)).toHaveLength(6);
    for (const event of events) {
      expect(event.startsAt >= '2026-12-01' && event.startsAt < '2027-06-01', event.id).toBe(true);
      expect(event.currency).toBe('usd');
    }
  });

  it('has a show with two performances and a team with two home games', () => {
    expect(events.filter((event) => event.name === 'Hamilton').map((event) => event.startsAt)).toEqual(['2027-02-13T19:30:00-08:00', '2027-02-14T14:00:00-08:00']);
    expect(events.filter((event) => event.aliases.includes('lafc')).map((event) => event.name)).toEqual(['LAFC vs LA Galaxy', 'LAFC vs Seattle Sounders']);
  });

  it('has the basketball game of the design, with courtside, section 101 and standing', () => {
    const game = catalog.event('lakers-warriors');
    expect(game?.aliases).toEqual(expect.arrayContaining(['lakers', 'warriors', 'la lakers', 'dubs']));
    expect(catalog.section('lakers-warriors', '101')).toMatchObject({ tier: 1, price: 20000, rows: { A: 20, B: 20 } });
    expect(catalog.section('lakers-warriors', 'courtside')).toMatchObject({ tier: 3, price: 150000 });
    expect(catalog.section('lakers-warriors', 'ga')).toMatchObject({ tier: 0, price: 5000 });
  });

  it('has tiers 0 to 3, seated rows of 10-30 seats, general admission and modest capacities', () => {
    const sections = events.flatMap((event) => event.sections);
    expect(new Set(sections.map((section) => section.tier))).toEqual(new Set([0, 1, 2, 3]));
    expect(sections.some((section) => !isSeated(section))).toBe(true);
    for (const section of sections.filter(isSeated)) {
      for (const seats of Object.values(section.rows)) expect(seats).toSatisfy((n: number) => n >= 10 && n <= 30);
    }
    for (const event of events) {
      const capacity = event.sections.reduce((sum, section) => sum + sectionCapacity(section), 0);
      expect(capacity, event.id).toBeGreaterThan(100);
      expect(capacity, event.id).toBeLessThan(600);
    }
  });

  it('prices a better tier higher within each event, so an upgrade never costs less than nothing', () => {
    for (const event of events) {
      const byTier = [...event.sections].sort((a, b) => a.tier - b.tier);
      for (let i = 1; i < byTier.length; i++) expect(byTier[i]!.price, event.id).toBeGreaterThanOrEqual(byTier[i - 1]!.price);
    }
  });
});

describe('a bad catalog stops start-up with one line naming the file and the field', () => {
  const cases: Array<[string, (catalog: Json) => void, string]> = [
    ['missing price', (c) => delete c.events[0].sections[0].price, 'events[0].sections[0].price: is required'],
    ['negative price', (c) => (c.events[0].sections[1].price = -500), 'events[0].sections[1].price: must be a positive whole number of cents'],
    ['zero price', (c) => (c.events[0].sections[1].price = 0), 'events[0].sections[1].price: must be a positive whole number of cents'],
    ['price as a string "200.00"', (c) => (c.events[0].sections[0].price = '200.00'), 'events[0].sections[0].price: must be a positive whole number of cents, e.g. 20000 for $200.00 (got "200.00")'],
    ['price in dollars, 199.99', (c) => (c.events[1].sections[0].price = 199.99), 'events[1].sections[0].price: must be a positive whole number of cents'],
    ['duplicate section id', (c) => (c.events[0].sections[2].id = '101'), 'events[0].sections[2].id: duplicate section id "101"'],
    ['duplicate event id', (c) => (c.events[1].id = c.events[0].id), 'events[1].id: duplicate event id "lakers-warriors-2026-12-05"'],
    ['upper-case currency', (c) => (c.events[0].currency = 'USD'), 'events[0].currency: must be a lower-case ISO 4217 code such as "usd"'],
    ['currency as a word', (c) => (c.events[1].currency = 'dollars'), 'events[1].currency: must be a lower-case ISO 4217 code'],
    ['date in words', (c) => (c.events[0].startsAt = 'Dec 5 2026, 7:30pm'), 'events[0].startsAt: must be an ISO 8601 date and time with a UTC offset'],
    ['date without a UTC offset', (c) => (c.events[0].startsAt = '2026-12-05T19:30:00'), 'events[0].startsAt: must be an ISO 8601'],
    ['a day that does not exist', (c) => (c.events[1].startsAt = '2027-02-30T19:30:00-08:00'), 'events[1].startsAt: must be an ISO 8601'],
    ['empty sections', (c) => (c.events[1].sections = []), 'events[1].sections: an event needs at least one section'],
    ['sections missing', (c) => delete c.events[1].sections, 'events[1].sections: is required'],
    ['a section with rows and capacity', (c) => (c.events[0].sections[2].rows = { A: 10 }), 'events[0].sections[2]: has both "rows" and "capacity"'],
    ['a section with neither rows nor capacity', (c) => delete c.events[0].sections[1].rows, 'events[0].sections[1]: needs "rows" (a seated section) or "capacity" (general admission)'],
    ['a row of no seats', (c) => (c.events[0].sections[0].rows.B = 0), 'events[0].sections[0].rows.B: must be a whole number of seats from 1 to 200'],
    ['a bad row name', (c) => (c.events[0].sections[0].rows = { 'Row A': 20 }), 'events[0].sections[0].rows["Row A"]: row names are 1-4 letters or digits'],
    ['no rows at all', (c) => (c.events[0].sections[0].rows = {}), 'events[0].sections[0].rows: a seated section needs at least one row'],
    ['zero capacity', (c) => (c.events[0].sections[2].capacity = 0), 'events[0].sections[2].capacity: must be a whole number of places'],
    ['negative tier', (c) => (c.events[0].sections[0].tier = -1), 'events[0].sections[0].tier: must be 0 or more'],
    ['unknown field in an event', (c) => (c.events[0].venu = 'Arena'), 'events[0].venu: unknown field'],
    ['unknown field in a section', (c) => (c.events[0].sections[1].prize = 5), 'events[0].sections[1].prize: unknown field'],
    ['empty name', (c) => (c.events[1].name = '  '), 'events[1].name: must not be empty'],
    ['id with spaces', (c) => (c.events[0].id = 'lakers warriors'), 'events[0].id: must be letters, digits, "-" and "_" only'],
    ['aliases as one string', (c) => (c.events[0].aliases = 'lakers, warriors'), 'events[0].aliases: must be a list of words'],
    ['refund window in days, "2d"', (c) => (c.events[0].refundableUntilHours = '2d'), 'events[0].refundableUntilHours: must be a whole number of hours, e.g. 48 (got "2d")'],
    ['refund window of half an hour', (c) => (c.events[0].refundableUntilHours = 0.5), 'events[0].refundableUntilHours: must be a whole number of hours'],
    ['negative refund window', (c) => (c.events[1].refundableUntilHours = -48), 'events[1].refundableUntilHours: must be 0 or more hours'],
    ['no events', (c) => (c.events = []), 'events: the catalog needs at least one event'],
    ['"event" for "events"', (c) => ((c.event = c.events), delete c.events), 'events: is required'],
  ];

  it.each(cases)('%s', (_name, breakIt, expected) => {
    const catalog = validCatalog();
    breakIt(catalog);
    const path = writeCatalog(JSON.stringify(catalog, null, 2));
    const error = loadError(path);
    expect(error.message).toContain(`${path}: ${expected}`);
    expect(error.message).not.toContain('\n');
  });

  it('reports the first problem and counts the rest', () => {
    const catalog = validCatalog();
    catalog.events[0].currency = 'USD';
    catalog.events[1].sections[0].price = '219.00';
    const error = loadError(writeCatalog(JSON.stringify(catalog)));
    expect(error.message).toMatch(/events\[0\]\.currency: .* \(and 1 more problem\)$/);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[1]).toContain('events[1].sections[0].price: must be a positive whole number of cents');
  });

  it('has the name the start-up handler prints as one line', () => {
    expect(loadError(writeCatalog('{}')).name).toBe('CatalogError');
  });
});

describe('a catalog file that cannot be read or parsed', () => {
  it('names a missing file, shown relative to the working folder when inside it', () => {
    expect(loadError('catalog/no-such-file.json').message).toBe(
      'catalog/no-such-file.json: catalog file not found (set CATALOG_PATH to an events JSON file)',
    );
    expect(loadError(resolve('catalog/no-such-file.json')).message).toMatch(/^catalog\/no-such-file\.json: catalog file not found/);
  });

  it('names a folder given for a file', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(loadError(folder).message).toBe(`${folder}: is a folder, not a catalog file (set CATALOG_PATH to an events JSON file)`);
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file', () => {
    const path = writeCatalog(JSON.stringify(validCatalog()));
    chmodSync(path, 0o000);
    expect(loadError(path).message).toBe(`${path}: cannot read the catalog file: permission denied`);
  });

  it('names an empty file', () => {
    const path = writeCatalog('  \n');
    expect(loadError(path).message).toBe(`${path}: the catalog file is empty (expected JSON like { "events": [...] })`);
  });

  it.each([
    ['a trailing comma', '{\n  "events": [\n    { "id": "a", }\n  ]\n}', 'line 3, column 18'],
    ['a stray token', '{\n  "events": [ }\n}', 'line 2, column 15'],
    ['a cut-off file', '{\n  "events": [\n', 'line 3, column 1'],
    ['a bare word', '{ "events": nope }', 'line 1, column 14'],
  ])('gives the line and column of invalid JSON: %s', (_name, content, place) => {
    const path = writeCatalog(content);
    const { message } = loadError(path);
    expect(message).toMatch(new RegExp(`^${escape(path)}: invalid JSON at ${place}: \\S`));
    expect(message).not.toContain('\n');
  });

  it('accepts a file that starts with a byte order mark', () => {
    expect(loadCatalog(writeCatalog(`\uFEFF${JSON.stringify(validCatalog())}`), NOW).events()).toHaveLength(2);
  });
});

describe('parseCatalog', () => {
  it('returns an EventCatalog for valid JSON, with aliases defaulted', () => {
    const catalog = parseCatalog(validCatalog(), 'test', NOW);
    expect(catalog.event('hamilton-2027-02-13')?.aliases).toEqual([]);
    expect(catalog.section('lakers-warriors-2026-12-05', 'ga')).toMatchObject({ capacity: 500 });
  });

  it('names the source it was given', () => {
    expect(() => parseCatalog({ events: 'none' }, 'inline', NOW)).toThrow('inline: events: must be a list of events');
    expect(() => parseCatalog(null, 'inline', NOW)).toThrow('inline: must be an object with an "events" list');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
