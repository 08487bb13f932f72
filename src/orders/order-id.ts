import { randomInt } from 'node:crypto';

/**
 * Characters a customer can read off a small screen and type back without
 * guessing: no 0/O, 1/I/L. 31 symbols, so 4 of them give 923,521 ids; the
 * order store claims each id atomically, draws again on a collision, and
 * moves to 5 and then 6 characters when 4-character ids keep colliding, so
 * the id space never runs out.
 */
export const ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Characters after the prefix in a new id. */
export const ID_LENGTH = 4;
/** Longest id body accepted: ids grow to this length as shorter ones fill up. */
export const MAX_ID_LENGTH = 6;

export const ORDER_ID_PREFIX = 'BX';
export const OFFER_ID_PREFIX = 'UP';

/** A fresh order id such as `BX-7K2Q`. Not guaranteed unique: claim it before use. */
export function newOrderId(length = ID_LENGTH): string {
  return newId(ORDER_ID_PREFIX, length);
}

/** A fresh upgrade-offer id such as `UP-9HMX`. Not guaranteed unique: claim it before use. */
export function newOfferId(length = ID_LENGTH): string {
  return newId(OFFER_ID_PREFIX, length);
}

/** True for an order id in its canonical form (`BX-` + 4 alphabet characters). */
export function isOrderId(value: string): boolean {
  return canonicalPattern(ORDER_ID_PREFIX).test(value);
}

/** True for an offer id in its canonical form (`UP-` + 4 alphabet characters). */
export function isOfferId(value: string): boolean {
  return canonicalPattern(OFFER_ID_PREFIX).test(value);
}

/** True for either kind of record id the order store keeps: `BX-…` or `UP-…`. */
export function isRecordId(value: string): boolean {
  return isOrderId(value) || isOfferId(value);
}

/**
 * Finds an order id in what a customer typed ("bx 7k2q", "my order is BX-7K2Q?")
 * and returns it canonical (`BX-7K2Q`), or undefined if there is none.
 */
export function parseOrderId(text: string): string | undefined {
  return parseId(ORDER_ID_PREFIX, text);
}

/** Like {@link parseOrderId}, for upgrade-offer ids (`UP-…`). */
export function parseOfferId(text: string): string | undefined {
  return parseId(OFFER_ID_PREFIX, text);
}

/** An order or an offer id, whichever the text names first in that order of preference. */
export function parseRecordId(text: string): string | undefined {
  return parseOrderId(text) ?? parseOfferId(text);
}

function newId(prefix: string, length: number): string {
  let body = '';
  // randomInt draws without modulo bias, so every character is equally likely.
  for (let i = 0; i < length; i += 1) body += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `${prefix}-${body}`;
}

function canonicalPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}-[${ID_ALPHABET}]{${ID_LENGTH},${MAX_ID_LENGTH}}$`);
}

// Phones and keyboards produce many dashes; people also type spaces, dots, '#'.
const SEPARATORS = '\\s\\-\\u2010-\\u2015_.:#/';

function parseId(prefix: string, text: string): string | undefined {
  // Match any 4-6 letters/digits, then check the alphabet, so "BX-7K2O" is refused
  // rather than half-matched. Lookarounds stop "XBX-7K2Q" or "BX-7K2QA" matching.
  const candidate = new RegExp(
    `(?<![A-Za-z0-9])${prefix}[${SEPARATORS}]{0,3}([A-Za-z0-9]{${ID_LENGTH},${MAX_ID_LENGTH}})(?![A-Za-z0-9])`,
    'gi',
  );
  const valid = new RegExp(`^[${ID_ALPHABET}]+$`);
  for (const match of text.matchAll(candidate)) {
    const body = match[1]?.toUpperCase();
    if (body !== undefined && valid.test(body)) return `${prefix}-${body}`;
  }
  return undefined;
}
