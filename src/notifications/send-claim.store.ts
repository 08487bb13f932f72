import { randomBytes } from 'node:crypto';
import type { OrderStore } from '../orders/order.store.js';
import { LuaScript } from '../redis/lua-script.js';
import type { RedisClient } from '../redis/redis.client.js';

const release = LuaScript.load(new URL('./lua/release-claim.lua', import.meta.url));

/**
 * Who is sending a notice right now. BullMQ runs a job at least once, and
 * after a Redis failover (a lock renewal lost) two workers can run one job
 * at the same moment: each would find the other's attempt but not yet its
 * message, and send. A claim per order and notice, beside the order (its
 * hash tag), lets one run send; another finds it taken and retries later,
 * when the first has recorded the send. A run that dies holding it leaves
 * it to expire, after longer than a send can take.
 */
export class SendClaims {
  constructor(
    private readonly redis: RedisClient,
    private readonly orders: Pick<OrderStore, 'orderKeys'>,
    /** Longer than a send can take (the SMS and chat clients time out after 10 s). */
    private readonly ttlMs = 15_000,
  ) {}

  /** A token when this run may send the notice now; undefined while another run holds it. */
  async claim(orderId: string, cause: string): Promise<string | undefined> {
    const token = randomBytes(12).toString('base64url');
    return (await this.redis.set(this.key(orderId, cause), token, 'PX', this.ttlMs, 'NX')) === 'OK' ? token : undefined;
  }

  async release(orderId: string, cause: string, token: string): Promise<void> {
    await release.run(this.redis, [this.key(orderId, cause)], [token]);
  }

  private key(orderId: string, cause: string): string {
    return `${this.orders.orderKeys(orderId)[0]}:sending:${cause}`;
  }
}
