import type { RedisClient } from '../redis/redis.client.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CheckoutGateway, CheckoutRequest } from '../checkout/checkout.gateway.js';

const requestSchema = z.object({
  reference: z.string().min(1),
  kind: z.enum(['tickets', 'upgrade']),
  upgradeOf: z.string().optional(),
  currency: z.string().min(3),
  lineItems: z.array(z.object({ name: z.string(), description: z.string().optional(), unitAmount: z.number().int(), quantity: z.number().int() })),
  expiresAt: z.number().int(),
  successUrl: z.string(),
  cancelUrl: z.string(),
  idempotencyKey: z.string().min(1),
  // Kept whole: the same key with other parameters is refused by Stripe.
  saveCard: z.object({ customerId: z.string(), consent: z.string() }).optional(),
});

/**
 * Checkout Session creates that failed on our side (a timeout, a connection
 * cut, a 5xx): the provider may still have made the session after our client
 * gave up, open and payable, for a customer who was told it could not be
 * opened. Each is kept with its exact request, because sending the same
 * request under the same idempotency key is how the session is found again:
 * the provider answers with the session it made, or makes it now. A hash of
 * the requests and a sorted set of when each is next looked at.
 */
export class AbandonedCheckouts {
  private readonly requestsKey: string;
  private readonly dueKey: string;

  constructor(
    private readonly redis: RedisClient,
    options: { prefix: string },
  ) {
    this.requestsKey = `${options.prefix}checkout:abandoned`;
    this.dueKey = `${options.prefix}checkout:abandoned:due`;
  }

  async remember(request: CheckoutRequest, checkAt: number): Promise<void> {
    await this.redis.hset(this.requestsKey, request.reference, JSON.stringify(request));
    await this.redis.zadd(this.dueKey, checkAt, request.reference);
  }

  /** The requests whose look is due, most overdue first; one that cannot be read is forgotten. */
  async due(now: number, limit: number): Promise<CheckoutRequest[]> {
    const references = await this.redis.zrangebyscore(this.dueKey, '-inf', now, 'LIMIT', 0, limit);
    if (references.length === 0) return [];
    const stored = await this.redis.hmget(this.requestsKey, ...references);
    const requests: CheckoutRequest[] = [];
    for (const [i, raw] of stored.entries()) {
      const request = parse(raw);
      if (request) requests.push(request);
      else await this.forget(references[i]!);
    }
    return requests;
  }

  async recheckAt(reference: string, at: number): Promise<void> {
    await this.redis.zadd(this.dueKey, 'XX', at, reference);
  }

  async forget(reference: string): Promise<void> {
    await this.redis.zrem(this.dueKey, reference);
    await this.redis.hdel(this.requestsKey, reference);
  }
}

function parse(raw: string | null): CheckoutRequest | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = requestSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checkout gateway, remembering every create that fails (see
 * AbandonedCheckouts) for reconciliation to settle; everything else passes
 * through. Remembering is best effort: the caller's own error is what counts.
 */
export function rememberingAbandonedCreates(gateway: CheckoutGateway, abandoned: AbandonedCheckouts, log: Logger, now: () => number = Date.now): CheckoutGateway {
  return {
    async create(request) {
      try {
        return await gateway.create(request);
      } catch (err) {
        await abandoned.remember(request, now()).catch((cause: unknown) => {
          log.error({ component: 'checkout', orderId: request.reference, err: (cause as Error).message }, 'could not remember a failed checkout create: a session made for it is left to expire on its own');
        });
        throw err;
      }
    },
    retrieve: (sessionId) => gateway.retrieve(sessionId),
    expire: (sessionId) => gateway.expire(sessionId),
    refund: (request) => gateway.refund(request),
    retrieveRefund: (refundId) => gateway.retrieveRefund(refundId),
    refundsOfCharge: (chargeId) => gateway.refundsOfCharge(chargeId),
    refundsOfPayment: (paymentIntentId) => gateway.refundsOfPayment(paymentIntentId),
  };
}
