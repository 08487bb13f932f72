import { SmsOptOutStore } from '../channels/sms/opt-out.store.js';
import { QueuedNotices } from '../queue/notice.producers.js';
import { PendingTransfers } from '../tickets/pending-transfers.store.js';
import { TransferService } from '../tickets/transfer.service.js';
import type { Foundation } from './foundation.js';
import { refundDeps } from './refunds.js';
import { remindersOf } from './reminders.js';

/** Tickets given by text, as both roles build it: the web role's dialogs give them, the worker's reconciliation finishes one cut short. */
export function transfersOf(foundation: Foundation): TransferService {
  const { redis, commerce, queues, keyPrefix, config } = foundation;
  const optOuts = new SmsOptOutStore(redis, { prefix: keyPrefix });
  const { refunds } = refundDeps(foundation);
  return new TransferService({
    ...commerce,
    notices: new QueuedNotices(queues.notifications, foundation.replicated.commands),
    reminders: remindersOf(foundation),
    optedOut: (phone) => optOuts.isOptedOut(phone),
    refundUnderway: async (orderId) => (await refunds.list(orderId)).some((refund) => refund.status === 'requested'),
    maxPerOrder: config.tickets.maxTransfersPerOrder,
    pending: new PendingTransfers(redis, keyPrefix),
  });
}
