// A ticket holder's page: the event, and one card per ticket with its QR
// code, drawn here as inline SVG (no image request, nothing from elsewhere),
// and its state. Static HTML under the pages' policy: no script.
import QRCode from 'qrcode';
import type { Language } from '../customers/language.js';
import type { TicketsView, TicketView } from '../tickets/ticket-view.js';
import { escapeHtml, page } from './html.js';

const WORDS: Record<Language, {
  title: string;
  order: string;
  general: string;
  valid: string;
  admitted: (when: string, gate?: string) => string;
  void: Record<string, string>;
  notFound: [string, string];
}> = {
  en: {
    title: 'Your tickets',
    order: 'Order',
    general: 'General admission',
    valid: 'Valid. Show this code at the door.',
    admitted: (when, gate) => `Admitted ${when}${gate ? ` at ${gate}` : ''}.`,
    void: {
      refunded: 'No longer valid: refunded.',
      cancelled: 'Not valid: the order was not completed.',
      upgraded: 'No longer valid: replaced by your upgraded seats.',
      transferred: 'No longer valid: given to someone else.',
    },
    notFound: ["We can't find those tickets", 'Check the link in your message, or text us STATUS for your tickets.'],
  },
  es: {
    title: 'Sus boletos',
    order: 'Pedido',
    general: 'Admision general',
    valid: 'Valido. Muestre este codigo en la entrada.',
    admitted: (when, gate) => `Entro ${when}${gate ? ` por ${gate}` : ''}.`,
    void: {
      refunded: 'Ya no vale: reembolsado.',
      cancelled: 'No vale: el pedido no se completo.',
      upgraded: 'Ya no vale: lo reemplazan sus nuevos lugares.',
      transferred: 'Ya no vale: se le dio a otra persona.',
    },
    notFound: ['No encontramos esos boletos', 'Revise el enlace de su mensaje, o escribanos ESTADO.'],
  },
};

export async function ticketPageHtml(view: TicketsView): Promise<string> {
  const words = WORDS[view.language];
  const cards = await Promise.all(view.tickets.map((ticket) => ticketCard(ticket, view, words)));
  return page(
    `${words.title}: ${view.eventName}`,
    `<h1>${escapeHtml(view.eventName)}</h1>` +
      `<p><strong>${escapeHtml(view.when)}</strong><br>${escapeHtml(view.venue)}</p>` +
      cards.join('') +
      `<p class="muted">${words.order} ${escapeHtml(view.orderId)}</p>`,
  );
}

export function ticketNotFoundHtml(language: Language = 'en'): string {
  const [heading, text] = WORDS[language].notFound;
  return page(heading, `<h1>${heading}</h1><p>${text}</p>`);
}

async function ticketCard(ticket: TicketView, view: TicketsView, words: (typeof WORDS)[Language]): Promise<string> {
  const state = ticket.state;
  const stateText =
    state.kind === 'valid' ? words.valid : state.kind === 'admitted' ? words.admitted(state.localTime, state.gate) : (words.void[state.because] ?? words.void.cancelled!);
  const qr = ticket.scanValue ? `<div class="qr">${await QRCode.toString(ticket.scanValue, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })}</div>` : '';
  return (
    `<section class="ticket ${state.kind}" data-code="${escapeHtml(ticket.code)}">` +
    `<h2>${escapeHtml(view.sectionName)}<br>${escapeHtml(ticket.seat ?? words.general)}</h2>` +
    qr +
    `<p class="code">${escapeHtml(ticket.code)}</p>` +
    `<p class="state">${escapeHtml(stateText)}</p></section>`
  );
}
