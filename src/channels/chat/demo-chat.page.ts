// The demo chat page: Microsoft's Web Chat (the botframework-webchat bundle,
// served from node_modules) on the box office's own local Direct Line. Script
// and stylesheet are files of their own; the policy allows no inline script.
import { DEMO_CHAT_PATH } from '../../http/paths.js';

export const DEMO_CHAT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo chat</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${DEMO_CHAT_PATH}/chat.css">
<script src="${DEMO_CHAT_PATH}/webchat.js" defer></script><script src="${DEMO_CHAT_PATH}/chat.js" defer></script></head>
<body><main>
<p class="banner">DEMO CHAT: Microsoft's Web Chat on a local Direct Line, for trying the bot with no Azure account.</p>
<div id="webchat" role="main" aria-label="Chat with the box office"></div>
</main></body></html>`;

export const DEMO_CHAT_CSS = `
html,body{height:100%;margin:0;font-family:system-ui,-apple-system,sans-serif;background:#e9e9ee}
main{max-width:32rem;height:100%;margin:0 auto;display:flex;flex-direction:column;background:#fff}
.banner{margin:0;background:#ffd400;border-bottom:2px solid #1b1b1b;padding:.4rem;font-size:.8rem;font-weight:700;text-align:center}
#webchat{flex:1;min-height:0}
`;

/**
 * Starts Web Chat on the local Direct Line (polling, no WebSocket), as a user
 * of this browser's own (kept in localStorage), and sends the `webchat/join`
 * event Web Chat's documentation uses to be greeted before typing.
 */
export const DEMO_CHAT_JS = `'use strict';
(function () {
  var userID = localStorage.getItem('demo-chat-user');
  if (!userID) {
    userID = 'web-user-' + Math.random().toString(36).slice(2, 10);
    localStorage.setItem('demo-chat-user', userID);
  }
  var directLine = window.WebChat.createDirectLine({ token: 'demo', domain: location.origin + '${DEMO_CHAT_PATH}/directline', webSocket: false, pollingInterval: 500 });
  var store = window.WebChat.createStore({}, function (api) {
    return function (next) {
      return function (action) {
        if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') api.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: {} } });
        return next(action);
      };
    };
  });
  window.WebChat.renderWebChat({ directLine: directLine, store: store, userID: userID, username: 'You', locale: navigator.language || 'en-US' }, document.getElementById('webchat'));
})();
`;
