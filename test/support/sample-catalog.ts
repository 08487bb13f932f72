// The sample catalog that ships with the project, seen a few weeks before its
// first event, so its dates read as the file writes them (it rolls forward
// only once its first event comes near the clock it is loaded at).
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { EventFinder } from '../../src/catalog/event-finder.js';

export const SAMPLE_NOW = new Date('2026-11-23T12:00:00-08:00');
export const sampleCatalog = loadCatalog('catalog/sample-events.json', SAMPLE_NOW);
export const sampleFinder = new EventFinder(sampleCatalog);

export const LAKERS = 'lakers-warriors';
export const HOZIER = 'hozier';
export const HAMILTON = 'hamilton';
/** The Sunday matinee of the same show. */
export const HAMILTON_MATINEE = 'hamilton-matinee';
export const LAFC = 'lafc-galaxy';
/** LAFC's other home game. */
export const LAFC_SOUNDERS = 'lafc-sounders';
