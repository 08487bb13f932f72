// The on-sale rush's parts, shared by bench/rush.bench.ts (one box office
// process) and bench/cluster.bench.ts (several, on one Redis or a cluster):
// the event, the customers' texts (round-robin over the web processes when
// there are several), and the invariants read back from Redis
// (test/support/seat-audit.ts) after the texts and after the payments.
import { performance } from 'node:perf_hooks';
import { KEY_PREFIX } from '../../src/commerce.js';
import { auditSeats } from '../../test/support/seat-audit.js';
import type { BenchOffice } from './box-office.process.js';
import { orderIdIn, phone, text, type SmsAnswer } from './customers.js';
import type { HeldOrder } from './payments.js';

/** 500 seats in rows of 20, so parties of two fill it exactly. */
export const RUSH_CATALOG = 'bench/catalog/rush-500.json';
export const RUSH_EVENT = 'onsale-rush';
export const RUSH_PARTY = 2;
const SECTIONS = ['101', '102', '103'];

/** What customer n texts: a party of two, in one of the three sections. */
export function rushText(n: number): string {
  return `${RUSH_PARTY} tickets rush section ${SECTIONS[n % SECTIONS.length]}`;
}

export type Outcome = 'held' | 'sold out' | 'other';

export function outcomeOf(answer: SmsAnswer): Outcome {
  if (orderIdIn(answer)) return 'held';
  return /sold out|no section has/i.test(answer.messages.join(' ')) ? 'sold out' : 'other';
}

export interface RushRun {
  /** By customer: the answer, its latency (ms) and when it came (ms into the rush). */
  answers: SmsAnswer[];
  latencies: number[];
  answeredAt: number[];
  /** From the first text to the last answer. */
  seconds: number;
}

/** `customers` customers text rushText(n), `inFlight` at a time; customer n texts the web process n mod the number of them. */
export async function rush(office: BenchOffice, customers: number, inFlight: number): Promise<RushRun> {
  const answers: SmsAnswer[] = [];
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (let n = next++; n < customers; n = next++) {
      const t0 = performance.now();
      answers[n] = await text(office.baseUrls[n % office.baseUrls.length]!, n, rushText(n));
      latencies[n] = performance.now() - t0;
      answeredAt[n] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, customers) }, lane));
  return { answers, latencies, answeredAt, seconds: (performance.now() - started) / 1000 };
}

/** The orders the answers hold: one per pay link. */
export function heldOrders(answers: readonly SmsAnswer[]): HeldOrder[] {
  return answers.flatMap((answer, n) => {
    const orderId = orderIdIn(answer);
    return orderId ? [{ orderId, phone: phone(n) }] : [];
  });
}

/**
 * After the texts: every customer answered (200, TwiML with a non-empty
 * message), the seat state sound, one hold in Redis per pay link and no two
 * customers given the same order. Empty when all hold.
 */
export async function checkAfterRush(office: BenchOffice, answers: readonly SmsAnswer[], held: readonly HeldOrder[]): Promise<string[]> {
  const problems: string[] = [];
  answers.forEach((answer, n) => {
    if (answer.status !== 200 || answer.messages.length === 0 || answer.messages.some((m) => m.trim() === '')) {
      problems.push(`customer ${n} got ${answer.status} ${JSON.stringify(answer.messages)}`);
    }
  });
  const audit = await auditSeats(office.redis, office.catalog, RUSH_EVENT, KEY_PREFIX);
  problems.push(...audit.problems);
  const heldIds = new Set(held.map((h) => h.orderId));
  if (heldIds.size !== held.length) problems.push('two customers were given the same order');
  if (audit.held.length !== heldIds.size || !audit.held.every((id) => heldIds.has(id))) {
    problems.push(`${audit.held.length} holds in Redis for ${heldIds.size} pay links`);
  }
  return problems;
}

export interface AfterPayment {
  problems: string[];
  sold: number;
  stillHeld: number;
  capacity: number;
}

/** After every held order paid: the seat state sound, every seat of a paid order sold, none left held. */
export async function checkAfterPayment(office: BenchOffice, held: readonly HeldOrder[]): Promise<AfterPayment> {
  const audit = await auditSeats(office.redis, office.catalog, RUSH_EVENT, KEY_PREFIX);
  const problems = [...audit.problems];
  const sold = audit.sections.reduce((sum, s) => sum + s.sold, 0);
  const stillHeld = audit.sections.reduce((sum, s) => sum + s.held, 0);
  const capacity = audit.sections.reduce((sum, s) => sum + s.capacity, 0);
  if (sold !== held.length * RUSH_PARTY || stillHeld !== 0) problems.push(`after payment: ${sold} sold, ${stillHeld} held, for ${held.length} paid orders`);
  return { problems, sold, stillHeld, capacity };
}

/** The invariants' line: "all hold", or the first twenty that broke. */
export function invariantsLine(problems: readonly string[]): string {
  return problems.length === 0 ? 'invariants: all hold' : `INVARIANTS BROKEN:\n  ${problems.slice(0, 20).join('\n  ')}`;
}
