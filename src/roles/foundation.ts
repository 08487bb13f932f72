import type { RedisClient } from '../redis/redis.client.js';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { createCommerce, KEY_PREFIX, type Commerce } from '../commerce.js';
import { join } from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.js';
import type { CheckoutGateway } from '../checkout/checkout.gateway.js';
import { DemoCheckoutGateway } from '../payments/demo-checkout.gateway.js';
import { DemoSavedCards } from '../payments/demo-saved-cards.js';
import { createStripeClient } from '../payments/stripe.client.js';
import { StripeCheckoutGateway } from '../payments/stripe-checkout.gateway.js';
import { StripeSavedCards } from '../payments/stripe-saved-cards.js';
import type { SavedCards } from '../checkout/saved-cards.js';
import { MeteredCheckoutGateway } from '../observability/metered-checkout.gateway.js';
import { rememberingAbandonedCreates } from '../orders/abandoned-checkout.store.js';
import { BoxOfficeMetrics } from '../observability/metrics.js';
import { noticeRetrySchedule, type NoticeRetrySchedule } from '../queue/notice-retry.js';
import { allQueues, createQueues, QUEUE_PREFIX, type Queues } from '../queue/queues.js';
import { connectRedis, describeTarget, type RedisTarget } from '../redis/redis.client.js';
import { RedisOutageLog } from '../redis/redis.outage-log.js';
import { TicketSigner } from '../tickets/scan-code.js';
import { ticketSigningKey } from '../tickets/signing-key.js';
import { ReplicaAcks, type WriteConfirmation } from '../redis/replica-acks.js';

/** What both roles stand on: config, Redis, the commerce layer, checkout and the queues. */
export interface Foundation {
  config: Config;
  log: Logger;
  /** Where the data lives: one Redis or a Redis Cluster. */
  redisTarget: RedisTarget;
  /** The connection for commands: bot state, seats, orders, everything but the queues. */
  redis: RedisClient;
  /** The queues' own connection (see createFoundation), for anything that must reach Redis in step with a queue. */
  queueConnection: RedisClient;
  /** Waits until a replica has the writes made on `redis` (commands) or `queueConnection` (queued jobs) so far. */
  replicated: { commands: WriteConfirmation; queues: WriteConfirmation };
  commerce: Commerce;
  /** Stripe's or the demo checkout, metered; a create that fails is remembered, for reconciliation to expire what the provider made of it. */
  checkout: CheckoutGateway;
  /** The demo checkout itself, when there is no Stripe key: the web role serves its pages. */
  demoCheckout?: DemoCheckoutGateway;
  /** Cards customers saved at Stripe (or in the demo checkout), for paying by reply. */
  savedCards?: SavedCards;
  queues: Queues;
  /** How long notices keep trying: the queues' attempts and the notice workers' backoff. */
  noticeRetry: NoticeRetrySchedule;
  /** This process's metrics, in a registry of its own (several box offices can share a test process). */
  metrics: BoxOfficeMetrics;
  keyPrefix: string;
  queuePrefix: string;
  /** Signs and checks tickets' scan values (TICKET_SIGNING_KEY, or the key kept under .data). */
  ticketSigner: TicketSigner;
  /** A new connection for a BullMQ worker (blocking commands need their own, with no retry cap). */
  workerConnection(): RedisClient;
  close(): Promise<void>;
}

export interface FoundationOptions {
  config: Config;
  log: Logger;
  catalog: EventCatalog;
  redis: RedisTarget;
  /** Prefix of every data key. Default 'bx:'; tests use their own. */
  keyPrefix?: string;
  /** What the queues' keys start with (each queue adds a hash tag of its own: queueKeyPrefix). Default 'bx'. */
  queuePrefix?: string;
  /** Default: the production schedule over NOTICE_RETRY_HOURS; tests shorten it. */
  noticeRetry?: NoticeRetrySchedule;
}

export function createFoundation(options: FoundationOptions): Foundation {
  const { config, log } = options;
  const keyPrefix = options.keyPrefix ?? KEY_PREFIX;
  const queuePrefix = options.queuePrefix ?? QUEUE_PREFIX;
  const outages = new RedisOutageLog(log, describeTarget(options.redis));
  const redis = outages.watch(connectRedis(options.redis), 'commands');
  // BullMQ defines its ~60 Lua scripts as commands on the connection it is
  // given, and ioredis copies every defined command onto each pipeline it
  // builds: with auto-pipelining, every batch of commands, and every MULTI.
  // On the connection every bot turn uses, that copying was a few percent of
  // an on-sale rush's CPU; the producers get a connection of their own.
  const queueConnection = outages.watch(connectRedis(options.redis), 'queues');
  const workerConnections: RedisClient[] = [];
  const noticeRetry = options.noticeRetry ?? noticeRetrySchedule(config.notices.retryHours);
  const queues = createQueues(queueConnection, queuePrefix, noticeRetry);
  const commerce = createCommerce(redis, options.catalog, config, keyPrefix);
  const stripe = config.stripe.demo ? undefined : createStripeClient({ secretKey: config.stripe.secretKey!, apiUrl: config.stripe.apiUrl, timeoutMs: config.stripe.timeoutMs });
  const provider = stripe ? new StripeCheckoutGateway(stripe) : new DemoCheckoutGateway(redis, { prefix: keyPrefix, publicBaseUrl: config.publicBaseUrl });
  const metrics = new BoxOfficeMetrics(new Registry(), { catalog: options.catalog, seats: commerce.seats, attention: commerce.attention, admissions: commerce.admissions, queues: allQueues(queues) });
  return {
    config,
    log,
    redisTarget: options.redis,
    redis,
    queueConnection,
    replicated: { commands: new ReplicaAcks(redis), queues: new ReplicaAcks(queueConnection) },
    commerce,
    checkout: rememberingAbandonedCreates(new MeteredCheckoutGateway(provider, metrics), commerce.abandonedCheckouts, log),
    demoCheckout: provider instanceof DemoCheckoutGateway ? provider : undefined,
    savedCards: stripe ? new StripeSavedCards(stripe) : new DemoSavedCards(redis, provider as DemoCheckoutGateway),
    queues,
    noticeRetry,
    metrics,
    keyPrefix,
    queuePrefix,
    ticketSigner: new TicketSigner(ticketSigningKey(config.tickets.signingKey, join(PROJECT_ROOT, '.data', 'ticket-signing-key.pem'), TicketSigner.newPrivateKeyPem)),
    workerConnection() {
      const connection = outages.watch(connectRedis(options.redis, { maxRetriesPerRequest: null }), 'worker');
      workerConnections.push(connection);
      return connection;
    },
    async close() {
      // With Redis unreachable a graceful QUIT would wait for it forever.
      if (queueConnection.status === 'ready') await queues.close();
      // Connections handed to BullMQ are not closed by it: close them here.
      await Promise.all(
        [redis, queueConnection, ...workerConnections].map((connection) =>
          connection.status === 'ready' ? connection.quit().catch(() => connection.disconnect()) : connection.disconnect(),
        ),
      );
    },
  };
}
