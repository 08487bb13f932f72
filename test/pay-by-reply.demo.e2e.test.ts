// Paying by reply with no Stripe account: the demo payment page offers the
// "save my card" tick box with our consent words and two demo cards (4242
// pays; 0341 saves, then is declined when charged by reply), and a YES on
// the next hold is charged by the demo and announced to our own webhook as
// a signed payment_intent.succeeded, so the tickets come the real way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAVE_CARD_CONSENT } from '../src/orders/saved-card.store.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { newPhone, payLinkIn, payLinkPath, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ demo: true, env: { SAVED_CARDS: 'on' } });
});

afterAll(async () => {
  await office?.stop();
});

async function say(phone: string, text: string): Promise<string> {
  return (await textBoxOffice(office, phone, text)).messages.join('\n');
}

/** The demo page of an order, as its customer opens it. */
async function demoPage(orderId: string): Promise<{ html: string; sessionId: string }> {
  const order = await staffOrder(office, orderId);
  const html = await (await fetch(`${office.url}/demo/checkout/${order.stripeSessionId}`)).text();
  return { html, sessionId: order.stripeSessionId! };
}

async function payOnPage(sessionId: string, form: Record<string, string>): Promise<void> {
  const response = await fetch(`${office.url}/demo/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });
  expect(response.status).toBe(303);
}

/** A first purchase, paid on the demo page with `card`, saved or not; resolves once its tickets text arrived. */
async function firstPurchase(phone: string, card: '4242' | '0341', save: boolean): Promise<void> {
  const link = payLinkIn(await say(phone, '2 tickets lakers section 101'))!;
  const { sessionId } = await demoPage(link.orderId);
  await payOnPage(sessionId, { card, ...(save ? { save: 'on' } : {}) });
  await eventually(async () => (smsTo(office, phone).some((text) => text.includes('Your tickets')) ? true : undefined), 10_000, 'the first tickets text');
}

describe('paying by reply in the demo checkout', () => {
  it('offers the save choice with our consent words, never ticked, and two demo cards', async () => {
    const link = payLinkIn(await say(newPhone(), '2 tickets lakers section 101'))!;
    const { html } = await demoPage(link.orderId);
    expect(html).toContain('<input type="checkbox" name="save" value="on">');
    expect(html).not.toContain('checked> ' + SAVE_CARD_CONSENT);
    expect(html).toContain('Demo Visa ending 4242: pays');
    expect(html).toContain('Demo Visa ending 0341: saves, then is declined when paying by reply');
  });

  it('sells the next tickets on YES, with the tickets text coming through the webhook', async () => {
    const phone = newPhone();
    await firstPurchase(phone, '4242', true);
    const reply = await say(phone, '1 ticket hozier section 101');
    expect(reply).toMatch(/Reply YES to pay \$[\d,.]+ with Visa ending 4242, or open https:\/\/tickets\.example\.test\/p\/BX-/);
    const orderId = payLinkIn(reply)!.orderId;
    expect(await say(phone, 'YES')).toMatch(/^Paying \$[\d,.]+ with Visa ending 4242\./);
    const order = await eventually(async () => {
      const now = await staffOrder(office, orderId);
      return now.state === 'fulfilled' ? now : undefined;
    }, 10_000, 'the order fulfilled');
    expect(order.paidWith).toBe('saved_card');
    await eventually(async () => smsTo(office, phone).find((text) => text.includes(order.tickets[0]!)), 10_000, 'the second tickets text');
  });

  it('declines the 0341 card on YES, and the pay link opens a new demo page that pays', async () => {
    const phone = newPhone();
    await firstPurchase(phone, '0341', true);
    const reply = await say(phone, '1 ticket hozier section 101');
    const orderId = payLinkIn(reply)!.orderId;
    const held = await staffOrder(office, orderId);
    expect(await say(phone, 'YES')).toBe(`Visa ending 0341 was declined, so nothing was charged. Your seats are still held: pay another way on the payment page: https://tickets.example.test${payLinkPath(held)}`);
    const after = await staffOrder(office, orderId);
    expect(after.stripeSessionId).not.toBe(held.stripeSessionId);
    await payOnPage(after.stripeSessionId!, { card: '4242' });
    await eventually(async () => ((await staffOrder(office, orderId)).state === 'fulfilled' ? true : undefined), 10_000, 'the order fulfilled');
    expect((await staffOrder(office, orderId)).paidWith).toBe('checkout');
  });

  it('keeps no card when the box is not ticked, and offers no YES next time', async () => {
    const phone = newPhone();
    await firstPurchase(phone, '4242', false);
    expect(await say(phone, '1 ticket hozier section 101')).not.toContain('YES');
  });
});
