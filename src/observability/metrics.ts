// Every metric the box office exports, in one place. Counters are moved by
// decorators and listeners wired at the composition roots (src/roles/*.ts);
// the gauges of seats and queues read Redis when Prometheus scrapes, so they
// are true whichever process serves them (web and worker report the same
// values: aggregate them with max, not sum).
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { StaffAttention } from '../orders/staff-attention.store.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { AdmissionStore } from '../tickets/admission.store.js';

/** What the scrape-time gauges read. */
export interface MetricSources {
  catalog: EventCatalog;
  seats: SeatStore;
  /** The open requests for staff, counted by kind. */
  attention: Pick<StaffAttention, 'counts'>;
  /** Tickets let in at the door, per event. */
  admissions: Pick<AdmissionStore, 'admittedBySection'>;
  /** Every queue, for its depth per state. */
  queues: readonly Queue[];
}

export type MetricChannel = 'sms' | 'chat';

/** Longest a scrape waits on Redis for the gauges: with Redis away, /metrics still answers with the counters. */
const SCRAPE_READ_TIMEOUT_MS = 2_000;

/** Job states reported per queue (BullMQ's names; `wait` is waiting). */
const QUEUE_STATES = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

/** Turn latency: a turn is ~10 Redis round trips plus, when it holds seats, a Checkout Session call. */
const TURN_SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class BoxOfficeMetrics {
  /** Texts and chat messages that reached us past signature and token checks. */
  readonly inboundMessages: Counter<'channel'>;
  /** Bot turns (any activity the bot ran for), by outcome ('ok', 'error'). */
  readonly turns: Counter<'channel' | 'outcome'>;
  readonly turnSeconds: Histogram<'channel'>;
  /** Checkout Sessions asked for, by kind ('tickets', 'upgrade') and outcome ('created', 'failed'). */
  readonly checkoutSessions: Counter<'kind' | 'outcome'>;
  /** Stripe webhook deliveries: 'received' (new, queued), 'duplicate' (already queued), 'rejected' (bad signature), 'failed' (not queued: 5xx). */
  readonly stripeWebhooks: Counter<'outcome'>;
  /** Twilio webhooks refused for a bad or missing signature, by endpoint ('inbound', 'status'). */
  readonly twilioWebhooksRejected: Counter<'endpoint'>;
  /** Job attempts by queue and outcome: 'completed', 'retried' (failed, will run again), 'failed' (failed for good). */
  readonly jobs: Counter<'queue' | 'outcome'>;
  /** Messages to customers by channel and outcome: 'sent', 'undeliverable' (for good), 'error' (will be retried). */
  readonly notifications: Counter<'channel' | 'outcome'>;
  /** Purchases whose seats could not be held, by the seat engine's reason (sold out, no adjacent block, …). */
  readonly holdConflicts: Counter<'reason'>;
  /** Scans at the door by outcome: 'admitted', or the reason it was refused (already_admitted, forged, refunded, …). */
  readonly checkins: Counter<'outcome'>;
  /** Scrape-time reads that failed or timed out (the gauge is then left out of that scrape). */
  readonly scrapeReadFailures: Counter<'source'>;

  constructor(
    readonly registry: Registry,
    sources: MetricSources,
  ) {
    const registers = [registry];
    collectDefaultMetrics({ register: registry });
    this.inboundMessages = new Counter({ name: 'box_office_inbound_messages_total', help: 'Inbound SMS and chat messages accepted', labelNames: ['channel'], registers });
    this.turns = new Counter({ name: 'box_office_turns_total', help: 'Bot turns, by channel and outcome', labelNames: ['channel', 'outcome'], registers });
    this.turnSeconds = new Histogram({ name: 'box_office_turn_duration_seconds', help: 'Time the bot took for one turn', labelNames: ['channel'], buckets: TURN_SECONDS_BUCKETS, registers });
    this.checkoutSessions = new Counter({ name: 'box_office_checkout_sessions_total', help: 'Checkout Sessions asked for, by kind and outcome (created, failed)', labelNames: ['kind', 'outcome'], registers });
    this.stripeWebhooks = new Counter({ name: 'box_office_stripe_webhooks_total', help: 'Stripe webhook deliveries by outcome (received, duplicate, rejected, failed)', labelNames: ['outcome'], registers });
    this.twilioWebhooksRejected = new Counter({ name: 'box_office_twilio_webhooks_rejected_total', help: 'Twilio webhooks refused for a bad or missing signature', labelNames: ['endpoint'], registers });
    this.jobs = new Counter({ name: 'box_office_jobs_total', help: 'Job attempts by queue and outcome (completed, retried, failed)', labelNames: ['queue', 'outcome'], registers });
    this.notifications = new Counter({ name: 'box_office_notifications_total', help: 'Messages to customers by channel and outcome (sent, undeliverable, error)', labelNames: ['channel', 'outcome'], registers });
    this.holdConflicts = new Counter({ name: 'box_office_hold_conflicts_total', help: 'Purchases whose seats could not be held, by reason', labelNames: ['reason'], registers });
    this.checkins = new Counter({ name: 'box_office_checkins_total', help: 'Scans at the door by outcome (admitted, or why refused)', labelNames: ['outcome'], registers });
    this.scrapeReadFailures = new Counter({ name: 'box_office_scrape_read_failures_total', help: 'Scrape-time Redis reads that failed or timed out', labelNames: ['source'], registers });
    this.startAtZero();
    this.defineGauges(sources);
  }

  /** Series that exist before anything happens, so rates and alerts see 0 rather than nothing. */
  private startAtZero(): void {
    for (const channel of ['sms', 'chat'] satisfies MetricChannel[]) this.inboundMessages.inc({ channel }, 0);
    for (const outcome of ['received', 'duplicate', 'rejected', 'failed']) this.stripeWebhooks.inc({ outcome }, 0);
    for (const endpoint of ['inbound', 'status']) this.twilioWebhooksRejected.inc({ endpoint }, 0);
    for (const outcome of ['created', 'failed']) this.checkoutSessions.inc({ kind: 'tickets', outcome }, 0);
    for (const outcome of ['admitted', 'already_admitted', 'forged']) this.checkins.inc({ outcome }, 0);
  }

  private defineGauges(sources: MetricSources): void {
    const registers = [this.registry];
    const inventory = sharedRead(() => this.read('inventory', () => readInventory(sources)));
    const held: Gauge<'event'> = new Gauge({
      name: 'box_office_seats_held',
      help: 'Seats held (awaiting payment) per event, read at scrape time',
      labelNames: ['event'],
      registers,
      collect: async (): Promise<void> => setEach(held, await inventory(), (row) => [{ event: row.event }, row.held]),
    });
    const sold: Gauge<'event'> = new Gauge({
      name: 'box_office_seats_sold',
      help: 'Seats sold per event, read at scrape time',
      labelNames: ['event'],
      registers,
      collect: async (): Promise<void> => setEach(sold, await inventory(), (row) => [{ event: row.event }, row.sold]),
    });
    const admitted: Gauge<'event'> = new Gauge({
      name: 'box_office_tickets_admitted',
      help: 'Tickets let in at the door per event, read at scrape time',
      labelNames: ['event'],
      registers,
      collect: async (): Promise<void> => setEach(admitted, await inventory(), (row) => [{ event: row.event }, row.admitted]),
    });
    const attention: Gauge<'kind'> = new Gauge({
      name: 'box_office_staff_attention',
      help: 'Orders waiting for staff by kind (notice_undelivered, payment_mismatch, refund_by_hand, seats_gone), read at scrape time',
      labelNames: ['kind'],
      registers,
      collect: async (): Promise<void> => {
        const counts = await this.read('attention', () => sources.attention.counts());
        setEach(attention, counts && Object.entries(counts), ([kind, count]) => [{ kind }, count]);
      },
    });
    const depth: Gauge<'queue' | 'state'> = new Gauge({
      name: 'box_office_queue_jobs',
      help: 'Jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      collect: async (): Promise<void> => {
        const counts = await this.read('queues', () => readQueueDepths(sources.queues));
        setEach(depth, counts, (row) => [{ queue: row.queue, state: row.state }, row.count]);
      },
    });
  }

  /** A Redis read for a scrape: undefined (and counted) when it fails or takes too long. */
  private async read<T>(source: string, load: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), SCRAPE_READ_TIMEOUT_MS);
    });
    try {
      const value = await Promise.race([load().catch(() => undefined), timeout]);
      if (value === undefined) this.scrapeReadFailures.inc({ source });
      return value;
    } finally {
      clearTimeout(timer);
    }
  }
}

interface InventoryRow {
  event: string;
  held: number;
  sold: number;
  admitted: number;
}

async function readInventory({ catalog, seats, admissions }: MetricSources): Promise<InventoryRow[]> {
  const rows = await Promise.all(
    catalog.events().map(async (event): Promise<InventoryRow[]> => {
      const inventory = await seats.inventory(event.id);
      if (!inventory) return [];
      const sections = inventory.sections;
      const admitted = await admissions.admittedBySection(event.id, sections.map((s) => s.id));
      return [{ event: inventory.event, held: sum(sections.map((s) => s.held)), sold: sum(sections.map((s) => s.sold)), admitted: sum([...admitted.values()]) }];
    }),
  );
  return rows.flat();
}

async function readQueueDepths(queues: readonly Queue[]): Promise<Array<{ queue: string; state: string; count: number }>> {
  const perQueue = await Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      return QUEUE_STATES.map((state) => ({ queue: queue.name, state, count: counts[state] ?? 0 }));
    }),
  );
  return perQueue.flat();
}

/** Replaces a gauge's values with `rows` (none when the read failed, rather than stale ones). */
function setEach<L extends string, R>(gauge: Gauge<L>, rows: readonly R[] | undefined, value: (row: R) => [Partial<Record<L, string>>, number]): void {
  gauge.reset();
  for (const row of rows ?? []) {
    const [labels, number] = value(row);
    gauge.set(labels, number);
  }
}

/** Calls made while one is in flight share it: the held and sold gauges read the inventory once per scrape. */
function sharedRead<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
