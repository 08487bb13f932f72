// Customers pay: each order's Checkout Session is marked paid on the local
// Stripe server, and Stripe delivers a signed checkout.session.completed per
// order, some of them more than once (Stripe delivers at least once: a resend
// after a slow answer, or two deliveries racing), until every paying customer
// has had the ticket SMS. Shared by the rush (pay what was held) and the storm
// (the deliveries are the load). With several web processes the deliveries
// go to them in turn, as a load balancer would send them.
import { performance } from 'node:perf_hooks';
import { waitFor, workerIdle, type BenchOffice } from './box-office.process.js';
import { deliverCompleted } from './customers.js';
import { atConcurrency, type Measured } from './measure.js';

/** An order a customer holds: its id and the phone its tickets go to. */
export interface HeldOrder {
  orderId: string;
  phone: string;
}

export interface PaymentOptions {
  /** Share of events delivered twice, e.g. 0.2. Half of them as two deliveries at the same moment, half resent after the rest. */
  duplicateShare: number;
  inFlight: number;
  /** Longest wait for the last ticket SMS. */
  timeoutMs?: number;
}

export interface PaymentRun {
  /** Every delivery's acknowledgement (HTTP round trip), duplicates included. */
  acks: Measured;
  duplicates: number;
  /** From the first delivery to the last ticket SMS reaching Twilio. */
  fulfilSeconds: number;
  /** Customers who did not get exactly one ticket SMS, or deliveries not acknowledged 2xx: empty when all is well. */
  problems: string[];
}

export async function payAndDeliver(office: BenchOffice, orders: HeldOrder[], options: PaymentOptions): Promise<PaymentRun> {
  const sessionOf = new Map([...office.stripe.sessions.values()].map((s) => [s.client_reference_id, s.id]));
  const events = orders.map((order, n) => {
    const sessionId = sessionOf.get(order.orderId);
    if (!sessionId) throw new Error(`order ${order.orderId} has no Checkout Session`);
    office.stripe.markPaid(sessionId);
    return { id: `evt_bench_${n}`, session: office.stripe.sessions.get(sessionId)! };
  });
  // Every `every`-th event is duplicated; alternate ones race their original, the others come back at the end.
  const every = Math.round(1 / options.duplicateShare);
  const isDuplicated = (n: number) => options.duplicateShare > 0 && n % every === 0;
  const duplicated = events.filter((_, n) => isDuplicated(n));
  const units = events.map((event, n) => (isDuplicated(n) && (n / every) % 2 === 0 ? [event, event] : [event]));
  units.push(...duplicated.filter((_, k) => k % 2 === 1).map((event) => [event]));

  const problems: string[] = [];
  const latenciesMs: number[] = [];
  let delivery = 0;
  const started = performance.now();
  const run = await atConcurrency('deliveries', units.length, options.inFlight, (u) =>
    Promise.all(
      units[u]!.map(async (event) => {
        const t0 = performance.now();
        const status = await deliverCompleted(office.baseUrls[delivery++ % office.baseUrls.length]!, event.id, event.session);
        latenciesMs.push(performance.now() - t0);
        if (status < 200 || status > 299) problems.push(`event ${event.id} answered ${status}`);
      }),
    ),
  );
  const acks: Measured = { name: 'webhook acknowledgement', count: latenciesMs.length, seconds: run.seconds, latenciesMs };
  await waitFor(() => office.twilio.messages.length >= orders.length, options.timeoutMs ?? 300_000, 'every ticket SMS');
  const fulfilSeconds = (performance.now() - started) / 1000;
  // Late duplicates would show up as second texts: look only once the worker has nothing left.
  await waitFor(() => workerIdle(office.queues), 60_000, 'the worker to be idle');
  const texts = new Map<string, number>();
  for (const message of office.twilio.messages) texts.set(message.to, (texts.get(message.to) ?? 0) + 1);
  for (const order of orders) {
    const count = texts.get(order.phone) ?? 0;
    if (count !== 1) problems.push(`order ${order.orderId}: ${count} ticket SMS`);
  }
  if (office.twilio.messages.length !== orders.length) problems.push(`${office.twilio.messages.length} SMS sent for ${orders.length} orders`);
  return { acks, duplicates: latenciesMs.length - orders.length, fulfilSeconds, problems };
}
