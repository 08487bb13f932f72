// How customers ask about the card they saved, written as they text it:
// which card is saved, and to remove it; and messages about cards that are
// neither (paying by card, a declined card), which must not be read as them.
import { describe, expect, it } from 'vitest';
import { EventFinder } from '../src/catalog/event-finder.js';
import { recognize } from '../dialogs/message.recognizer.js';
import { SAMPLE_NOW, sampleCatalog } from './support/sample-catalog.js';

const finder = new EventFinder(sampleCatalog);
const intentOf = (text: string) => recognize(text, finder, SAMPLE_NOW).intent;

const WHICH = ['my card', 'My card?', 'which card do you have', 'what card is saved', 'card on file?', 'what card do you have on file', 'which card will you charge', 'mi tarjeta', 'que tarjeta tienen guardada'];
const FORGET = ['forget my card', 'FORGET MY CARD', 'remove my card', 'delete my card please', 'please delete my saved card', 'stop saving my card', 'remove my card on file', 'borra mi tarjeta', 'olvida mi tarjeta', 'eliminar mi tarjeta'];
const NEITHER = ['can i pay by card', 'my card was declined', '2 tickets lakers section 101', 'do you take amex cards', 'send my ticket to 2065550100', 'status'];

describe('reading requests about a saved card', () => {
  it.each(WHICH)('%j asks which card is saved', (text) => expect(intentOf(text)).toBe('my_card'));
  it.each(FORGET)('%j asks to remove it', (text) => expect(intentOf(text)).toBe('forget_card'));
  it.each(NEITHER)('%j is neither', (text) => expect(['my_card', 'forget_card']).not.toContain(intentOf(text)));
});
