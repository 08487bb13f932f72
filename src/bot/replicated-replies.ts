import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { WriteConfirmation } from '../redis/replica-acks.js';

/** Said instead when what a turn wrote could not be confirmed: the customer sends it again, and nothing they were told is missing. */
export const NOT_SAVED_REPLY = "Sorry, I couldn't save that just now. Please send your message again in a minute.";

/**
 * Middleware on both channel adapters: a reply goes out only once a Redis
 * replica has what the turn wrote (a hold, an order, a refund asked for), so
 * a master that fails right after cannot take back what the customer was
 * told (src/redis/replica-acks.ts). When no replica confirms in time the
 * reply is replaced by NOT_SAVED_REPLY.
 */
export class ReplicatedReplies implements Middleware {
  constructor(
    private readonly writes: WriteConfirmation,
    private readonly log: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (_context, activities, send) => {
      if (!activities.some((activity) => activity.type === 'message')) return send();
      try {
        await this.writes.confirm();
      } catch (err) {
        this.log.warn({ component: 'bot', err: (err as Error).message }, 'reply held back: what the turn wrote is not on a replica');
        // The first reply's addressing (conversation, from, recipient), without what it said or offered.
        const first = activities.find((activity) => activity.type === 'message')!;
        const apology: Partial<Activity> = { ...first, text: NOT_SAVED_REPLY, attachments: undefined, suggestedActions: undefined, entities: undefined };
        activities.splice(0, activities.length, apology);
      }
      return send();
    });
    await next();
  }
}
