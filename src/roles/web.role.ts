import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BoxOfficeBot } from '../bot/box-office.bot.js';
import { RedisStorage } from '../bot/redis.storage.js';
import { RouteConversationState } from '../bot/route-conversation.state.js';
import { Router } from 'express';
import { TurnLock } from '../bot/turn.lock.js';
import { ReplicatedReplies } from '../bot/replicated-replies.js';
import { chatRoutes, createCloudAdapter } from '../channels/chat/chat.route.js';
import { SenderLimit } from '../channels/sender-limit.js';
import { DeliveryStatusService } from '../channels/sms/delivery-status.service.js';
import { SmsOptOutStore } from '../channels/sms/opt-out.store.js';
import { SmsAdapter } from '../channels/sms/sms.adapter.js';
import { SmsConsent } from '../channels/sms/sms-consent.js';
import { smsRoutes } from '../channels/sms/sms.route.js';
import { demoPhoneRoutes } from '../channels/sms/demo-phone.route.js';
import { demoChatRoutes, webChatBundle } from '../channels/chat/demo-chat.route.js';
import { DemoPhoneInbox } from '../channels/sms/demo-phone.inbox.js';
import { IpShield, limitByIp } from '../http/ip-shield.js';
import { queueBoardRoutes } from '../http/queue-board.route.js';
import { staffReportRoutes } from '../http/staff-reports.route.js';
import { staffRoutes } from '../http/staff.route.js';
import { staffConsoleRoutes } from '../http/staff-console.route.js';
import { staffConsoleOrderRoutes } from '../http/staff-console-orders.route.js';
import { StaffSessions } from '../http/staff-sessions.js';
import { createWebApp, createWebServer } from './web.app.js';
import { QueuedSmsNotices } from '../queue/notice.producers.js';
import { DeliveryStore } from '../notifications/delivery.store.js';
import { DEMO_CHECKOUT_PATH, TICKET_PAGE_PATH } from '../http/paths.js';
import { demoCheckoutRoutes } from '../payments/demo-checkout.route.js';
import { DemoSavedCards } from '../payments/demo-saved-cards.js';
import { demoEventDelivery } from '../payments/demo-event.delivery.js';
import { PAY_LINK_PATH } from '../checkout/pay-link.js';
import { payLinkRoutes } from '../payments/pay-link.route.js';
import { DEMO_CHAT_PATH, DEMO_PHONE_PATH, SMS_INBOUND_PATH, STRIPE_WEBHOOK_PATH } from '../http/paths.js';
import { ConfigError } from '../config.js';
import { stripeWebhookRoutes } from '../payments/stripe-webhook.route.js';
import { metricsRoutes } from '../observability/metrics.route.js';
import { TurnObserver } from '../observability/turn.middleware.js';
import { meterWebhookQueue, webhookMeterRoutes } from '../observability/webhook.meter.js';
import { allQueues } from '../queue/queues.js';
import type { Foundation } from './foundation.js';
import { createWebServices } from './web.services.js';
import { offerView } from '../upgrades/offer.view.js';
import { staffUpgradeRoutes } from '../http/staff-upgrades.route.js';
import { checkinRoutes } from '../http/checkin.route.js';
import { ticketPageRoutes } from '../http/ticket-page.route.js';
import { TicketViews } from '../tickets/ticket-view.js';
import { MeteredCheckinService } from '../observability/metered-checkin.service.js';
import { doorRoutes } from '../http/door.route.js';

export interface RunningServer {
  /** The address it listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

export interface RunningWeb extends RunningServer {
  /** The demo pages it serves (the demo chat, the demo phone), for the start-up line. */
  demoPages: string[];
}

/** Composition root of the web role: the bot, its channels, the webhooks and the staff API. */
export async function startWebRole(foundation: Foundation, port = foundation.config.port): Promise<RunningWeb> {
  const { config, log, redis, commerce, queues, keyPrefix, metrics } = foundation;
  const { refunds, upgrades, dialog, staffDesk, ticketResends } = createWebServices(foundation);
  const bot = new BoxOfficeBot({
    conversationState: new RouteConversationState(new RedisStorage({ redis, prefix: `${keyPrefix}bot:state:` })),
    dialog,
    turnLock: new TurnLock({ redis, prefix: `${keyPrefix}bot:turn-lock:` }),
    log,
    staffDesk,
  });
  // With no STRIPE_WEBHOOK_SECRET the demo checkout signs its own events with a
  // secret made up for this process; the web role both signs and checks them.
  const webhookSecret = config.stripe.webhookSecret ?? `whsec_demo_${randomBytes(24).toString('hex')}`;
  // With no Twilio account the demo phone stands in for Twilio: it signs its
  // texts with a token made up for this process, which the SMS route checks.
  const demoPhone = !config.twilio.accountSid && config.env !== 'production';
  const smsAuthToken = config.twilio.authToken ?? (demoPhone ? `demo_${randomBytes(24).toString('hex')}` : undefined);
  let listeningUrl = '';
  const smsOptOuts = new SmsOptOutStore(redis, { prefix: keyPrefix });
  // Per sender in Redis (every web process counts together); per IP in memory, a shield only.
  const senders = new SenderLimit(redis, { prefix: keyPrefix, perMinute: config.protection.senderMessagesPerMinute, log });
  const badSignatures = new IpShield({ limit: config.protection.ipBadSignaturesPerMinute });
  const publicPages = Router().use([PAY_LINK_PATH, TICKET_PAGE_PATH, DEMO_CHECKOUT_PATH], limitByIp(new IpShield({ limit: config.protection.ipRequestsPerMinute })));

  // A turn id for the log, turn counts and latency, on both channels.
  const turns = new TurnObserver({ metrics, log });
  // No reply before a replica has what the turn wrote.
  const replies = new ReplicatedReplies(foundation.replicated.commands, log);

  // Upgrade offers as staff see them, with their pay links: the staff API and the console show the same.
  const sessions = new StaffSessions(redis, keyPrefix);
  const offersOf = async (orderId: string) => (await commerce.orders.offersOf(orderId)).map((offer) => offerView(offer, commerce.catalog, (record) => upgrades.payLink(record)));
  const routers = [
    publicPages,
    webhookMeterRoutes(metrics),
    metricsRoutes(metrics.registry),
    // Before the staff API, whose bearer-only check covers all of /staff: the staff pages and their own requests.
    staffConsoleRoutes({ staffApiToken: config.staff.apiToken, sessions, ...commerce, badTokens: badSignatures, secure: config.publicBaseUrl.startsWith('https://'), log }),
    staffConsoleOrderRoutes({ sessions, ...commerce, refunds, offersOf, upgrades, ticketResends }),
    queueBoardRoutes({ staffApiToken: config.staff.apiToken, queues: allQueues(queues), log }),
    checkinRoutes({
      staffApiToken: config.staff.apiToken,
      checkins: new MeteredCheckinService({ signer: foundation.ticketSigner, ...commerce, opensBeforeMs: config.tickets.opensHoursBefore * 3_600_000 }, metrics),
    }),
    doorRoutes({ staffApiToken: config.staff.apiToken, ...commerce }),
    chatRoutes({ adapter: createCloudAdapter(config.botFramework, log).use(turns, replies), bot, senders, badSignatures, anonymous: !config.botFramework.appId }),
    smsRoutes({
      bot,
      adapter: new SmsAdapter().use(turns, replies),
      consent: new SmsConsent(smsOptOuts, log),
      senders,
      badSignatures,
      statuses: new DeliveryStatusService({
        orders: commerce.orders,
        deliveries: new DeliveryStore(redis, { prefix: keyPrefix }),
        smsOutbox: new QueuedSmsNotices(queues.sms),
        optOuts: smsOptOuts,
        attention: commerce.attention,
        log,
      }),
      authToken: smsAuthToken,
      publicBaseUrl: config.publicBaseUrl,
      log,
    }),
    stripeWebhookRoutes({ webhookSecret, payments: meterWebhookQueue(queues.payments, foundation.queueConnection, metrics), queued: foundation.replicated.queues, log, badSignatures }),
    payLinkRoutes({ orders: commerce.orders, checkout: foundation.checkout, log }),
    ticketPageRoutes({ views: new TicketViews({ ...commerce, pages: commerce.ticketPages, signer: foundation.ticketSigner }) }),
    staffRoutes({
      staffApiToken: config.staff.apiToken,
      orders: commerce.orders,
      seats: commerce.seats,
      refunds,
      offersOf,
      attention: commerce.attention,
      ticketResends,
      admissions: commerce.admissions,
    }),
    staffUpgradeRoutes({ staffApiToken: config.staff.apiToken, catalog: commerce.catalog, orders: commerce.orders, upgrades }),
    staffReportRoutes({ staffApiToken: config.staff.apiToken, ...commerce }),
  ];
  const demoPages: string[] = [];
  if (demoPhone) {
    demoPages.push(DEMO_PHONE_PATH);
    const inbox = new DemoPhoneInbox(redis, { prefix: keyPrefix });
    routers.push(demoPhoneRoutes({ inbox, authToken: smsAuthToken!, publicBaseUrl: config.publicBaseUrl, inboundUrl: () => `${listeningUrl}${SMS_INBOUND_PATH}`, log }));
  }
  // Web Chat on a local Direct Line: with an anonymous bot only (it posts to
  // /api/messages as the Emulator does), and where Web Chat is installed.
  const webChat = !config.botFramework.appId && config.env !== 'production' ? webChatBundle() : undefined;
  if (webChat) {
    demoPages.unshift(DEMO_CHAT_PATH);
    routers.push(demoChatRoutes({ bundle: webChat, selfUrl: () => listeningUrl, log }));
  }
  const demo = foundation.demoCheckout;
  if (demo) {
    const cards = foundation.savedCards instanceof DemoSavedCards ? foundation.savedCards : undefined;
    routers.push(demoCheckoutRoutes({ gateway: demo, webhookSecret, webhookUrl: () => `${listeningUrl}${STRIPE_WEBHOOK_PATH}`, ...(cards ? { cards } : {}), log }));
    // Demo refunds are confirmed the way Stripe confirms them: a signed event to our webhook.
    demo.announceWith(demoEventDelivery({ webhookSecret, webhookUrl: () => `${listeningUrl}${STRIPE_WEBHOOK_PATH}`, log }));
  }

  const app = createWebApp({ log, redis, publicBaseUrl: config.publicBaseUrl, trustProxy: config.trustProxy, routers });
  const server = createWebServer(app).listen(port);
  await once(server, 'listening').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    throw new ConfigError(`Port ${port} is taken: another box office, or something else, listens there. Stop it, or start this one with PORT set to a free port.`);
  });
  const { port: bound } = server.address() as AddressInfo;
  listeningUrl = `http://127.0.0.1:${bound}`;
  return { url: listeningUrl, demoPages, close: (graceMs) => closeGracefully(server, graceMs) };
}

/** Stops taking requests, lets in-flight ones finish for up to graceMs, then closes what is left. */
export async function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
