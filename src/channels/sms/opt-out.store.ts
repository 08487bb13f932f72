import type { RedisClient } from '../../redis/redis.client.js';
import { z } from 'zod';
import { customerKey } from '../../customers/customer.js';

/** Why a number is opted out: it texted an opt-out word, or Twilio refused to send to it (21610). */
export type OptOutSource = 'keyword' | 'twilio';

const recordSchema = z.object({ at: z.iso.datetime(), source: z.enum(['keyword', 'twilio']) });
export type OptOutRecord = z.infer<typeof recordSchema>;

export interface SmsOptOutStoreOptions {
  /** Prepended verbatim to every key, e.g. `bx:`. */
  prefix: string;
  /** Clock for the recorded time. Default: `Date.now`. */
  now?: () => number;
}

/**
 * Phone numbers that texted STOP (or that Twilio reports as unsubscribed) and
 * must get nothing more until they text START. One key per number, named by
 * a hash of it (`<prefix>sms:opt-out:<customerKey>`), never the number itself
 * (DESIGN rule 8). No TTL: consent does not expire.
 */
export class SmsOptOutStore {
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    options: SmsOptOutStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.now = options.now ?? Date.now;
  }

  /** Opts the number out. Resolves true if it was opted in until now, false if it was already out. */
  async optOut(phone: string, source: OptOutSource): Promise<boolean> {
    const record: OptOutRecord = { at: new Date(this.now()).toISOString(), source };
    return (await this.redis.set(this.key(phone), JSON.stringify(record), 'NX')) === 'OK';
  }

  /** Opts the number back in. Resolves true if it was opted out until now. */
  async optIn(phone: string): Promise<boolean> {
    return (await this.redis.del(this.key(phone))) === 1;
  }

  async isOptedOut(phone: string): Promise<boolean> {
    return (await this.redis.exists(this.key(phone))) === 1;
  }

  /** When and why the number opted out, or undefined while it is opted in. */
  async get(phone: string): Promise<OptOutRecord | undefined> {
    const raw = await this.redis.get(this.key(phone));
    if (raw === null) return undefined;
    const parsed = recordSchema.safeParse(safeJson(raw));
    // A record we cannot read still means "opted out": consent errs on the side of silence.
    return parsed.success ? parsed.data : { at: new Date(0).toISOString(), source: 'keyword' };
  }

  private key(phone: string): string {
    return `${this.prefix}sms:opt-out:${customerKey('sms', phone)}`;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
