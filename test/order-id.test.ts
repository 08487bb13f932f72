import { describe, expect, it } from 'vitest';
import {
  ID_ALPHABET,
  isOrderId,
  newOfferId,
  newOrderId,
  parseOfferId,
  parseOrderId,
} from '../src/orders/order-id.js';

describe('newOrderId', () => {
  it('is BX- and 4 characters a customer cannot misread', () => {
    for (let i = 0; i < 2_000; i += 1) {
      const id = newOrderId();
      expect(id).toMatch(/^BX-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
      expect(id.slice(3)).not.toMatch(/[01OIL]/);
    }
  });

  // 4 characters from 31 give 923,521 ids, so over many draws some repeat by
  // the birthday bound (the store claims ids and redraws). What we check is
  // that draws are spread as evenly as true randomness would spread them.
  it('draws nearly as many distinct ids as chance allows, using every character in every place', () => {
    const draws = 20_000;
    const ids = Array.from({ length: draws }, newOrderId);
    const space = ID_ALPHABET.length ** 4;
    const expectedDistinct = space * (1 - Math.exp(-draws / space)); // ≈ 19,785
    expect(new Set(ids).size).toBeGreaterThan(expectedDistinct - 150);
    for (let place = 3; place < 7; place += 1) {
      expect(new Set(ids.map((id) => id[place])).size).toBe(ID_ALPHABET.length);
    }
  });

  it('has no repeat within a few hundred draws, what one customer ever sees', () => {
    // P(any repeat in 100 draws) ≈ 0.5%: a regression to a tiny alphabet or a fixed seed fails loudly.
    const ids = Array.from({ length: 100 }, newOrderId);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(99);
  });

  it('passes its own canonical check', () => {
    expect(isOrderId(newOrderId())).toBe(true);
    expect(isOrderId('bx-7k2q')).toBe(false);
    expect(isOrderId('BX-7K2O')).toBe(false);
  });

  it('grows to 5 and 6 characters when asked, and those parse back', () => {
    for (const length of [5, 6]) {
      const id = newOrderId(length);
      expect(id).toMatch(new RegExp(`^BX-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{${length}}$`));
      expect(isOrderId(id)).toBe(true);
      expect(parseOrderId(`order ${id.toLowerCase()} please`)).toBe(id);
    }
  });
});

describe('newOfferId', () => {
  it('is UP- and 4 characters from the same alphabet', () => {
    for (let i = 0; i < 500; i += 1) expect(newOfferId()).toMatch(/^UP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
    const id = newOfferId();
    expect(parseOfferId(id.toLowerCase())).toBe(id);
  });
});

describe('parseOrderId', () => {
  it.each([
    ['BX-7K2Q', 'BX-7K2Q'],
    ['bx-7k2q', 'BX-7K2Q'],
    ['BX 7K2Q', 'BX-7K2Q'],
    ['bx7k2q', 'BX-7K2Q'],
    ['my order is BX-7K2Q?', 'BX-7K2Q'],
    ['  bx_7k2q  ', 'BX-7K2Q'],
    ['Bx.7K2q', 'BX-7K2Q'],
    ['order #BX#7K2Q', 'BX-7K2Q'],
    ['BX\u20147K2Q', 'BX-7K2Q'], // an em dash, as phones autocorrect it
    ['refund bx - 9zzz please', 'BX-9ZZZ'],
    ['(BX-7K2Q)', 'BX-7K2Q'],
    ['not BX-7K2O but BX-7K2Q', 'BX-7K2Q'],
  ])('%j → %s', (text, id) => {
    expect(parseOrderId(text)).toBe(id);
  });

  it.each([
    [''],
    ['hello'],
    ['7K2Q'], // no prefix
    ['BX-7K2'], // too short
    ['BX-7K2QAB7'], // too long
    ['BX-7K2O'], // O is not in the alphabet
    ['BX-0K2Q'], // nor 0
    ['BX-1K2Q'], // nor 1
    ['bx-ik2q'], // nor I
    ['bx-lk2q'], // nor L
    ['XBX-7K2Q'], // prefix inside a word
    ['UP-7K2Q'], // an offer id, not an order id
    ['BX-7K!2Q'],
  ])('%j → undefined', (text) => {
    expect(parseOrderId(text)).toBeUndefined();
  });
});
