import { MainDialog } from '../../dialogs/main.dialog.js';
import { EventFinder } from '../catalog/event-finder.js';
import { RefundRequestService } from '../orders/refund-request.service.js';
import { TicketResends } from '../orders/ticket-resend.service.js';
import { MeteredPurchaseService } from '../observability/metered-purchase.service.js';
import { QueuedNotices } from '../queue/notice.producers.js';
import { StaffDesk } from '../staff/staff.desk.js';
import { UpgradeService } from '../upgrades/upgrade.service.js';
import type { Foundation } from './foundation.js';
import { refundDeps } from './refunds.js';
import type { TransferService } from '../tickets/transfer.service.js';
import { transfersOf } from './transfers.js';
import { cardOnFileOf, payByReplyOf } from './card-on-file.js';
import { ticketPageLink } from '../tickets/ticket-page.store.js';

/** The services of the web role: what the bot's dialogs, staff commands and the staff API call. */
export interface WebServices {
  finder: EventFinder;
  purchase: MeteredPurchaseService;
  /** Asking Stripe for refunds: the staff API, and customers cancelling in the bot. */
  refunds: RefundRequestService;
  /** Offering and withdrawing seat upgrades: the staff API and staff commands, and customers in the bot. */
  upgrades: UpgradeService;
  /** Every customer conversation. */
  dialog: MainDialog;
  /** Staff commands sent by message from an allow-listed identity. */
  staffDesk: StaffDesk;
  /** Staff sending a customer's tickets again. */
  ticketResends: TicketResends;
  /** Customers giving tickets to someone by text. */
  transfers: TransferService;
}

export interface WebServiceOptions {
  /** The dialogs' clock, for which events are upcoming. Default: the real one. */
  now?: () => Date;
}

/** Builds the web role's services once; the role and the tests of its services both call this. */
export function createWebServices(foundation: Foundation, options: WebServiceOptions = {}): WebServices {
  const { config, log, commerce, checkout, queues, metrics } = foundation;
  const serviceOptions = { holdMinutes: config.limits.holdMinutes, publicBaseUrl: config.publicBaseUrl };
  const finder = new EventFinder(commerce.catalog);
  const cardOnFile = cardOnFileOf(foundation);
  const purchase = new MeteredPurchaseService({ ...commerce, checkout, log, options: serviceOptions, ...(cardOnFile ? { cardOnFile } : {}) }, metrics);
  const shared = refundDeps(foundation);
  const refunds = new RefundRequestService(shared);
  const upgrades = new UpgradeService({
    ...commerce,
    finder,
    checkout,
    refunds: shared.refunds,
    notices: new QueuedNotices(queues.notifications, foundation.replicated.commands),
    log,
    options: serviceOptions,
  });
  const transfers = transfersOf(foundation);
  const ticketPage = async (orderId: string) => ticketPageLink(config.publicBaseUrl, await commerce.ticketPages.secretFor(orderId));
  const payByReply = payByReplyOf(foundation, { purchase });
  const dialog = new MainDialog({
    ...commerce,
    finder,
    purchase,
    refunds,
    upgrades,
    transfers,
    ticketPage,
    ...(cardOnFile ? { cards: cardOnFile } : {}),
    ...(payByReply ? { payByReply } : {}),
    limits: config.limits,
    ...(options.now ? { now: options.now } : {}),
  });
  const staffDesk = new StaffDesk({ staffIds: config.staff.ids, ...commerce, finder, upgrades, log });
  const ticketResends = new TicketResends({ ...commerce, notices: new QueuedNotices(queues.notifications, foundation.replicated.commands) });
  return { finder, purchase, refunds, upgrades, dialog, staffDesk, ticketResends, transfers };
}
