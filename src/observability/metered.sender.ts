import { PermanentDeliveryError, type MessageSender } from '../notifications/message.sender.js';
import type { BoxOfficeMetrics } from './metrics.js';

/**
 * Counts every message sent to a customer by channel and outcome: 'sent',
 * 'undeliverable' (a PermanentDeliveryError: the job ends) or 'error' (any
 * other failure: the job retries). Wrapped around the worker's sender in
 * roles/worker.role.ts; the optional findSent lookup is passed through as is.
 */
export function meterSends(sender: MessageSender, metrics: Pick<BoxOfficeMetrics, 'notifications'>): MessageSender {
  return {
    async send(customer, message) {
      try {
        const sent = await sender.send(customer, message);
        metrics.notifications.inc({ channel: customer.channel, outcome: 'sent' });
        return sent;
      } catch (err) {
        metrics.notifications.inc({ channel: customer.channel, outcome: err instanceof PermanentDeliveryError ? 'undeliverable' : 'error' });
        throw err;
      }
    },
    ...(sender.findSent ? { findSent: sender.findSent.bind(sender) } : {}),
  };
}
