import type { RedisClient } from '../redis/redis.client.js';
import { z } from 'zod';
import type { CustomerNotice } from './customer-notice.js';

/** Which notice of which order a sent message carried: what a delivery status callback needs to find the order. */
export interface SentNotice {
  orderId: string;
  notice: CustomerNotice;
  /** 0 for the first send, 1 for the resend after it was not delivered. */
  resend: number;
}

const sentNoticeSchema = z.object({
  orderId: z.string().min(1),
  // Any notice name: the list of notices grows, and a stored one must stay readable.
  notice: z.string().min(1).transform((notice) => notice as CustomerNotice),
  resend: z.number().int().min(0),
});

export interface DeliveryStoreOptions {
  /** Prepended verbatim to every key, e.g. `bx:`. */
  prefix: string;
  /**
   * How long a message id is remembered. Carriers report delivery within
   * minutes, but a handset that is off can take a day or two.
   * @default 7 days
   */
  ttlSeconds?: number;
}

const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;

/** Message id (Twilio SID) → the order and notice it carried, kept for a week. */
export class DeliveryStore {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: RedisClient,
    options: DeliveryStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async remember(messageId: string, sent: SentNotice): Promise<void> {
    await this.redis.set(this.key(messageId), JSON.stringify(sentNoticeSchema.parse(sent)), 'EX', this.ttlSeconds);
  }

  /** The notice a message carried, or undefined for a message we did not send (or sent too long ago). */
  async lookup(messageId: string): Promise<SentNotice | undefined> {
    const raw = await this.redis.get(this.key(messageId));
    if (raw === null) return undefined;
    try {
      const parsed = sentNoticeSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private key(messageId: string): string {
    return `${this.prefix}sms:message:${messageId}`;
  }
}
