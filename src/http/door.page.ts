// The door page: a phone or tablet at a gate scans a ticket's QR code with
// its camera, or staff type the code, and the page shows a large ADMIT or NO
// with the reason, and how many are in. Its script and stylesheet are files
// of their own (the door's policy allows this origin's files, nothing inline:
// security-headers.ts).
import { DOOR_PAGE_PATH } from './paths.js';
import { escapeHtml } from './html.js';

/** An event the door can be for, as its picker lists it. */
export interface DoorEvent {
  id: string;
  label: string;
}

/** The page; `events` in the order to list them, `chosen` the one picked to begin with. */
export function doorHtml(events: readonly DoorEvent[], chosen: string | undefined): string {
  const options = events.map((event) => `<option value="${escapeHtml(event.id)}"${event.id === chosen ? ' selected' : ''}>${escapeHtml(event.label)}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Door</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${DOOR_PAGE_PATH}/door.css">
<script src="${DOOR_PAGE_PATH}/jsqr.js" defer></script><script src="${DOOR_PAGE_PATH}/door.js" defer></script></head>
<body><main>
<header><label>Event <select id="event"><option value="">Any event</option>${options}</select></label>
<label>Gate <input id="gate" maxlength="60" autocomplete="off" placeholder="e.g. North 1"></label></header>
<section id="verdict" class="waiting" aria-live="assertive"><p id="word">SCAN</p><p id="detail">Point the camera at a ticket, or type its code.</p></section>
<p id="count" aria-live="polite"></p>
<div id="viewer"><video id="camera" playsinline muted hidden></video><button id="start" type="button">Start camera</button></div>
<form id="typed"><label for="code">Ticket code</label><input id="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="300" placeholder="BX-7K2Q-A12-9F3K" required>
<button type="submit">Check</button></form>
<p id="problem" role="alert" hidden></p>
</main></body></html>`;
}

export const DOOR_CSS = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,sans-serif;background:#f4f4f6;color:#1b1b1b}
main{max-width:32rem;margin:0 auto;padding:.8rem;display:flex;flex-direction:column;gap:.7rem}
header{display:flex;gap:.6rem;flex-wrap:wrap}header label{flex:1;min-width:10rem;font-size:.85rem;font-weight:600}
select,input{display:block;width:100%;font:inherit;font-size:1rem;padding:.5rem;border:1px solid #bbb;border-radius:.4rem;margin-top:.2rem}
#verdict{border-radius:1rem;padding:1.2rem;text-align:center;color:#fff;background:#555}
#verdict.admit{background:#0a7a32}#verdict.no{background:#c11}#verdict.waiting{background:#555}
#word{font-size:4rem;font-weight:900;margin:0;letter-spacing:.05em}#detail{font-size:1.2rem;margin:.3rem 0 0}
#count{margin:0;text-align:center;font-size:1.1rem;font-weight:700}
#viewer{display:flex;flex-direction:column;gap:.4rem}video{width:100%;border-radius:.6rem;background:#000}
form{display:flex;flex-wrap:wrap;gap:.4rem}form label{width:100%;font-size:.85rem;font-weight:600}form input{flex:1;margin:0;font-family:ui-monospace,monospace}
button{font:inherit;font-weight:700;font-size:1.05rem;border:0;border-radius:.5rem;padding:.7rem 1.2rem;background:#1a56db;color:#fff;cursor:pointer}
#problem{margin:0;color:#a00;font-weight:600}
`;

/**
 * The page's script. A scan or a typed code is posted to
 * ${DOOR_PAGE_PATH}/checkin; the answer is shown until the next. The camera
 * is read by the browser's BarcodeDetector where it has one, else by jsQR
 * (https://github.com/cozmo/jsQR) on frames drawn to a canvas. The same
 * code seen again within a few seconds is the same scan, not a second one.
 */
export const DOOR_JS = `'use strict';
(function () {
  var API = '${DOOR_PAGE_PATH}';
  var REPEAT_MS = 4000;
  var eventPicker = document.getElementById('event');
  var gate = document.getElementById('gate');
  var verdict = document.getElementById('verdict');
  var word = document.getElementById('word');
  var detail = document.getElementById('detail');
  var count = document.getElementById('count');
  var video = document.getElementById('camera');
  var start = document.getElementById('start');
  var form = document.getElementById('typed');
  var code = document.getElementById('code');
  var problem = document.getElementById('problem');
  var last = { value: '', at: 0 };
  var busy = false;

  gate.value = localStorage.getItem('door-gate') || '';
  gate.addEventListener('change', function () { localStorage.setItem('door-gate', gate.value.trim()); });
  // Opened from the console's event (?event=<id>): that event; else the one this phone used last.
  var remembered = new URLSearchParams(location.search).get('event') || localStorage.getItem('door-event');
  if (remembered !== null && eventPicker.querySelector('option[value="' + CSS.escape(remembered) + '"]')) eventPicker.value = remembered;
  eventPicker.addEventListener('change', function () { localStorage.setItem('door-event', eventPicker.value); refreshCount(); });

  function say(text) { problem.textContent = text; problem.hidden = !text; }

  function time(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  }

  function place(ticket) {
    return ticket.sectionName + (ticket.seat ? ', seat ' + ticket.seat : '');
  }

  function reason(answer) {
    var ticket = answer.ticket;
    switch (answer.reason) {
      case 'already_admitted': return 'Already admitted at ' + time(answer.admittedAt) + (answer.gate ? ', ' + answer.gate : '') + '.';
      case 'refunded': return 'This ticket was refunded.';
      case 'transferred': return 'Given to someone else: their new ticket is the one that admits.';
      case 'upgraded': return 'Replaced by an upgrade: the new ticket is the one that admits.';
      case 'void': return 'Not a valid ticket: its order was not completed.';
      case 'wrong_event': return 'Ticket for another event: ' + ticket.eventName + '.';
      case 'not_yet_open': return 'Doors are not open yet: from ' + time(answer.opensAt) + '.';
      case 'forged': return 'Not a genuine ticket code.';
      case 'unknown_ticket': return 'No such ticket.';
      default: return answer.message || 'Refused.';
    }
  }

  function show(answer) {
    verdict.className = answer.admitted ? 'admit' : 'no';
    word.textContent = answer.admitted ? 'ADMIT' : 'NO';
    detail.textContent = answer.admitted ? place(answer.ticket) + ' · ' + answer.ticket.eventName : reason(answer);
  }

  function check(value) {
    var text = value.trim();
    if (!text || busy) return;
    var now = Date.now();
    if (text === last.value && now - last.at < REPEAT_MS) return;
    last = { value: text, at: now };
    busy = true;
    say('');
    var body = { code: text };
    if (gate.value.trim()) body.gate = gate.value.trim();
    if (eventPicker.value) body.event = eventPicker.value;
    fetch(API + '/checkin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.status === 401) throw new Error('Sign in again: reload the page.');
          if (response.status === 400 && answer.reason !== 'forged') throw new Error(answer.message || 'That is not a ticket code.');
          show(answer);
          refreshCount();
        });
      })
      .catch(function (err) {
        verdict.className = 'waiting'; word.textContent = '?'; detail.textContent = 'Not checked: scan again.';
        say(err && err.message && !/fetch|network/i.test(err.message) ? err.message : 'No answer from the box office: check the connection, then scan again.');
      })
      .finally(function () { busy = false; });
  }

  function refreshCount() {
    if (!eventPicker.value) { count.textContent = ''; return; }
    fetch(API + '/count?event=' + encodeURIComponent(eventPicker.value))
      .then(function (response) { return response.ok ? response.json() : undefined; })
      .then(function (answer) { if (answer) count.textContent = answer.admitted + ' in of ' + answer.sold + ' sold'; })
      .catch(function () { /* the next scan or tick tries again */ });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    last = { value: '', at: 0 };
    check(code.value);
    code.value = '';
  });

  function reader() {
    if ('BarcodeDetector' in window) {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      return function () { return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ''; }); };
    }
    var canvas = document.createElement('canvas');
    var context = canvas.getContext('2d', { willReadFrequently: true });
    return function () {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      if (!canvas.width) return Promise.resolve('');
      context.drawImage(video, 0, 0);
      var found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' });
      return Promise.resolve(found ? found.data : '');
    };
  }

  start.addEventListener('click', function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say('This browser cannot use a camera here (it needs https): type the codes.'); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; start.hidden = true;
      return video.play();
    }).then(function () {
      var read = reader();
      (function tick() {
        read().then(function (value) { if (value) check(value); }, function () { /* a frame that could not be read */ })
          .finally(function () { setTimeout(tick, 150); });
      })();
    }).catch(function () { say('No camera: allow it for this page, or type the codes.'); });
  });

  refreshCount();
  setInterval(refreshCount, 15000);
})();
`;
