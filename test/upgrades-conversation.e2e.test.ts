// Upgrades in conversation: staff commands by SMS and chat from STAFF_IDS
// senders (and the same words from anyone else, who gets the customer
// dialog), and customers asking for better seats themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/order.js';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { buttonTitles, chatUser, openUrlButtons, type ChatUser } from './support/chat-user.js';
import { buyAndPay } from './support/purchases.js';
import { allCounts, jobEnd, newPhone, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';
import { orderWithOffers, payOffer } from './support/upgrades.js';

const STAFF_PHONE = '+15550001111';
const STAFF_CHAT_USER = 'staff-user-7';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  connector = await startBotConnector();
  // Written the way people write numbers: spaces and dashes are ignored.
  office = await startBoxOffice({ env: { STAFF_IDS: `+1 555-000-1111, emulator:${STAFF_CHAT_USER}` } });
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

const said = async (phone: string, text: string) => (await textBoxOffice(office, phone, text)).messages.join('\n');
const offerIdIn = (text: string) => /UP-[A-Z0-9]{4,6}/.exec(text)?.[0];

/** An instant on the Los Angeles venues' clock, as the bot writes event times: "Thu Dec 3, 8:09pm", "Sat Dec 5, 7pm". */
function venueTime(at: number): string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true });
  const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return `${parts.weekday} ${parts.month} ${parts.day}, ${parts.hour}${parts.minute === '00' ? '' : `:${parts.minute}`}${parts.dayPeriod!.toLowerCase()}`;
}

describe('staff commands by message', () => {
  let order: Order;
  let customer: string;

  beforeAll(async () => {
    customer = newPhone();
    order = await buyAndPay(office, customer, '2 tickets lakers section 101');
  });

  it('"upgrade BX-… to courtside" by SMS makes the offer, sends it to the customer and answers with the link', async () => {
    const reply = await said(STAFF_PHONE, `upgrade ${order.id} to courtside`);
    const offerId = offerIdIn(reply);
    expect(offerId, reply).toBeDefined();
    expect(reply).toContain(`/p/${offerId}`);
    expect(reply).toContain('$2,600');
    const offer = await staffOrder(office, offerId!);
    expect(offer).toMatchObject({ kind: 'upgrade', upgradeOf: order.id, sectionId: 'courtside', state: 'awaiting_payment' });
    await jobEnd(office, 'sms', `upgrade_offer-${offerId}`);
    expect(smsTo(office, customer).at(-1)).toContain(`/p/${offerId}`);
    // The deadline on the venue's clock, as the event's own time is given.
    expect(smsTo(office, customer).at(-1)).toContain(`Pay by ${venueTime(offer.holdExpiresAt)} to take it`);
    expect(smsTo(office, customer).at(-1)).not.toContain('UTC');
  });

  it('"order BX-…" and "inventory lakers" answer with the order, its offers and the counts', async () => {
    const about = await said(STAFF_PHONE, `order ${order.id.toLowerCase()}`);
    expect(about).toContain(`${order.id} fulfilled`);
    expect(about).toMatch(/Offer UP-[A-Z0-9]+: Courtside, \$2,600, awaiting payment/);
    const counts = await allCounts(office);
    const inventory = await said(STAFF_PHONE, 'inventory lakers');
    expect(inventory).toContain(`Courtside: ${counts.courtside!.available} free, ${counts.courtside!.held} held, ${counts.courtside!.sold} sold of 10`);
  });

  it('the same commands from anyone else get the customer dialog and change nothing', async () => {
    const stranger = newPhone();
    const counts = await allCounts(office);
    const offers = (await orderWithOffers(office, order.id)).upgradeOffers.length;

    const upgrade = await said(stranger, `upgrade ${order.id} to courtside`);
    expect(upgrade).toMatch(/can't find order|no paid tickets/i);
    const lookup = await said(stranger, `order ${order.id}`);
    expect(lookup).toContain(`I can't find order ${order.id} for you`);
    const inventory = await said(stranger, 'inventory lakers');
    expect(inventory).not.toMatch(/\d+ free, \d+ held, \d+ sold/);
    for (const text of [upgrade, lookup, inventory]) expect(text).not.toMatch(/staff|Offer UP-/i);

    expect(await allCounts(office)).toEqual(counts);
    expect((await orderWithOffers(office, order.id)).upgradeOffers).toHaveLength(offers);
  });

  it('a staff member in chat, and "withdraw UP-…"', async () => {
    const staff = chatUser(office.url, connector, STAFF_CHAT_USER);
    const [inventory] = await staff.say('inventory lakers');
    expect(inventory?.text).toMatch(/Courtside: \d+ free/);
    const { upgradeOffers } = await orderWithOffers(office, order.id);
    const open = upgradeOffers.find((offer) => offer.state === 'awaiting_payment')!;
    const [withdrawn] = await staff.say(`withdraw ${open.id}`);
    expect(withdrawn?.text).toContain(`Offer ${open.id} withdrawn`);
    expect((await staffOrder(office, open.id)).state).toBe('cancelled');
    // A chat user claiming a staff member's phone number as their id is a customer.
    const impostor = chatUser(office.url, connector, STAFF_PHONE);
    const [answer] = await impostor.say('inventory lakers');
    expect(answer?.text).not.toMatch(/\d+ free, \d+ held, \d+ sold/);
    // Not a staff command: the customer dialog answers staff too.
    const [hello] = await staff.say('hi');
    expect(hello?.text).toMatch(/Which event would you like tickets for/);
  });
});

describe('customers ask for better seats', () => {
  it('a ticket holder texts "can I move closer", picks a section, pays, and gets the new tickets', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 102');
    const menu = await said(phone, 'can I move closer?');
    expect(menu).toContain(`Better seats for order ${order.id}`);
    expect(menu).toMatch(/1\) Courtside - \$1,300 more\n2\) Premier Club - \$250 more/);

    const held = await said(phone, '2');
    const offerId = offerIdIn(held);
    expect(offerId, held).toBeDefined();
    expect(held).toContain('$500 more for 2');
    expect(held).toContain(`/p/${offerId}`);
    const offer = await staffOrder(office, offerId!);
    expect(offer.sectionId).toBe('club');
    expect(held).toContain(`Pay by ${venueTime(offer.holdExpiresAt)} to move`);
    expect(held).not.toContain('UTC');

    // Asking again shows the same offer rather than holding more.
    expect(await said(phone, 'upgrade')).toContain(`You already have an upgrade waiting: Premier Club for $500 more (${offerId})`);

    expect((await payOffer(office, offerId!)).returnvalue).toBe('fulfilled');
    await jobEnd(office, 'sms', `upgraded.${offerId}-${order.id}`);
    const upgraded = await staffOrder(office, order.id);
    expect(upgraded.sectionId).toBe('club');
    const done = smsTo(office, phone).at(-1)!;
    expect(done).toMatch(/^Upgrade done!/);
    for (const ticket of upgraded.tickets) expect(done).toContain(ticket);
  });

  it('a customer with several paid orders is asked which one', async () => {
    const phone = newPhone();
    const lakers = await buyAndPay(office, phone, '2 tickets lakers section 101');
    const hozier = await buyAndPay(office, phone, '2 tickets hozier section 201');
    const question = await said(phone, 'better seats please');
    expect(question).toContain('Which order would you like to upgrade?');
    expect(question).toContain(lakers.id);
    expect(question).toContain(hozier.id);
    const lines = question.split('\n');
    const hozierChoice = lines.find((line) => line.includes(hozier.id))!.split(')')[0]!;
    const menu = await said(phone, hozierChoice);
    expect(menu).toContain(`Better seats for order ${hozier.id}`);
    expect(menu).toContain('VIP Front Seats');
    // A message that is not an answer asks again; EXIT leaves without holding anything.
    expect(await said(phone, 'purple')).toContain(`Better seats for order ${hozier.id}`);
    const counts = await allCounts(office, 'hozier');
    await said(phone, 'exit');
    expect(await allCounts(office, 'hozier')).toEqual(counts);
  });

  it('cancelling an upgraded order quotes and refunds everything paid for it, the upgrade too', async () => {
    const phone = newPhone();
    const order = await buyAndPay(office, phone, '2 tickets lakers section 101');
    await said(phone, 'upgrade');
    const offerId = offerIdIn(await said(phone, '2'))!;
    await payOffer(office, offerId);

    // $400 for the tickets, then $500 for the upgrade to the club.
    expect(await said(phone, `cancel ${order.id}`)).toContain(`Cancel order ${order.id} and refund $900 for 2 tickets?`);
    expect(await said(phone, 'yes')).toContain(`order ${order.id} is cancelled and $900 is being refunded`);
  });

  it('someone with no paid tickets is told so, and nothing is held', async () => {
    const counts = await allCounts(office);
    expect(await said(newPhone(), 'upgrade my seats')).toContain('You have no paid tickets that can move to better seats');
    expect(await allCounts(office)).toEqual(counts);
  });

  /** A chat customer who has bought two seats in section 101 and received the tickets. */
  async function chatTicketHolder(): Promise<{ chat: ChatUser; order: Order }> {
    const chat = chatUser(office.url, connector);
    await chat.say('2 tickets lakers section 101');
    const [order] = await office.foundation.commerce.orders.listByCustomer('chat', chat.address);
    office.stripe!.markPaid(order!.stripeSessionId!);
    expect((await postStripeEvent(office, sessionEvent(office, 'checkout.session.completed', order!.stripeSessionId!))).status).toBe(200);
    await connector.waitFor((a) => a.conversationId === chat.conversationId && /Your tickets/.test(a.text ?? ''), 10_000);
    return { chat, order: order! };
  }

  it('a chat customer picks a better section from buttons and gets a Pay button', async () => {
    const { chat, order } = await chatTicketHolder();
    const [menu] = await chat.say('better seats');
    expect(menu?.text).toContain(`Better seats for order ${order.id}`);
    expect(buttonTitles(menu)).toEqual(['Courtside - $1,300 more', 'Premier Club - $250 more']);
    const [held] = await chat.say('Premier Club - $250 more');
    expect(held?.text).toMatch(/^Holding Premier Club, row \w, seats \d+-\d+ for you: \$500 more for 2\./);
    const [offer] = await office.foundation.commerce.orders.offersOf(order.id);
    expect(openUrlButtons(held)).toEqual([{ title: 'Pay $500', url: offer!.checkoutUrl }]);
  });

  it('a chat customer gets a staff offer and then the new tickets as proactive messages', async () => {
    const { chat, order } = await chatTicketHolder();

    const answer = await fetch(`${office.url}/staff/orders/${order.id}/upgrade-offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${office.config.staff.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ section: 'Premier Club' }),
    });
    expect(answer.status).toBe(201);
    const { offer } = (await answer.json()) as { offer: { id: string; payUrl: string } };
    const offered = await connector.waitFor((a) => a.conversationId === chat.conversationId && /Upgrade offer/.test(a.text ?? ''), 10_000);
    expect(offered.text).toContain(offer.payUrl);

    await payOffer(office, offer.id);
    const done = await connector.waitFor((a) => a.conversationId === chat.conversationId && /Upgrade done/.test(a.text ?? ''), 10_000);
    for (const ticket of (await staffOrder(office, order.id)).tickets) expect(done.text).toContain(ticket);
  });
});

describe('with the demo checkout, as a newcomer runs it', () => {
  let demo: BoxOffice;

  beforeAll(async () => {
    demo = await startBoxOffice({ demo: true });
  });

  afterAll(async () => {
    await demo?.stop();
  });

  /** Pays a session on the demo checkout page, as the customer's click does. */
  async function payOnDemoPage(id: string): Promise<Order> {
    const record = (await demo.foundation.commerce.orders.get(id))!;
    const paid = await fetch(`${demo.url}/demo/checkout/${record.stripeSessionId}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    return record;
  }

  it('an upgrade asked for by text is paid on the demo page and swaps the seats', async () => {
    const phone = newPhone();
    const reply = (await textBoxOffice(demo, phone, '2 tickets lakers section 101')).messages.join('\n');
    const orderId = /BX-[A-Z0-9]{4,6}/.exec(reply)![0];
    await payOnDemoPage(orderId);
    await jobEnd(demo, 'sms', `tickets-${orderId}`);

    expect((await textBoxOffice(demo, phone, 'upgrade')).messages.join('\n')).toContain('1) Courtside');
    const offerId = offerIdIn((await textBoxOffice(demo, phone, '1')).messages.join('\n'))!;
    await payOnDemoPage(offerId);
    await jobEnd(demo, 'sms', `upgraded.${offerId}-${orderId}`);
    const order = (await demo.foundation.commerce.orders.get(orderId))!;
    expect(order.sectionId).toBe('courtside');
    expect(smsTo(demo, phone).at(-1)).toMatch(/^Upgrade done!/);
  });
});
