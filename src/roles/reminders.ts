import { Reminders } from '../notifications/reminders.js';
import { QueuedNotices } from '../queue/notice.producers.js';
import type { Foundation } from './foundation.js';

/** The reminders before the show, as both roles build them: queued at fulfilment (worker) and for tickets given away (web). */
export function remindersOf(foundation: Foundation): Reminders {
  const { redis, commerce, queues, keyPrefix, config } = foundation;
  return new Reminders(
    redis,
    { catalog: commerce.catalog, later: new QueuedNotices(queues.notifications, foundation.replicated.commands) },
    { prefix: keyPrefix, hoursBefore: config.tickets.reminderHoursBefore },
  );
}
