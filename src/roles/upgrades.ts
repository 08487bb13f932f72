import { EventFinder } from '../catalog/event-finder.js';
import { QueuedNotices } from '../queue/notice.producers.js';
import { FulfilmentService } from '../orders/fulfilment.service.js';
import type { RefundService } from '../orders/refund.service.js';
import { UpgradeFulfilment } from '../upgrades/upgrade.fulfilment.js';
import { UpgradePayBacks } from '../upgrades/upgrade.pay-back.js';
import { UpgradeService } from '../upgrades/upgrade.service.js';
import type { Foundation } from './foundation.js';
import { createRefundService } from './refunds.js';

/** Offering and withdrawing seat upgrades: the staff API and staff commands, and customers in the bot. */
export function createUpgradeService(foundation: Foundation, refunds: RefundService): UpgradeService {
  const { commerce, checkout, queues, log, config } = foundation;
  return new UpgradeService({
    ...commerce,
    finder: new EventFinder(commerce.catalog),
    checkout,
    refunds,
    notices: new QueuedNotices(queues.notifications),
    log,
    options: { holdMinutes: config.limits.holdMinutes, publicBaseUrl: config.publicBaseUrl },
  });
}

/** What the worker (and reconciliation) do with a confirmed payment: tickets for an order, the seat swap for an upgrade. */
export function createFulfilment(foundation: Foundation): FulfilmentService {
  const { commerce, checkout, queues, log } = foundation;
  const notices = new QueuedNotices(queues.notifications);
  const upgrades = new UpgradeFulfilment({
    ...commerce,
    payBacks: new UpgradePayBacks({ orders: commerce.orders, checkout, log }),
    refunds: createRefundService(foundation),
    notices,
    log,
  });
  return new FulfilmentService({ ...commerce, notices, log, upgrades });
}
