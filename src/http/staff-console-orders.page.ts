import { formatPrice } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { howPaid } from '../orders/how-paid.js';
import { maskPhone } from '../logger.js';
import type { Order } from '../orders/order.js';
import { activeTickets } from '../orders/refund.js';
import { escapeHtml, page } from './html.js';
import { STAFF_CONSOLE_FILES_PATH, STAFF_CONSOLE_PATH } from './paths.js';
import { CONSOLE_HEAD } from './staff-console.page.js';
import type { StaffOrderView } from './staff-order.view.js';

export const ORDERS_PATH = `${STAFF_CONSOLE_FILES_PATH}/orders`;
export const OFFERS_PATH = `${STAFF_CONSOLE_FILES_PATH}/offers`;

/** The console's links back, on every page past the events. */
export const CONSOLE_NAV = `<nav><a href="${STAFF_CONSOLE_PATH}">Events</a> · <a href="${ORDERS_PATH}">Find an order</a></nav>`;

/** Who the customer is, as staff may see it: a phone number masked, a chat user by channel and id. */
function customerOf(order: Order): string {
  return order.customer.channel === 'sms' ? `SMS ${maskPhone(order.customer.address)}` : `Chat ${order.customer.address}`;
}

function eventName(order: Order, catalog: EventCatalog): string {
  return catalog.event(order.eventId)?.name ?? order.eventId;
}

/** The search form, and what it found. */
export function searchPage(query: string, found: readonly Order[] | undefined, catalog: EventCatalog): string {
  const rows = (found ?? [])
    .map(
      (order) =>
        `<tr><td><a href="${ORDERS_PATH}/${escapeHtml(order.id)}">${escapeHtml(order.id)}</a></td><td>${escapeHtml(order.state.replace('_', ' '))}</td><td>${escapeHtml(eventName(order, catalog))}</td><td>${escapeHtml(customerOf(order))}</td></tr>`,
    )
    .join('');
  const results =
    found === undefined ? '' : found.length === 0 ? '<p role="status">No order matches.</p>' : `<table><thead><tr><th scope="col">Order</th><th scope="col">State</th><th scope="col">Event</th><th scope="col">Customer</th></tr></thead><tbody>${rows}</tbody></table>`;
  return page(
    'Box office staff: find an order',
    `${CONSOLE_NAV}<h1>Find an order</h1>
<form method="get" action="${ORDERS_PATH}" role="search">
<p><label for="q">Order id, ticket code, last 4 digits of the phone, or chat user</label><br><input id="q" name="q" value="${escapeHtml(query)}" required></p>
<p><button type="submit">Find</button></p></form>${results}`,
    CONSOLE_HEAD,
  );
}

/** One order: who, what, its tickets and their states, refunds, offers, the whole timeline, and the refund form. */
export function orderPage(view: StaffOrderView, catalog: EventCatalog, notice?: string, givenTo: readonly string[] = []): string {
  const { order } = view;
  const active = new Set(activeTickets(order));
  const refunded = new Set(order.refundedTickets);
  const ticketRows = order.tickets
    .map((code, i) => {
      const state = active.has(code) ? 'valid' : refunded.has(code) ? 'refunded' : 'given away';
      return `<tr><td><code>${escapeHtml(code)}</code></td><td>${escapeHtml(order.seats[i] ?? '')}</td><td>${state}</td></tr>`;
    })
    .join('');
  const refundRows = view.refunds
    .map((r) => `<tr><td>${escapeHtml(r.id)}</td><td>${r.tickets.length}</td><td>${formatPrice(r.amount, r.currency)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.reason ?? '')}</td></tr>`)
    .join('');
  const offerRows = view.upgradeOffers
    .map((o) => {
      const withdraw = o.state === 'held' || o.state === 'awaiting_payment' ? `<form method="post" action="${OFFERS_PATH}/${escapeHtml(o.id)}/withdraw"><button type="submit">Withdraw…</button></form>` : '';
      return `<tr><td>${escapeHtml(o.id)}</td><td>${escapeHtml(o.sectionName)}</td><td>${formatPrice(o.amount, o.currency)}</td><td>${escapeHtml(o.state.replace('_', ' '))}</td><td>${withdraw}</td></tr>`;
    })
    .join('');
  const timeline = order.timeline
    .map((e) => `<tr><td>${escapeHtml(e.at.replace('T', ' ').slice(0, 19))}</td><td>${e.to ? `${escapeHtml(e.from ?? '')} → ${escapeHtml(e.to)}` : ''}</td><td><code>${escapeHtml(e.cause)}</code></td><td>${escapeHtml(e.note ?? '')}</td></tr>`)
    .join('');
  const section = catalog.section(order.eventId, order.sectionId)?.name ?? order.sectionId;
  const refundable = active.size > 0 && (order.state === 'fulfilled' || order.state === 'paid');
  const options = Array.from({ length: active.size }, (_, i) => `<option value="${i + 1}"${i + 1 === active.size ? ' selected' : ''}>${i + 1}${i + 1 === active.size ? ' (all)' : ''}</option>`).join('');
  const refundForm = refundable
    ? `<h2>Refund</h2><form method="post" action="${ORDERS_PATH}/${escapeHtml(order.id)}/refund">
<p><label for="tickets">Tickets to refund</label><br><select id="tickets" name="tickets">${options}</select></p>
<p><label for="reason">Reason (kept on the refund)</label><br><input id="reason" name="reason" maxlength="200"></p>
<p><button type="submit">Refund…</button></p></form>`
    : '';
  return page(
    `Box office staff: ${order.id}`,
    `${CONSOLE_NAV}<h1>${escapeHtml(order.id)} <small>${escapeHtml(order.state.replace('_', ' '))}</small></h1>
${notice ? `<p role="status"><b>${escapeHtml(notice)}</b></p>` : ''}
<table><tbody>
<tr><th scope="row">Event</th><td>${escapeHtml(eventName(order, catalog))}</td></tr>
<tr><th scope="row">Section</th><td>${escapeHtml(section)}: ${escapeHtml(order.seats.join(', ') || `${order.quantity} places`)}</td></tr>
<tr><th scope="row">Customer</th><td>${escapeHtml(customerOf(order))}</td></tr>
<tr><th scope="row">Amount</th><td>${formatPrice(order.amount, order.currency)}${order.refundedAmount > 0 ? `, ${formatPrice(order.refundedAmount, order.currency)} refunded` : ''}</td></tr>
<tr><th scope="row">Paid</th><td>${escapeHtml(howPaid(order) ?? 'not paid')}</td></tr>
${givenTo.length > 0 ? `<tr><th scope="row">Given to</th><td>${givenTo.map((id) => `<a href="${ORDERS_PATH}/${escapeHtml(id)}">${escapeHtml(id)}</a>`).join(', ')}</td></tr>` : ''}
${order.transferredFrom ? `<tr><th scope="row">Given by</th><td><a href="${ORDERS_PATH}/${escapeHtml(order.transferredFrom)}">${escapeHtml(order.transferredFrom)}</a></td></tr>` : ''}
</tbody></table>
${view.attention.length > 0 ? `<h2>Needs attention</h2><ul>${view.attention.map((a) => `<li>${escapeHtml(a.note)}</li>`).join('')}</ul>` : ''}
<h2>Tickets</h2>${ticketRows ? `<table><thead><tr><th scope="col">Code</th><th scope="col">Seat</th><th scope="col">State</th></tr></thead><tbody>${ticketRows}</tbody></table>` : '<p>None issued.</p>'}
${refundRows ? `<h2>Refunds</h2><table><thead><tr><th scope="col">Refund</th><th scope="col">Tickets</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Reason</th></tr></thead><tbody>${refundRows}</tbody></table>` : ''}
${offerRows ? `<h2>Upgrade offers</h2><table><thead><tr><th scope="col">Offer</th><th scope="col">To</th><th scope="col">Price</th><th scope="col">State</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${offerRows}</tbody></table>` : ''}
${refundForm}${upgradeForm(order, catalog)}${order.state === 'fulfilled' ? `<h2>Tickets message</h2><form method="post" action="${ORDERS_PATH}/${escapeHtml(order.id)}/resend"><button type="submit">Send the tickets again…</button></form>` : ''}
<h2>Timeline</h2><table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Move</th><th scope="col">Cause</th><th scope="col">Note</th></tr></thead><tbody>${timeline}</tbody></table>`,
    CONSOLE_HEAD,
  );
}

/** Better sections to offer a fulfilled order, with the price difference and how long the offer stands. */
function upgradeForm(order: Order, catalog: EventCatalog): string {
  const event = catalog.event(order.eventId);
  const current = catalog.section(order.eventId, order.sectionId);
  const better = event && current ? event.sections.filter((section) => section.tier > current.tier) : [];
  if (order.kind !== 'tickets' || order.state !== 'fulfilled' || better.length === 0) return '';
  const options = better.map((section) => `<option value="${escapeHtml(section.id)}">${escapeHtml(section.name)} (${formatPrice(Math.max(0, section.price - (current?.price ?? 0)), order.currency)} more a ticket)</option>`).join('');
  return `<h2>Offer an upgrade</h2><form method="post" action="${ORDERS_PATH}/${escapeHtml(order.id)}/upgrade">
<p><label for="section">To</label><br><select id="section" name="section">${options}</select></p>
<p><label for="price">Price difference per ticket, instead of the catalog's (optional, e.g. 150.00)</label><br><input id="price" name="price" inputmode="decimal" pattern="[0-9]{1,7}([.][0-9]{1,2})?"></p>
<p><label for="discount">Or a discount on the catalog's difference, percent (optional)</label><br><input id="discount" name="discountPercent" inputmode="numeric" pattern="[0-9]{1,2}"></p>
<p><label for="expires">Open for, minutes (30-1430, optional)</label><br><input id="expires" name="expiresInMinutes" inputmode="numeric" pattern="[0-9]{2,4}"></p>
<p><button type="submit">Offer…</button></p></form>`;
}

/**
 * The step before a change: what it will do, and one button that does it.
 * `fields` are the form's answers so far, sent again with confirm=yes.
 */
export function confirmPage(order: Order, question: string, explanation: string, action: string, fields: Record<string, string>, button: string): string {
  const hidden = Object.entries({ ...fields, confirm: 'yes' })
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return page(
    `Box office staff: ${question}`,
    `${CONSOLE_NAV}<h1>${escapeHtml(question)}</h1>
<p>${escapeHtml(explanation)}</p>
<form method="post" action="${escapeHtml(action)}">${hidden}
<p><button type="submit">${escapeHtml(button)}</button> <a href="${ORDERS_PATH}/${escapeHtml(order.upgradeOf ?? order.id)}">Keep it as it is</a></p></form>`,
    CONSOLE_HEAD,
  );
}

/** What a refund of `tickets` of the order's valid tickets will do. */
export function refundExplanation(order: Order, tickets: number, amount: number): string {
  const valid = activeTickets(order).length;
  const which = tickets === valid ? 'Every valid ticket' : `${tickets} of ${valid} valid tickets`;
  return `${which}: about ${formatPrice(amount, order.currency)} back to the customer, and the seats return to sale once Stripe confirms it.`;
}
