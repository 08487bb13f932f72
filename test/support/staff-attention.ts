// What staff see of the orders that need them: the attention list, the one
// call that sends a customer's tickets again, and the gauge on /metrics.
import { TEST_STAFF_TOKEN, type BoxOffice } from './box-office.harness.js';
import { sampleValue, scrape } from './metrics.js';

/** One entry of GET /staff/attention. */
export interface AttentionEntry {
  orderId: string;
  kind: string;
  about: string;
  note: string;
  at: string;
}

/** `GET /staff/attention`: every open flag. */
export async function attentionList(office: BoxOffice): Promise<AttentionEntry[]> {
  const response = await fetch(`${office.url}/staff/attention`, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
  if (!response.ok) throw new Error(`GET /staff/attention answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { flags: AttentionEntry[] }).flags;
}

/** The open flags of one order. */
export async function attentionFor(office: BoxOffice, orderId: string): Promise<AttentionEntry[]> {
  return (await attentionList(office)).filter((entry) => entry.orderId === orderId);
}

/** `POST /staff/orders/:id/resend-tickets` with the bearer `token`. */
export async function resendTickets(office: BoxOffice, orderId: string, token = TEST_STAFF_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${office.url}/staff/orders/${orderId}/resend-tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The open flags of one kind, as /metrics reports them (0 when the series is absent). */
export async function attentionGauge(office: BoxOffice, kind: string): Promise<number> {
  return sampleValue(await scrape(office.url), 'box_office_staff_attention', { kind }) ?? 0;
}
