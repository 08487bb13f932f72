import type { RedisClient } from '../../redis/redis.client.js';
import { z } from 'zod';
import { customerKey } from '../../customers/customer.js';

/** The number the demo box office texts from: Twilio's own test number for a valid sender. */
export const DEMO_BOX_OFFICE_NUMBER = '+15005550006';

/** Most messages kept per demo phone; older ones fall off. */
const KEPT = 200;
/** A demo phone's messages are forgotten a week after the last one. */
const TTL_SECONDS = 7 * 24 * 3600;

const messageSchema = z.object({
  seq: z.number().int(),
  /** `you`: what the demo phone sent; `box office`: a TwiML reply or a later text. */
  from: z.enum(['you', 'box office']),
  body: z.string(),
  at: z.iso.datetime(),
});
export type DemoPhoneMessage = z.infer<typeof messageSchema>;

/**
 * The demo phone's conversation, in Redis so the web role (replies) and the
 * worker (tickets, notices) write to the one list the page and `npm run sms`
 * read, in whichever process each runs. Each message gets a sequence number
 * from a counter beside the list: readers ask for what came after the last
 * one they saw.
 */
export class DemoPhoneInbox {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { prefix: string; now?: () => Date },
  ) {}

  async add(phone: string, from: DemoPhoneMessage['from'], body: string): Promise<DemoPhoneMessage> {
    const { list, counter } = this.keys(phone);
    const seq = await this.redis.incr(counter);
    const message: DemoPhoneMessage = { seq, from, body, at: (this.options.now?.() ?? new Date()).toISOString() };
    // One slot ({…}): the list and its counter stay together on a Redis Cluster.
    await this.redis.multi().rpush(list, JSON.stringify(message)).ltrim(list, -KEPT, -1).expire(list, TTL_SECONDS).expire(counter, TTL_SECONDS).exec();
    return message;
  }

  /** Messages after sequence number `after` (0: all kept), oldest first. */
  async after(phone: string, after = 0): Promise<DemoPhoneMessage[]> {
    const raw = await this.redis.lrange(this.keys(phone).list, 0, -1);
    return raw.flatMap((text) => {
      const parsed = messageSchema.safeParse(safeJson(text));
      return parsed.success && parsed.data.seq > after ? [parsed.data] : [];
    });
  }

  private keys(phone: string): { list: string; counter: string } {
    const base = `${this.options.prefix}demo-phone:{${customerKey('sms', phone)}}`;
    return { list: `${base}:messages`, counter: `${base}:seq` };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
