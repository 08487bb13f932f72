import type { EventCatalog } from '../src/catalog/event-catalog.js';
import type { EventFinder } from '../src/catalog/event-finder.js';
import type { OrderStore } from '../src/orders/order.store.js';
import type { PurchaseService } from '../src/orders/purchase.service.js';
import type { RefundRequestService } from '../src/orders/refund-request.service.js';
import type { SeatStore } from '../src/seats/seat.store.js';
import type { UpgradeService } from '../src/upgrades/upgrade.service.js';
import type { TransferService } from '../src/tickets/transfer.service.js';
import type { CardOnFile } from '../src/orders/card-on-file.js';
import type { PayByReply } from '../src/orders/pay-by-reply.service.js';

/** The commerce services the dialogs are given; they never call an SDK themselves. */
export interface DialogDeps {
  catalog: EventCatalog;
  finder: EventFinder;
  seats: SeatStore;
  orders: OrderStore;
  purchase: PurchaseService;
  /** Customers cancelling a paid order (within the event's refund policy). */
  refunds: RefundRequestService;
  /** Customers asking for better seats. */
  upgrades: UpgradeService;
  /** The link of an order's ticket page (/t/<secret>), for STATUS; drawn if the order has none yet. */
  ticketPage?: (orderId: string) => Promise<string>;
  /** The card a customer saved for paying by reply: shown and forgotten on request. */
  cards?: Pick<CardOnFile, 'cardOf' | 'forget'>;
  /** Paying for a hold by answering YES, with the saved card. */
  payByReply?: Pick<PayByReply, 'offer' | 'pay'>;
  /** Customers giving tickets to someone by their phone number. */
  transfers: Pick<TransferService, 'plan' | 'transfer'>;
  limits: { maxPartySize: number; holdMinutes: number };
  /** The clock, for "upcoming" events. Default: now. */
  now?: () => Date;
}
