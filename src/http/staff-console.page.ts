import { formatEventTime } from '../catalog/describe.js';
import { escapeHtml, page } from './html.js';
import { STAFF_CONSOLE_FILES_PATH, STAFF_CONSOLE_PATH } from './paths.js';
import type { StaffEventView } from './staff-events.view.js';

/** No favicon request (it would only 404), and the console's own stylesheet. */
export const CONSOLE_HEAD = `<link rel="icon" href="data:,"><link rel="stylesheet" href="${STAFF_CONSOLE_FILES_PATH}/console.css">`;

/** The sign-in form: one field, the staff token. `problem`: why the last try failed, in words that give nothing away. */
export function signInPage(problem?: string): string {
  return page(
    'Box office staff: sign in',
    `<h1>Box office staff</h1>
<form method="post" action="${STAFF_CONSOLE_PATH}/sign-in">
<input type="text" name="username" value="staff" autocomplete="username" hidden>
<p><label for="token">Staff token</label><br><input id="token" name="token" type="password" autocomplete="current-password" required autofocus></p>
${problem ? `<p role="alert"><b>${escapeHtml(problem)}</b></p>` : ''}
<p><button type="submit">Sign in</button></p>
</form>`,
    CONSOLE_HEAD,
  );
}

/**
 * The console's first page: every event, and per section what is free, held,
 * sold and admitted, drawn by the server and kept current by console.js
 * (polling the same figures as JSON), with a meter per section so a glance
 * shows how full it is.
 */
export function eventsPage(events: readonly StaffEventView[]): string {
  const cards = events.map(eventCard).join('');
  return page(
    'Box office staff: events',
    `<header><h1>Events</h1>
<form method="post" action="${STAFF_CONSOLE_PATH}/sign-out"><button type="submit">Sign out</button></form>
<nav><a href="${STAFF_CONSOLE_FILES_PATH}/orders">Find an order</a> · <a href="/staff/door">Door</a> · <a href="/staff/queues">Queues</a></nav></header>
<main id="events" data-source="${STAFF_CONSOLE_FILES_PATH}/events.json">${cards || '<p>No events in the catalog.</p>'}</main>
<p class="muted" id="updated" aria-live="polite"></p>
<script src="${STAFF_CONSOLE_FILES_PATH}/console.js" defer></script>`,
    CONSOLE_HEAD,
  );
}

function eventCard(event: StaffEventView): string {
  const rows = event.sections
    .map(
      (section) => `<tr data-section="${escapeHtml(section.id)}"><th scope="row">${section.seated ? `<a href="${STAFF_CONSOLE_FILES_PATH}/events/${encodeURIComponent(event.id)}/sections/${encodeURIComponent(section.id)}">${escapeHtml(section.name)}</a>` : escapeHtml(section.name)}</th>
<td data-field="available">${section.available}</td><td data-field="held">${section.held}</td><td data-field="sold">${section.sold}</td><td data-field="admitted">${section.admitted}</td>
<td><meter min="0" max="${section.capacity}" value="${section.sold + section.held}" aria-label="${escapeHtml(section.name)}: ${section.sold + section.held} of ${section.capacity} held or sold"></meter></td></tr>`,
    )
    .join('');
  return `<section class="event" data-event="${escapeHtml(event.id)}" aria-labelledby="event-${escapeHtml(event.id)}">
<h2 id="event-${escapeHtml(event.id)}">${escapeHtml(event.name)}</h2>
<p class="muted">${escapeHtml(formatEventTime(event.startsAt))}, ${escapeHtml(event.venue)}${event.started ? ' (started)' : ''} · <code>${escapeHtml(event.id)}</code> · <a href="${STAFF_CONSOLE_FILES_PATH}/events/${encodeURIComponent(event.id)}/sales">Sales</a> · <a href="/staff/door?event=${encodeURIComponent(event.id)}">Door</a></p>
<table><thead><tr><th scope="col">Section</th><th scope="col">Free</th><th scope="col">Held</th><th scope="col">Sold</th><th scope="col">In</th><th scope="col">Full</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

/** The console's stylesheet, served as a file (the CSP allows the console's own files and the shared inline sheet only). */
export const CONSOLE_CSS = `body{max-width:60rem}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem}header h1{flex:1}header form{margin:0}
.event{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}
.event h2{font-size:1.15rem;margin:.3rem 0}th{text-align:left;font-weight:600;padding:.3rem .4rem .3rem 0}td{padding:.3rem .4rem}
meter{width:6rem}td{overflow-wrap:anywhere}th{white-space:nowrap}a:focus,button:focus,input:focus{outline:3px solid #ffb000;outline-offset:2px}
input{font-size:1.1rem;padding:.5rem;width:100%;max-width:24rem;box-sizing:border-box}
.chart{max-width:100%;height:auto}.legend{list-style:none;padding:0;display:flex;gap:1rem}.seat-map{max-width:100%;height:auto}
@media (max-width:36rem){td:nth-child(6),th:nth-child(6){display:none}}
`;

/** Keeps the figures current: every few seconds, the same JSON the page was drawn from, written into its cells. */
export const CONSOLE_JS = `(() => {
  const main = document.getElementById('events');
  const updated = document.getElementById('updated');
  if (!main) return;
  async function refresh() {
    try {
      const response = await fetch(main.dataset.source, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (response.status === 401) { location.reload(); return; }
      if (!response.ok) throw new Error(String(response.status));
      const { events } = await response.json();
      for (const event of events) {
        const card = main.querySelector('[data-event="' + CSS.escape(event.id) + '"]');
        if (!card) continue;
        for (const section of event.sections) {
          const row = card.querySelector('[data-section="' + CSS.escape(section.id) + '"]');
          if (!row) continue;
          for (const field of ['available', 'held', 'sold', 'admitted']) row.querySelector('[data-field="' + field + '"]').textContent = String(section[field]);
          const meter = row.querySelector('meter');
          meter.value = section.sold + section.held;
          meter.setAttribute('aria-label', row.querySelector('th').textContent + ': ' + meter.value + ' of ' + meter.max + ' held or sold');
        }
      }
      updated.textContent = 'Updated ' + new Date().toLocaleTimeString();
    } catch (err) {
      updated.textContent = 'Not updated: ' + err.message;
    }
  }
  setInterval(refresh, 5000);
})();
`;
