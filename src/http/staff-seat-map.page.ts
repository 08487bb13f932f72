import type { CatalogEvent, Section } from '../catalog/catalog.schema.js';
import { escapeHtml, page } from './html.js';
import { CONSOLE_HEAD } from './staff-console.page.js';
import { CONSOLE_NAV, ORDERS_PATH } from './staff-console-orders.page.js';

const SEAT = 18;
const GAP = 4;
const LABEL = 28;
const STATES = {
  '.': { word: 'free', fill: '#e6efe6', stroke: '#6a8f6a' },
  H: { word: 'held', fill: '#ffcf5c', stroke: '#8a6200' },
  S: { word: 'sold', fill: '#1a56db', stroke: '#0b2e7a' },
} as const;

/**
 * A seated section as staff see it during a sale: one square per seat, in
 * rows, coloured by state (free, held, sold) with the state in words in each
 * seat's title, and a held or sold seat a link to its order. SVG drawn by the
 * server: no script, nothing from elsewhere.
 */
export function seatMapPage(event: CatalogEvent, section: Section, rows: Record<string, string>, orderOfSeat: ReadonlyMap<string, string>): string {
  const widest = Math.max(1, ...Object.values(rows).map((seats) => seats.length));
  const width = LABEL + widest * (SEAT + GAP);
  const height = Object.keys(rows).length * (SEAT + GAP);
  const counts = { '.': 0, H: 0, S: 0 };
  const drawn = Object.entries(rows)
    .map(([row, seats], r) => {
      const y = r * (SEAT + GAP);
      const label = `<text x="0" y="${y + SEAT - 4}" font-size="12">${escapeHtml(row)}</text>`;
      const squares = [...seats]
        .map((state, i) => {
          const key = (state in STATES ? state : '.') as keyof typeof STATES;
          counts[key] += 1;
          const seat = `${row}-${i + 1}`;
          const order = orderOfSeat.get(seat);
          const look = STATES[key];
          const square = `<rect x="${LABEL + i * (SEAT + GAP)}" y="${y}" width="${SEAT}" height="${SEAT}" rx="3" fill="${look.fill}" stroke="${look.stroke}" data-seat="${escapeHtml(seat)}" data-state="${look.word}"><title>${escapeHtml(seat)}: ${look.word}${order ? `, ${escapeHtml(order)}` : ''}</title></rect>`;
          return order && key !== '.' ? `<a href="${ORDERS_PATH}/${escapeHtml(order)}" aria-label="${escapeHtml(seat)}, ${look.word}, order ${escapeHtml(order)}">${square}</a>` : square;
        })
        .join('');
      return label + squares;
    })
    .join('');
  const legend = (Object.keys(STATES) as Array<keyof typeof STATES>)
    .map((key) => `<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" rx="3" fill="${STATES[key].fill}" stroke="${STATES[key].stroke}"/></svg> ${STATES[key].word}: ${counts[key]}</li>`)
    .join('');
  return page(
    `Box office staff: ${event.name}, ${section.name}`,
    `${CONSOLE_NAV}
<h1>${escapeHtml(section.name)}</h1><p class="muted">${escapeHtml(event.name)}</p>
<ul class="legend">${legend}</ul>
<svg class="seat-map" role="img" aria-label="${escapeHtml(section.name)}: ${counts['.']} free, ${counts.H} held, ${counts.S} sold" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${drawn}</svg>`,
    CONSOLE_HEAD,
  );
}
