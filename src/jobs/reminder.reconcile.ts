import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { noticeGivenUp, noticeSent } from '../notifications/notice.timeline.js';
import { REMINDER, reminderStillWanted, type Reminders } from '../notifications/reminders.js';
import type { OrderStore } from '../orders/order.store.js';
import type { NoticeJobs } from '../queue/notice-jobs.js';

export interface ReminderReconcileDeps {
  orders: Pick<OrderStore, 'get'>;
  catalog: EventCatalog;
  reminders: Pick<Reminders, 'dueBefore' | 'requeue' | 'settle'>;
  noticeJobs: Pick<NoticeJobs, 'inFlight'>;
  log: Logger;
}

/** What one pass did. */
export interface ReminderReconcileCounts {
  /** Reminders past their time (and the grace) that were looked at. */
  checked: number;
  /** Of those, neither sent, nor on their way, nor no longer wanted: their job was lost, and they were queued again. */
  requeued: number;
  errors: number;
}

const PAGE_SIZE = 100;

/**
 * Reminders whose time came more than `graceMs` ago: sent, given up on (an
 * opted-out number), or no longer wanted (refunded, the show begun), they
 * are settled; still on their way
 * (the job waits, runs or retries), left; otherwise their delayed job was
 * lost (a failover, a flushed queue) and the reminder is queued again. A
 * reminder is sent once however often it is queued: the notice is recorded
 * on the order's timeline.
 */
export async function reconcileReminders(now: number, graceMs: number, maxOrders: number, deps: ReminderReconcileDeps): Promise<ReminderReconcileCounts> {
  const counts: ReminderReconcileCounts = { checked: 0, requeued: 0, errors: 0 };
  // Entries left in the range (on their way, or failed) are skipped by offset; settled ones leave it.
  let kept = 0;
  while (counts.checked < maxOrders) {
    const page = await deps.reminders.dueBefore(now - graceMs, Math.min(PAGE_SIZE, maxOrders - counts.checked), kept);
    if (page.length === 0) break;
    for (const orderId of page) {
      counts.checked += 1;
      const action = await reconcileReminder(orderId, now, deps);
      if (action === 'requeued') counts.requeued += 1;
      if (action === 'error') counts.errors += 1;
      if (action !== 'settled') kept += 1;
    }
  }
  return counts;
}

async function reconcileReminder(orderId: string, now: number, deps: ReminderReconcileDeps): Promise<'settled' | 'pending' | 'requeued' | 'error'> {
  try {
    const order = await deps.orders.get(orderId);
    if (!order || noticeSent(order, REMINDER) || noticeGivenUp(order, REMINDER) || !reminderStillWanted(order, deps.catalog, now)) {
      await deps.reminders.settle(orderId);
      return 'settled';
    }
    if (await deps.noticeJobs.inFlight({ orderId, notice: REMINDER })) return 'pending';
    await deps.reminders.requeue(orderId);
    deps.log.warn({ component: 'reconcile', orderId }, 'reminder before the show lost: queued again');
    return 'requeued';
  } catch (err) {
    deps.log.warn({ component: 'reconcile', orderId, err: (err as Error).message }, 'reminder not reconciled this run: will retry');
    return 'error';
  }
}
