import { QueuedNotices } from '../queue/notice.producers.js';
import { RefundService } from '../orders/refund.service.js';
import { RefundStore } from '../orders/refund.store.js';
import { UpgradePayBacks } from '../upgrades/upgrade.pay-back.js';
import type { Foundation } from './foundation.js';

/**
 * The refund service both roles use: the web role to ask Stripe (staff API,
 * customers in the bot), the worker to apply what Stripe confirms.
 */
export function createRefundService(foundation: Foundation): RefundService {
  const { commerce, checkout, queues, log, redis, config } = foundation;
  return new RefundService({
    orders: commerce.orders,
    seats: commerce.seats,
    // Stripe's refund webhook gets the grace before reconciliation asks Stripe itself.
    refunds: new RefundStore(redis, commerce.orders, { reconcileAfterMs: config.reconcile.graceMinutes * 60_000 }),
    checkout,
    notices: new QueuedNotices(queues.notifications),
    log,
    upgradeShares: new UpgradePayBacks({ orders: commerce.orders, checkout, log }),
  });
}
