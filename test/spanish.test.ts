// Spanish, below the dialogs: which language a message is in, how it is
// glossed for the recognizer, the notices about a Spanish order, and that
// every Spanish sentence keeps to the GSM-7 alphabet.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languageOfMessage } from '../dialogs/language.js';
import { recognize } from '../dialogs/message.recognizer.js';
import { glossSpanish } from '../dialogs/spanish.js';
import { describeSeats, formatEventTime } from '../src/catalog/describe.js';
import { noticeMessage } from '../src/notifications/notice.messages.js';
import type { Order } from '../src/orders/order.js';
import { HAMILTON, LAFC_SOUNDERS, SAMPLE_NOW, sampleCatalog, sampleFinder } from './support/sample-catalog.js';

describe('the language of a message', () => {
  it.each([
    ['Hola, quiero 2 boletos para los Kings el domingo', 'es'],
    ['somos 4, platea', 'es'],
    ['cuánto cuesta el vip?', 'es'],
    ['hamilton sábado en la noche', 'es'],
    ['2 tickets pa los lakers, sección 101', 'es'],
    ['2 tickets for the lakers game', 'en'],
    ['can i get 2 for the kings', 'en'],
    ['2 tickets for the lakers at crypto.com arena, los angeles', 'en'],
  ])('%j reads as %s', (text, language) => {
    expect(languageOfMessage(text)).toBe(language);
  });

  it.each(['2', 'hozier vip', 'el trafico', 'LA Galaxy', 'premium', '👍'])('%j could be either, so it changes nothing', (text) => {
    expect(languageOfMessage(text)).toBeUndefined();
  });
});

describe('a Spanish message in the recognizer’s words', () => {
  it.each([
    ['somos 4 para el show de magia, platea', 'we are 4 for magic show orchestra'],
    ['yo y mi hijo, sección 101', 'me and my kid section 101'],
    ['dos adultos y tres niños', 'two adults and three kids'],
    ['mi esposo, mis dos hijos y yo', 'my husband my two kids and me'],
    ['admisión general', 'general admission'],
    ['la pista general', 'floor'],
    ['perdón, domingo no viernes', 'sorry domingo not viernes'],
  ])('%j → %j', (spanish, english) => {
    expect(glossSpanish(spanish)).toBe(english);
  });

  it('keeps days, months and parts of the day for the date reader, and names that carry articles', () => {
    expect(glossSpanish('el sábado 13 de febrero en la noche')).toBe('el sabado 13 de febrero in la noche');
    expect(glossSpanish('boletos para el tráfico')).toBe('tickets for el trafico');
  });

  it('reads a whole Spanish request once glossed: event, performance, section and party', () => {
    const said = recognize(glossSpanish('LAFC contra Seattle, seríamos él, yo y nuestros dos hijos, en la esquina (sección 120)'), sampleFinder, SAMPLE_NOW);
    expect([said.event?.id, said.section?.id, said.quantity]).toEqual([LAFC_SOUNDERS, '120', 4]);
    const night = recognize(glossSpanish('dos para hamilton el sábado, mezzanine'), sampleFinder, SAMPLE_NOW);
    expect([night.event?.id, night.section?.id, night.quantity]).toEqual([HAMILTON, 'mezzanine', 2]);
  });
});

describe('Spanish dates and seats', () => {
  it('writes the day before the month, in the venue’s time', () => {
    expect(formatEventTime('2027-02-13T19:30:00-08:00', 'es')).toBe('sab 13 feb, 7:30pm');
    expect(formatEventTime('2027-02-13T19:30:00-08:00')).toBe('Sat Feb 13, 7:30pm');
  });

  it('names seats and seat-map words in Spanish, and leaves a name of its own as it is', () => {
    const section = sampleCatalog.section('hozier', '101')!;
    expect(describeSeats(section, ['A-1', 'A-2'], 2, 'es')).toBe('Seccion 101 (Nivel inferior), fila A, asientos 1-2');
    expect(describeSeats(sampleCatalog.section('hozier', 'ga')!, [], 3, 'es')).toBe('Pista (Admision general), 3 lugares');
    expect(describeSeats(sampleCatalog.section('lafc-galaxy', 'field-club')!, [], 1, 'es')).toBe('Field Club, 1 lugar');
  });
});

describe('notices about an order made in Spanish', () => {
  const order: Order = {
    id: 'BX-7K2Q', kind: 'tickets', state: 'fulfilled', language: 'es',
    customer: { channel: 'sms', address: '+15551230000' },
    eventId: HAMILTON, sectionId: 'orchestra', quantity: 2, seats: ['A-1', 'A-2'], unitAmount: 21900, amount: 43800, currency: 'usd',
    holdExpiresAt: 0, tickets: ['T1', 'T2'], refundedTickets: [], transferredTickets: [], refundedAmount: 0,
    createdAt: SAMPLE_NOW.toISOString(), updatedAt: SAMPLE_NOW.toISOString(), timeline: [],
  };

  it('sends the tickets in Spanish', () => {
    expect(noticeMessage('tickets', order, sampleCatalog).text).toBe(
      '¡Pagado, gracias! Hamilton, sab 13 feb, 7:30pm, Hollywood Pantages Theatre, Los Angeles. Platea, fila A, asientos 1-2.\n' +
        'Sus boletos: T1, T2\nMuestre este mensaje en la entrada. Pedido BX-7K2Q.',
    );
  });

  it('sends the same notice in English for an order with no language', () => {
    const { language: _, ...english } = order;
    expect(noticeMessage('tickets', english, sampleCatalog).text).toMatch(/^Paid, thank you! Hamilton, Sat Feb 13/);
  });
});

describe('Spanish within GSM-7', () => {
  // Every non-ASCII letter a Spanish sentence may use; á, í, ó and ú would turn an SMS into UCS-2.
  const GSM7_LETTERS = new Set('£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿¡äöñüà€');
  const SENTENCES = ['dialogs/replies.es.ts', 'src/notifications/notice.words.es.ts', 'src/catalog/section-names.es.ts', 'src/catalog/describe.ts'];

  it.each(SENTENCES)('%s says nothing outside it', (file) => {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    const outside = [...new Set(code)].filter((char) => char.charCodeAt(0) > 127 && !GSM7_LETTERS.has(char));
    expect(outside).toEqual([]);
  });
});
