import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { isSms } from '../bot/customer.js';
import { withLogContext } from '../log-context.js';
import type { BoxOfficeMetrics, MetricChannel } from './metrics.js';

/**
 * Bot Framework middleware on both channel adapters (roles/web.role.ts):
 * gives each turn a `turnId` that every log line written during it carries,
 * counts the turn and its latency, and logs one line when it ends. A turn
 * that throws is counted as 'error' and the error goes on to the adapter's
 * own handler (onTurnError, the SMS route's catch), which answers the customer.
 */
export class TurnObserver implements Middleware {
  constructor(
    private readonly deps: {
      metrics: Pick<BoxOfficeMetrics, 'turns' | 'turnSeconds'>;
      log: Logger;
    },
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const turnId = randomUUID();
    const channel: MetricChannel = isSms(context) ? 'sms' : 'chat';
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      await withLogContext({ turnId }, next);
      outcome = 'ok';
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.deps.metrics.turns.inc({ channel, outcome });
      this.deps.metrics.turnSeconds.observe({ channel }, seconds);
      this.deps.log.info(
        { component: 'bot', turnId, channel, activity: context.activity.type, outcome, ms: Math.round(seconds * 1000) },
        'turn handled',
      );
    }
  }
}
