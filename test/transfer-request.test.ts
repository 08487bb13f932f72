// How customers ask to give tickets to someone, written as they text it
// (before the reader was): who to (a phone number however it is typed), how
// many (digits, words, "both", "all", none said), and an order id when they
// give one; and messages that only look alike, which are not transfers.
import { describe, expect, it } from 'vitest';
import { readTransfer } from '../dialogs/transfer-request.js';

const ASKS: ReadonlyArray<readonly [string, { to: string; quantity?: number; all?: boolean; orderId?: string }]> = [
  ['send 1 ticket to +1 206 555 0100', { to: '+12065550100', quantity: 1 }],
  ['give my tickets to 2065550100', { to: '+12065550100', all: true }],
  ['transfer 2 to my friend +44 7700 900123', { to: '+447700900123', quantity: 2 }],
  ['can u send one of my tickets to (206) 555-0100', { to: '+12065550100', quantity: 1 }],
  ['Send both tix to 206.555.0100 pls', { to: '+12065550100', quantity: 2 }],
  ['transfer tickets to 1-206-555-0100', { to: '+12065550100', all: true }],
  ['i want to give a ticket to my sister 206 555 0100', { to: '+12065550100', quantity: 1 }],
  ['forward 3 tickets to +12065550100', { to: '+12065550100', quantity: 3 }],
  ['send all my tickets to +1-206-555-0100', { to: '+12065550100', all: true }],
  ['transfer BX-7K2Q to 2065550100', { to: '+12065550100', all: true, orderId: 'BX-7K2Q' }],
  ['send 2 tickets from BX-7K2Q to +1 206 555 0100', { to: '+12065550100', quantity: 2, orderId: 'BX-7K2Q' }],
  ['Give 1 ticket to Sam at 206-555-0100', { to: '+12065550100', quantity: 1 }],
  ['pass my extra ticket to 2065550100', { to: '+12065550100', quantity: 1 }],
  ['send them to +1 206 555 0100', { to: '+12065550100', all: true }],
  ['transfer two tickets to +33 6 12 34 56 78', { to: '+33612345678', quantity: 2 }],
  ['enviar 2 boletos a +52 55 1234 5678', { to: '+525512345678', quantity: 2 }],
  ['pasale mis boletos a 2065550100', { to: '+12065550100', all: true }],
];

const NOT_TRANSFERS = [
  '2 tickets lakers section 101',
  'send me the tickets again',
  'can you send my tickets',
  'my number is 206 555 0100',
  'call me at 2065550100',
  'send 2 tickets',
  'transfer',
  'give me 4 tickets for hamilton',
  'status BX-7K2Q',
  'whats the price of 2 tickets',
];

describe('reading a request to give tickets away', () => {
  it.each(ASKS)('%j', (text, expected) => {
    expect(readTransfer(text)).toEqual(expected);
  });

  it.each(NOT_TRANSFERS)('%j is not a transfer', (text) => {
    expect(readTransfer(text)).toBeUndefined();
  });

  it('says so when the number cannot be a phone number, rather than guessing', () => {
    expect(readTransfer('send 1 ticket to 555 0100')).toEqual({ to: undefined, quantity: 1 });
    expect(readTransfer('give my tickets to +1 206 555 0100 0100 0100')).toEqual({ to: undefined, all: true });
  });

  it('reads a long text, emoji and all, without trouble', () => {
    expect(readTransfer(`🎟️ send 1 ticket to +1 206 555 0100 ${'thanks so much '.repeat(100)}`)).toEqual({ to: '+12065550100', quantity: 1 });
  });
});
