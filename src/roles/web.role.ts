import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConversationState } from 'botbuilder';
import { MainDialog } from '../../dialogs/main.dialog.js';
import { BoxOfficeBot } from '../bot/box-office.bot.js';
import { RedisStorage } from '../bot/redis.storage.js';
import { TurnLock } from '../bot/turn.lock.js';
import { EventFinder } from '../catalog/event-finder.js';
import { chatRoutes, createCloudAdapter } from '../channels/chat/chat.route.js';
import { DeliveryStatusService } from '../channels/sms/delivery-status.service.js';
import { SmsOptOutStore } from '../channels/sms/opt-out.store.js';
import { SmsAdapter } from '../channels/sms/sms.adapter.js';
import { SmsConsent } from '../channels/sms/sms-consent.js';
import { smsRoutes } from '../channels/sms/sms.route.js';
import { staffRoutes } from '../http/staff.route.js';
import { createWebApp } from '../http/web.app.js';
import { QueuedSmsNotices } from '../jobs/notification.job.js';
import { DeliveryStore } from '../notifications/delivery.store.js';
import { PurchaseService } from '../orders/purchase.service.js';
import { DemoCheckoutGateway } from '../payments/demo-checkout.gateway.js';
import { demoCheckoutRoutes } from '../payments/demo-checkout.route.js';
import { demoEventDelivery } from '../payments/demo-event.delivery.js';
import { payLinkRoutes } from '../payments/pay-link.route.js';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from '../payments/stripe-webhook.route.js';
import type { Foundation } from './foundation.js';
import { createRefundService } from './refunds.js';

export interface RunningWeb {
  /** The address it listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** Composition root of the web role: the bot, its channels, the webhooks and the staff API. */
export async function startWebRole(foundation: Foundation, port = foundation.config.port): Promise<RunningWeb> {
  const { config, log, redis, commerce, checkout, queues, keyPrefix } = foundation;
  const purchase = new PurchaseService({
    catalog: commerce.catalog,
    seats: commerce.seats,
    orders: commerce.orders,
    checkout,
    log,
    options: { holdMinutes: config.limits.holdMinutes, publicBaseUrl: config.publicBaseUrl },
  });
  const refunds = createRefundService(foundation);
  const dialog = new MainDialog({
    refunds,
    catalog: commerce.catalog,
    finder: new EventFinder(commerce.catalog),
    seats: commerce.seats,
    orders: commerce.orders,
    purchase,
    limits: config.limits,
  });
  const bot = new BoxOfficeBot({
    conversationState: new ConversationState(new RedisStorage({ redis, prefix: `${keyPrefix}bot:state:` })),
    dialog,
    turnLock: new TurnLock({ redis, prefix: `${keyPrefix}bot:turn-lock:` }),
    log,
  });
  // With no STRIPE_WEBHOOK_SECRET the demo checkout signs its own events with a
  // secret made up for this process; the web role both signs and checks them.
  const webhookSecret = config.stripe.webhookSecret ?? `whsec_demo_${randomBytes(24).toString('hex')}`;
  let listeningUrl = '';
  const smsOptOuts = new SmsOptOutStore(redis, { prefix: keyPrefix });

  const routers = [
    chatRoutes({ adapter: createCloudAdapter(config.botFramework, log), bot }),
    smsRoutes({
      bot,
      adapter: new SmsAdapter(),
      consent: new SmsConsent(smsOptOuts, log),
      statuses: new DeliveryStatusService({
        orders: commerce.orders,
        deliveries: new DeliveryStore(redis, { prefix: keyPrefix }),
        smsOutbox: new QueuedSmsNotices(queues.sms),
        optOuts: smsOptOuts,
        log,
      }),
      authToken: config.twilio.authToken,
      publicBaseUrl: config.publicBaseUrl,
      log,
    }),
    stripeWebhookRoutes({ webhookSecret, payments: queues.payments, log }),
    payLinkRoutes({ orders: commerce.orders }),
    staffRoutes({ staffApiToken: config.staff.apiToken, orders: commerce.orders, seats: commerce.seats, refunds }),
  ];
  if (checkout instanceof DemoCheckoutGateway) {
    routers.push(demoCheckoutRoutes({ gateway: checkout, webhookSecret, webhookUrl: () => `${listeningUrl}${STRIPE_WEBHOOK_PATH}`, log }));
    // Demo refunds are confirmed the way Stripe confirms them: a signed event to our webhook.
    checkout.announceWith(demoEventDelivery({ webhookSecret, webhookUrl: () => `${listeningUrl}${STRIPE_WEBHOOK_PATH}`, log }));
  }

  const app = createWebApp({ log, redis, routers });
  const server = app.listen(port);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  listeningUrl = `http://127.0.0.1:${bound}`;
  return { url: listeningUrl, close: (graceMs) => closeGracefully(server, graceMs) };
}

async function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
