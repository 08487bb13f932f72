import { QueuedNotices } from '../queue/notice.producers.js';
import type { RefundDeps } from '../orders/refund-steps.js';
import { RefundStore } from '../orders/refund.store.js';
import { UpgradePayBacks } from '../upgrades/upgrade.pay-back.js';
import type { Foundation } from './foundation.js';

/**
 * What both refund services stand on, as both roles build it: the web role
 * asks Stripe (staff API, customers in the bot), the worker settles what
 * Stripe confirms and reconciles what it never did.
 */
export function refundDeps(foundation: Foundation): RefundDeps {
  const { commerce, checkout, queues, log, redis, config } = foundation;
  return {
    orders: commerce.orders,
    seats: commerce.seats,
    // Stripe's refund webhook gets the grace before reconciliation asks Stripe itself.
    refunds: new RefundStore(redis, commerce.orders, { reconcileAfterMs: config.reconcile.graceMinutes * 60_000, replicated: foundation.replicated.commands }),
    checkout,
    notices: new QueuedNotices(queues.notifications, foundation.replicated.commands),
    log,
    upgradeShares: new UpgradePayBacks({ orders: commerce.orders, checkout, log }),
  };
}
