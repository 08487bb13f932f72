import type { RedisClient } from '../redis/redis.client.js';
import type { Logger } from 'pino';
import { customerKey } from '../customers/customer.js';
import type { Channel } from '../customers/customer.js';
import { LuaScript } from '../redis/lua-script.js';

/** The one answer a sender over the limit gets per window. Plain GSM-7, so it costs one SMS segment. */
export const SLOW_DOWN = "You're sending messages faster than we can answer; please wait a minute.";

/** A sender's standing: within the limit; just over it (tell them, once); or still over it (say nothing). */
export type SenderVerdict = 'within' | 'just_over' | 'over';

const WINDOW_MS = 60_000;

const countScript = LuaScript.load(new URL('./lua/sender-count.lua', import.meta.url));

export interface SenderLimitOptions {
  /** Prefix of the counter keys, e.g. 'bx:'. */
  prefix: string;
  /** Messages one sender may send in a minute (SENDER_MESSAGES_PER_MINUTE). */
  perMinute: number;
  log: Logger;
}

/**
 * Inbound messages per sender (a phone number, a chat user), counted in Redis
 * so every web process counts against the same limit. It runs before the bot:
 * a sender over it holds no seats and opens no checkout, whoever is texting.
 * Counter keys name the sender by a hash, never by the number itself.
 */
export class SenderLimit {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: SenderLimitOptions,
  ) {}

  /** Counts one message from the sender and says where that leaves them. */
  async count(channel: Channel, address: string): Promise<SenderVerdict> {
    const sender = customerKey(channel, address);
    const count = Number(await countScript.run(this.redis, [`${this.options.prefix}rate:sender:${sender}`], [WINDOW_MS]));
    if (count <= this.options.perMinute) return 'within';
    if (count > this.options.perMinute + 1) return 'over';
    this.options.log.info({ component: 'rate-limit', channel, sender }, 'a sender is over SENDER_MESSAGES_PER_MINUTE: told once, then not answered until the minute is up');
    return 'just_over';
  }
}

/** What to answer a sender over the limit (SLOW_DOWN once per window, then nothing); undefined when the bot should answer. */
export function overLimitReplies(verdict: SenderVerdict): string[] | undefined {
  if (verdict === 'within') return undefined;
  return verdict === 'just_over' ? [SLOW_DOWN] : [];
}
