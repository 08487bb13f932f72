// The short link a customer pays by (DESIGN rule 12): built by the services
// that send it, answered by payments/pay-link.route.ts. Typed order ids are
// short on purpose (a customer quotes them) and so can be counted through;
// the link also carries a secret drawn for the order, which only the
// customer it was sent to has.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where every pay link starts, for what treats them alike (the per-address limit). */
export const PAY_LINK_BASE = '/p';

/** `/p/BX-7K2Q/<secret>`; the secret is optional in the pattern so a link without one is answered (as unknown) by the same route. */
export const PAY_LINK_PATH = `${PAY_LINK_BASE}/:orderId{/:secret}`;

/** 128 bits from the system's CSPRNG: well past the 96 the link must carry, 22 characters of base64url. */
const SECRET_BYTES = 16;

/** A fresh link secret: random, never derived from the order id. */
export function newLinkSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** What a pay link is built from: an order or upgrade offer. */
export interface LinkedRecord {
  id: string;
  /** Absent only on a record stored before links carried a secret and not read since (see OrderStore.get). */
  linkSecret?: string;
}

/**
 * The short link of an order or upgrade offer:
 * https://tickets.example.com/p/BX-7K2Q/3q2-7wAAAAE…. A record with no
 * secret gets the bare /p/BX-7K2Q, which the route answers as unknown.
 */
export function payLinkFor(publicBaseUrl: string, record: LinkedRecord): string {
  const tail = record.linkSecret ? `/${record.linkSecret}` : '';
  return `${publicBaseUrl}${PAY_LINK_BASE}/${record.id}${tail}`;
}

/**
 * A request path as it may be logged (DESIGN rule 8): the secret of a pay
 * link or of a ticket page (/t/<secret>) is cut to `…`, the rest kept.
 */
export function withoutLinkSecret(path: string): string {
  return path.replace(/^(\/p\/[^/]+)\/[^/]+/, '$1/…').replace(/^\/t\/[^/]+/, '/t/…');
}

/**
 * True when `offered` is the record's secret. Compared as SHA-256 digests in
 * constant time, so neither the length nor the first wrong character shows
 * in how long the answer takes.
 */
export function holdsLink(record: LinkedRecord, offered: string | undefined): boolean {
  if (!record.linkSecret || !offered) return false;
  return timingSafeEqual(digest(record.linkSecret), digest(offered));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
