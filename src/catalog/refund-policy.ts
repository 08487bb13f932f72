import type { CatalogEvent } from './catalog.schema.js';

export type CustomerRefundDecision =
  | { allowed: true; until: Date }
  | {
      allowed: false;
      /** no_refunds: the event takes none from customers; too_late: the window has closed. */
      reason: 'no_refunds' | 'too_late';
      /** The policy in words, for the customer. */
      policy: string;
    };

const HOUR_MS = 3_600_000;

/**
 * Whether a customer may cancel a paid order for `event` themselves at `now`:
 * only when the catalog gives the event a `refundableUntilHours`, and only
 * until that many hours before it starts. Staff refunds are not bound by it.
 */
export function customerRefundDecision(event: CatalogEvent, now: Date): CustomerRefundDecision {
  if (event.refundableUntilHours === undefined) return { allowed: false, reason: 'no_refunds', policy: describeRefundPolicy(event) };
  const until = new Date(Date.parse(event.startsAt) - event.refundableUntilHours * HOUR_MS);
  if (now.getTime() >= until.getTime()) return { allowed: false, reason: 'too_late', policy: describeRefundPolicy(event) };
  return { allowed: true, until };
}

/** The policy as the catalog words it, or in words made from `refundableUntilHours`. */
export function describeRefundPolicy(event: CatalogEvent): string {
  if (event.refundPolicy) return event.refundPolicy;
  const hours = event.refundableUntilHours;
  if (hours === undefined) return 'Tickets for this event cannot be refunded.';
  if (hours === 0) return 'Refunds until the event starts.';
  if (hours % 24 === 0) return `Refunds up to ${hours / 24} ${hours === 24 ? 'day' : 'days'} before the event.`;
  return `Refunds up to ${hours} ${hours === 1 ? 'hour' : 'hours'} before the event.`;
}
