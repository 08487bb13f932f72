import { createHash } from 'node:crypto';
import { newLinkSecret } from '../checkout/pay-link.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RedisClient } from '../redis/redis.client.js';

/** Where every ticket page starts, for what treats them alike (the per-address limit, the log). */
export const TICKET_PAGE_BASE = '/t';

/** `https://tickets.example.com/t/<secret>`: the link a ticket message carries. */
export function ticketPageLink(publicBaseUrl: string, secret: string): string {
  return `${publicBaseUrl}${TICKET_PAGE_BASE}/${secret}`;
}

/** What a page secret looks like (newLinkSecret: 22 characters of base64url); anything else is not looked up. */
export function isPageSecret(text: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(text);
}

/**
 * The secret of each order's ticket page (DESIGN rule 12): 128 random bits,
 * drawn the first time the order's tickets are sent and kept beside the
 * order, so every later message links the same page. The link carries no
 * order id, so the page is found through an index keyed by the secret's
 * SHA-256: a key listing shows no link that works.
 *
 * Two steps, not one script, because the index key is not in the order's
 * slot on a cluster: the secret is settled first (SET NX, the first writer
 * wins), then indexed, which is idempotent, so a run cut between the two is
 * finished by the next.
 */
export class TicketPageStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly orders: Pick<OrderStore, 'orderKeys'>,
  ) {}

  /** The order's page secret, drawn now if it has none. */
  async secretFor(orderId: string): Promise<string> {
    const key = this.secretKey(orderId);
    await this.redis.set(key, newLinkSecret(), 'NX');
    const secret = (await this.redis.get(key))!;
    await this.redis.set(indexKey(secret), orderId);
    return secret;
  }

  /** The order a page secret belongs to, if any. */
  async orderFor(secret: string): Promise<string | undefined> {
    if (!isPageSecret(secret)) return undefined;
    return (await this.redis.get(indexKey(secret))) ?? undefined;
  }

  private secretKey(orderId: string): string {
    return `${this.orders.orderKeys(orderId)[0]}:ticket-page`;
  }
}

function indexKey(secret: string): string {
  return `ticket-page:${createHash('sha256').update(secret).digest('hex')}`;
}
