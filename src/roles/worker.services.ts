import { ChannelSender } from '../channels/channel.sender.js';
import { createCloudAdapter } from '../channels/chat/chat.route.js';
import { ProactiveChatSender } from '../channels/chat/chat.sender.js';
import { OptOutCheckedSmsSender } from '../channels/sms/opt-out.sender.js';
import { SmsOptOutStore } from '../channels/sms/opt-out.store.js';
import { DemoPhoneSmsSender, TwilioSmsSender } from '../channels/sms/sms.sender.js';
import { DemoPhoneInbox } from '../channels/sms/demo-phone.inbox.js';
import { createTwilioClient } from '../channels/sms/twilio.client.js';
import { SMS_STATUS_PATH } from '../http/paths.js';
import type { DispatchDeps, NotificationDeps } from '../jobs/notification.job.js';
import { ProcessedEvents, type PaymentEventDeps } from '../jobs/payment-event.job.js';
import type { ReconcileDeps } from '../jobs/reconcile.job.js';
import { DeliveryStore } from '../notifications/delivery.store.js';
import type { MessageSender } from '../notifications/message.sender.js';
import { meterSends } from '../observability/metered.sender.js';
import { FulfilmentService } from '../orders/fulfilment.service.js';
import { LatePaymentRefunds } from '../orders/late-payment.refunds.js';
import { RefundSettlementService } from '../orders/refund-settlement.service.js';
import { remindersOf } from './reminders.js';
import { SendClaims } from '../notifications/send-claim.store.js';
import { transfersOf } from './transfers.js';
import { cardOnFileOf, payByReplyOf } from './card-on-file.js';
import { NoticeJobs } from '../queue/notice-jobs.js';
import { QueuedNotices, QueuedSmsNotices } from '../queue/notice.producers.js';
import { UpgradeFulfilment } from '../upgrades/upgrade.fulfilment.js';
import { UpgradePayBacks } from '../upgrades/upgrade.pay-back.js';
import type { Foundation } from './foundation.js';
import { refundDeps } from './refunds.js';

/** What each of the worker role's queues runs with. */
export interface WorkerServices {
  /** Payment events: tickets for an order, the seat swap for an upgrade, refunds confirmed. */
  payments: PaymentEventDeps;
  /** The notifications queue: SMS notices handed to the SMS queue, chat notices sent. */
  notifications: DispatchDeps;
  /** The SMS queue: notices sent by Twilio, their message ids remembered for delivery reports. */
  sms: NotificationDeps;
  /** Scheduled reconciliation. */
  reconcile: ReconcileDeps;
}

export interface WorkerServiceOptions {
  /** Where notices go (default: Twilio, or the log, for SMS; proactive Bot Framework messages for chat). Tests pass a recorder. */
  sender?: MessageSender;
}

/** Builds the worker role's services once; the role and the tests of its jobs both call this. */
export function createWorkerServices(foundation: Foundation, options: WorkerServiceOptions = {}): WorkerServices {
  const { config, log, commerce, checkout, queues, redis, keyPrefix } = foundation;
  const shared = refundDeps(foundation);
  const refunds = new RefundSettlementService(shared);
  const notices = new QueuedNotices(queues.notifications, foundation.replicated.commands);
  const upgrades = new UpgradeFulfilment({
    ...commerce,
    payBacks: new UpgradePayBacks({ orders: commerce.orders, checkout, log }),
    refunds: shared.refunds,
    notices,
    log,
  });
  const latePayments = new LatePaymentRefunds({ ...commerce, checkout, notices, log });
  const reminders = remindersOf(foundation);
  const cardOnFile = cardOnFileOf(foundation);
  const fulfilment = new FulfilmentService({ ...commerce, notices, log, upgrades, latePayments, reminders, ...(cardOnFile ? { cardOnFile } : {}) });
  const payByReply = payByReplyOf(foundation, { notices });
  const sender = meterSends(options.sender ?? customerSender(foundation), foundation.metrics);
  const noticeDeps: NotificationDeps = {
    orders: commerce.orders,
    replicated: foundation.replicated.commands,
    catalog: commerce.catalog,
    sender,
    log,
    publicBaseUrl: config.publicBaseUrl,
    attention: commerce.attention,
    ticketPages: commerce.ticketPages,
    claims: new SendClaims(redis, commerce.orders),
  };
  const { graceMinutes, afterMinutes } = config.reconcile;
  return {
    payments: { checkout, fulfilment, refunds, processed: new ProcessedEvents(redis, keyPrefix), log, ...(payByReply ? { cards: { orders: commerce.orders, payByReply } } : {}) },
    notifications: { ...noticeDeps, smsOutbox: new QueuedSmsNotices(queues.sms) },
    sms: { ...noticeDeps, deliveries: new DeliveryStore(redis, { prefix: keyPrefix }) },
    reconcile: {
      ...commerce,
      checkout,
      fulfilment,
      refunds,
      notices,
      noticeJobs: new NoticeJobs(queues),
      reminders,
      transfers: transfersOf(foundation),
      ...(payByReply ? { payByReply } : {}),
      log,
      options: { graceMs: graceMinutes * 60_000, recheckMs: afterMinutes * 60_000 },
    },
  };
}

/** Twilio for SMS (or the demo phone, when Twilio is not configured); proactive Bot Framework messages for chat. */
function customerSender(foundation: Foundation): MessageSender {
  const { config, log } = foundation;
  const { accountSid, authToken, apiUrl, fromNumber, messagingServiceSid } = config.twilio;
  const sms =
    accountSid && authToken
      ? new TwilioSmsSender(createTwilioClient({ accountSid, authToken, apiUrl }), {
          from: fromNumber,
          messagingServiceSid,
          statusCallback: `${config.publicBaseUrl}${SMS_STATUS_PATH}`,
        })
      : new DemoPhoneSmsSender(new DemoPhoneInbox(foundation.redis, { prefix: foundation.keyPrefix }), log);
  const optOuts = new SmsOptOutStore(foundation.redis, { prefix: foundation.keyPrefix });
  const chat = new ProactiveChatSender(createCloudAdapter(config.botFramework, log), config.botFramework.appId);
  return new ChannelSender({ sms: new OptOutCheckedSmsSender(sms, optOuts, log), chat });
}
