import type { CatalogEvent } from '../catalog/catalog.schema.js';
import { formatPrice } from '../catalog/describe.js';
import type { SalesSummary } from '../orders/sales-summary.js';
import { escapeHtml, page } from './html.js';
import { CONSOLE_HEAD } from './staff-console.page.js';
import { CONSOLE_NAV } from './staff-console-orders.page.js';

const BAR = 22;
const LABEL = 130;
const WIDTH = 420;

/**
 * One measure as horizontal bars, drawn by the server as SVG (no script,
 * nothing fetched): a bar per row, its value written beside it, so the chart
 * reads without colour and a screen reader has the figures in the title.
 */
function barChart(title: string, rows: ReadonlyArray<{ label: string; value: number; text: string }>): string {
  if (rows.length === 0) return `<h3>${escapeHtml(title)}</h3><p class="muted">Nothing paid yet.</p>`;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const room = WIDTH - LABEL - 80;
  const height = rows.length * (BAR + 6);
  const bars = rows
    .map((row, i) => {
      const y = i * (BAR + 6);
      const width = Math.max(2, Math.round((row.value / max) * room));
      return `<text x="0" y="${y + BAR - 6}" font-size="13">${escapeHtml(row.label)}</text><rect x="${LABEL}" y="${y}" width="${width}" height="${BAR}" rx="3" fill="#1a56db"/><text x="${LABEL + width + 6}" y="${y + BAR - 6}" font-size="13">${escapeHtml(row.text)}</text>`;
    })
    .join('');
  const described = rows.map((row) => `${row.label}: ${row.text}`).join('; ');
  return `<h3>${escapeHtml(title)}</h3><svg class="chart" role="img" aria-label="${escapeHtml(`${title}. ${described}`)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">${bars}</svg>`;
}

/** An event's sales: the totals, then tickets and revenue by day and by section. */
export function salesPage(event: CatalogEvent, sales: SalesSummary): string {
  const money = (amount: number) => formatPrice(amount, sales.currency);
  const sectionName = (id: string) => event.sections.find((section) => section.id === id)?.name ?? id;
  const days = sales.byDay.map((day) => ({ ...day, label: day.day }));
  const sections = sales.bySection.map((section) => ({ ...section, label: sectionName(section.section) }));
  return page(
    `Box office staff: ${event.name}, sales`,
    `${CONSOLE_NAV}
<h1>${escapeHtml(event.name)}: sales</h1>
<table><tbody>
<tr><th scope="row">Tickets sold</th><td>${sales.tickets.sold} (${sales.tickets.refunded} refunded, ${sales.tickets.valid} valid)</td></tr>
<tr><th scope="row">Revenue</th><td>${money(sales.revenue.gross)} gross, ${money(sales.revenue.refunded)} refunded, <b>${money(sales.revenue.net)} net</b></td></tr>
<tr><th scope="row">Seats</th><td>${sales.seats.sold} sold, ${sales.seats.held} held, ${sales.seats.available} free of ${sales.seats.capacity}</td></tr>
<tr><th scope="row">Upgrades</th><td>${sales.upgrades.taken} taken, ${sales.upgrades.paidBack} paid back, ${money(sales.upgrades.amount)}</td></tr>
</tbody></table>
<h2>By day (UTC)</h2>
${barChart('Tickets by day', days.map((d) => ({ label: d.label, value: d.tickets, text: String(d.tickets) })))}
${barChart('Revenue by day', days.map((d) => ({ label: d.label, value: d.amount, text: money(d.amount) })))}
<h2>By section</h2>
${barChart('Tickets by section', sections.map((s) => ({ label: s.label, value: s.tickets, text: String(s.tickets) })))}
${barChart('Revenue by section', sections.map((s) => ({ label: s.label, value: s.amount, text: money(s.amount) })))}`,
    CONSOLE_HEAD,
  );
}
