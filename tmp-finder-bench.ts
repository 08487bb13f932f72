import { loadCatalog } from './src/catalog/catalog.loader.js';
import { EventFinder } from './src/catalog/event-finder.js';
const catalog = loadCatalog('catalog/sample-events.json');
// a catalog of 40 events: the sample x10 with other ids
const big = { events: Array.from({ length: 10 }, (_, k) => catalog.events().map((e) => ({ ...e, id: `${e.id}-${k}`, aliases: [...e.aliases, `extra${k}`, `team number ${k}`] }))).flat() };
const { parseCatalog } = await import('./src/catalog/catalog.loader.js');
const t0 = performance.now();
const f = new EventFinder(parseCatalog(big, 'big'));
console.log('build ms', (performance.now() - t0).toFixed(2));
const msgs = ['2 tickets for the lakers game section 101', 'lakrs', 'hello', 'can i get 4 tix to hozier on friday please', 'warriors vs lakers', 'what time does the hamiltn show start tonight'];
const now = new Date('2026-11-23T12:00:00Z');
for (let i = 0; i < 2000; i++) for (const m of msgs) f.find(m, now);
const n = 20000; const t1 = performance.now();
for (let i = 0; i < n; i++) f.find(msgs[i % msgs.length]!, now);
console.log('find µs/call', ((performance.now() - t1) * 1000 / n).toFixed(2));
const bigCat = parseCatalog(big, "big"); const f2 = new EventFinder(bigCat); const ev = bigCat.events()[0]!; const t2 = performance.now();
for (let i = 0; i < n; i++) f2.findSection(ev, msgs[i % msgs.length]!);
console.log('findSection µs/call', ((performance.now() - t2) * 1000 / n).toFixed(2));
