// The demo phone's page: a messages app, one conversation with the box
// office. Its script and stylesheet are files of their own (the policy allows
// scripts and styles from this origin only, none inline: security-headers.ts).
import { escapeHtml } from '../../http/html.js';
import { DEMO_PHONE_PATH } from '../../http/paths.js';

export function demoPhoneHtml(boxOfficeNumber: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo phone</title><link rel="stylesheet" href="${DEMO_PHONE_PATH}/phone.css"><script src="${DEMO_PHONE_PATH}/phone.js" defer></script></head>
<body><main class="phone">
<header><div class="who">Box office</div><div class="number">${escapeHtml(boxOfficeNumber)}</div>
<p class="banner">DEMO PHONE: nothing is sent by SMS. It stands in for a phone because Twilio is not configured.</p>
<label class="mine">Your number <input id="number" inputmode="tel" autocomplete="off" aria-label="Your phone number"></label></header>
<ol id="messages" aria-live="polite" aria-label="Messages"></ol>
<form id="compose"><label for="text" class="hidden">Text message</label>
<textarea id="text" rows="1" maxlength="1600" placeholder="Text message" autocomplete="off" required></textarea>
<button type="submit" aria-label="Send">Send</button></form>
<p id="problem" role="alert" hidden></p>
</main></body></html>`;
}

export const DEMO_PHONE_CSS = `
*{box-sizing:border-box}body{margin:0;background:#e9e9ee;font-family:system-ui,-apple-system,sans-serif}
.phone{max-width:26rem;height:100vh;margin:0 auto;display:flex;flex-direction:column;background:#fff}
header{padding:.6rem .8rem;border-bottom:1px solid #ddd;text-align:center}
.who{font-weight:700}.number{color:#666;font-size:.85rem}
.banner{margin:.4rem 0;background:#ffd400;border:2px solid #1b1b1b;padding:.3rem;font-size:.75rem;font-weight:700}
.mine{font-size:.8rem;color:#444}.mine input{width:10rem;font-size:.85rem;margin-left:.3rem}
#messages{flex:1;overflow-y:auto;list-style:none;margin:0;padding:.8rem;display:flex;flex-direction:column;gap:.4rem}
#messages li{max-width:80%;padding:.5rem .75rem;border-radius:1.1rem;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.35}
#messages li.you{align-self:flex-end;background:#1a7cf5;color:#fff}
#messages li.box{align-self:flex-start;background:#e5e5ea;color:#111}
#messages li.you a{color:#fff}#messages li time{display:block;font-size:.7rem;opacity:.7;margin-top:.2rem}
form{display:flex;gap:.4rem;padding:.6rem;border-top:1px solid #ddd}
textarea{flex:1;resize:none;font:inherit;padding:.5rem .8rem;border:1px solid #ccc;border-radius:1.2rem}
button{font:inherit;font-weight:700;border:0;border-radius:1.2rem;padding:0 1rem;background:#1a7cf5;color:#fff;cursor:pointer}
#problem{margin:0;padding:.4rem .8rem;color:#a00;font-size:.85rem}.hidden{position:absolute;left:-9999px}
`;

/**
 * The page's script: a number of its own kept in localStorage, a text sent
 * with POST ${DEMO_PHONE_PATH}/messages, and everything that arrives (the
 * replies, and later texts such as the tickets) polled from GET …/messages.
 */
export const DEMO_PHONE_JS = `'use strict';
(function () {
  var API = '${DEMO_PHONE_PATH}/messages';
  var list = document.getElementById('messages');
  var form = document.getElementById('compose');
  var text = document.getElementById('text');
  var numberInput = document.getElementById('number');
  var problem = document.getElementById('problem');
  var last = 0;
  var number = localStorage.getItem('demo-phone-number');
  if (!/^\\+[1-9][0-9]{6,14}$/.test(number || '')) {
    number = '+1555' + String(Math.floor(1000000 + Math.random() * 8999999));
    localStorage.setItem('demo-phone-number', number);
  }
  numberInput.value = number;

  function show(message) {
    var item = document.createElement('li');
    item.className = message.from === 'you' ? 'you' : 'box';
    item.dataset.seq = String(message.seq);
    // Links become links; everything else stays text (never HTML).
    message.body.split(/(https?:\\/\\/[^\\s]+)/).forEach(function (part, i) {
      if (i % 2 === 1) {
        var link = document.createElement('a');
        link.href = part; link.textContent = part; link.target = '_blank'; link.rel = 'noopener';
        item.appendChild(link);
      } else if (part) item.appendChild(document.createTextNode(part));
    });
    var time = document.createElement('time');
    time.dateTime = message.at;
    time.textContent = new Date(message.at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    item.appendChild(time);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function take(messages) {
    messages.forEach(function (message) {
      if (message.seq > last) { show(message); last = message.seq; }
    });
  }

  function say(what) { problem.hidden = !what; problem.textContent = what || ''; }

  function poll() {
    fetch(API + '?number=' + encodeURIComponent(number) + '&after=' + last)
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (answer) { take(answer.messages); }, function () {});
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = text.value.trim();
    if (!body) return;
    text.value = '';
    fetch(API, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: number, body: body }) })
      .then(function (r) { return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; }); })
      .then(function (result) { take(result.answer.messages || []); say(result.ok ? '' : result.answer.error); }, function () { say('The box office does not answer: is it running?'); });
  });
  text.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  numberInput.addEventListener('change', function () {
    if (!/^\\+[1-9][0-9]{6,14}$/.test(numberInput.value)) { say('A number in international form, such as +15551234567.'); return; }
    number = numberInput.value; localStorage.setItem('demo-phone-number', number);
    list.textContent = ''; last = 0; say(''); poll();
  });
  poll();
  setInterval(poll, 1000);
})();
`;
