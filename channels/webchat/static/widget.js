/*
 * Townhall chat widget. Embed it with one tag:
 *
 *   <script src="https://YOUR-TOWNHALL-HOST/widget.js" defer></script>
 *
 * Links with a data-townhall-chat attribute also open it; without
 * JavaScript they lead to the plain chat page (/chat).
 *
 * The widget lives in a shadow root, so the page's styles and its own do
 * not mix. Protocol: docs/webchat-protocol.md.
 */
(function () {
  'use strict';
  if (window.townhallChat) return;

  var script = document.currentScript;
  var base = new URL(script && script.src ? script.src : '/widget.js', location.href);
  var origin = base.origin;
  var wsURL = origin.replace(/^http/, 'ws') + '/chat/ws';
  var storeKey = 'townhall-chat:' + origin;
  var council = (script && script.getAttribute('data-council')) || 'the council';

  // ---- state -------------------------------------------------------------

  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(storeKey) || '{}') || {}; } catch (e) { saved = {}; }
  var state = {
    conversationId: typeof saved.conversationId === 'string' ? saved.conversationId : '',
    pending: Array.isArray(saved.pending) ? saved.pending : [], // [{client_id, text}]
    lastSeq: 0,        // highest seq shown; 0 after a page load, so the history is replayed
    ws: null,
    welcomed: false,
    retry: 0,
    retryTimer: 0,
    opener: null,
    partialSeq: 0
  };
  function persist() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ conversationId: state.conversationId, pending: state.pending }));
    } catch (e) { /* private browsing: the conversation lasts for this page only */ }
  }

  // ---- markup --------------------------------------------------------------

  var host = document.createElement('div');
  host.setAttribute('data-townhall-chat-widget', '');
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<link rel="stylesheet" href="' + origin + '/widget.css">' +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="th-panel">' +
      '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
      '<span>Ask the council</span></button>' +
    '<section class="panel" id="th-panel" role="dialog" aria-modal="false" aria-labelledby="th-title" hidden>' +
      '<div class="head"><h2 id="th-title">Ask the council</h2>' +
        '<button class="close" type="button">Close<span class="visually-hidden"> chat</span></button></div>' +
      '<p class="notice">Answers come from ' + escapeText(council) + '\u2019s website. Do not give bank details or passwords. If someone is in danger, call 999.</p>' +
      '<div class="log" role="log" aria-live="polite" aria-labelledby="th-title" tabindex="0"></div>' +
      '<div class="partial" aria-hidden="true" hidden></div>' +
      '<div class="suggestions" role="group" aria-label="Suggested replies" hidden></div>' +
      '<p class="status" role="status"></p>' +
      '<form class="compose" novalidate>' +
        '<label for="th-input">Your message</label>' +
        '<div class="row"><textarea id="th-input" rows="2" maxlength="4096" autocomplete="off" aria-describedby="th-hint"></textarea>' +
        '<button class="send" type="submit">Send</button></div>' +
        '<p class="hint" id="th-hint">Press Enter to send, Shift and Enter for a new line.</p>' +
      '</form>' +
    '</section>';

  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $('.launcher'), panel = $('.panel'), closeBtn = $('.close'), log = $('.log'),
      partial = $('.partial'), suggestions = $('.suggestions'), statusEl = $('.status'),
      form = $('.compose'), input = $('#th-input');

  function escapeText(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // sanitize parses the server's html in an inert template and keeps only
  // the markup the server is meant to send: anything else becomes text.
  var allowed = { P: 1, BR: 1, UL: 1, OL: 1, LI: 1, A: 1, STRONG: 1, EM: 1, SPAN: 1 };
  function sanitize(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      from.childNodes.forEach(function (n) {
        if (n.nodeType === 3) { to.appendChild(document.createTextNode(n.data)); return; }
        if (n.nodeType !== 1) return;
        if (!allowed[n.tagName]) { to.appendChild(document.createTextNode(n.textContent)); return; }
        var el = document.createElement(n.tagName.toLowerCase());
        if (n.tagName === 'A') {
          var href = n.getAttribute('href') || '';
          if (!/^https?:\/\//i.test(href)) { to.appendChild(document.createTextNode(n.textContent)); return; }
          el.setAttribute('href', href);
          el.setAttribute('rel', 'noopener noreferrer nofollow');
          var label = n.getAttribute('aria-label');
          if (label) el.setAttribute('aria-label', label);
        }
        var cls = n.getAttribute('class');
        if (cls === 'visually-hidden' || cls === 'th-cite' || cls === 'th-sources') el.className = cls;
        copy(n, el);
        to.appendChild(el);
      });
    })(t.content, out);
    return out;
  }

  // ---- transcript ------------------------------------------------------------

  var names = { resident: 'You', assistant: 'Council assistant', staff: 'Council staff' };

  function setStatus(text) { statusEl.textContent = text || ''; }

  function pendingBubble(p) {
    var el = document.createElement('div');
    el.className = 'msg msg-resident pending';
    el.setAttribute('data-client-id', p.client_id);
    var who = document.createElement('p');
    who.className = 'who';
    who.textContent = 'You (sending)';
    var body = document.createElement('div');
    body.className = 'body';
    var para = document.createElement('p');
    para.textContent = p.text;
    body.appendChild(para);
    el.appendChild(who);
    el.appendChild(body);
    return el;
  }

  function findPending(clientId) {
    if (!clientId) return null;
    var els = log.querySelectorAll('.pending');
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute('data-client-id') === clientId) return els[i];
    }
    return null;
  }

  function dropPending(clientId) {
    state.pending = state.pending.filter(function (p) { return p.client_id !== clientId; });
    persist();
  }

  function addMessage(m) {
    if (m.seq <= state.lastSeq) return; // already shown
    state.lastSeq = m.seq;
    var el = document.createElement('div');
    el.className = 'msg msg-' + (names[m.role] ? m.role : 'assistant');
    el.setAttribute('data-seq', String(m.seq));
    var who = document.createElement('p');
    who.className = 'who';
    who.textContent = (names[m.role] || 'Council assistant') + ':';
    var body = document.createElement('div');
    body.className = 'body';
    body.appendChild(sanitize(m.html || ''));
    el.appendChild(who);
    el.appendChild(body);
    if (m.role === 'assistant') el.appendChild(feedbackControl(m.seq));
    var mine = m.role === 'resident' ? findPending(m.client_id) : null;
    if (mine) {
      log.replaceChild(el, mine);
      dropPending(m.client_id);
    } else {
      // Keep unsent messages last.
      var first = log.querySelector('.pending');
      log.insertBefore(el, first);
    }
    if (m.role !== 'resident') {
      partial.hidden = true;
      partial.textContent = '';
      setStatus('');
    }
    showSuggestions(m.role === 'assistant' ? m.suggestions : null);
    log.scrollTop = log.scrollHeight;
  }

  function feedbackControl(seq) {
    var group = document.createElement('div');
    group.className = 'feedback';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Was this answer helpful?');
    [['Helpful', true], ['Not helpful', false]].forEach(function (pair) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = pair[0];
      b.setAttribute('aria-pressed', 'false');
      b.setAttribute('data-helpful', String(pair[1]));
      b.addEventListener('click', function () {
        send({ type: 'feedback', seq: seq, helpful: pair[1] });
      });
      group.appendChild(b);
    });
    return group;
  }

  function markFeedback(seq, helpful) {
    var el = log.querySelector('[data-seq="' + seq + '"] .feedback');
    if (!el) return;
    el.querySelectorAll('button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-helpful') === String(helpful)));
    });
    setStatus('Thank you for your feedback.');
  }

  function showSuggestions(list) {
    suggestions.textContent = '';
    if (!list || !list.length) { suggestions.hidden = true; return; }
    list.forEach(function (text) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.addEventListener('click', function () { submit(text); });
      suggestions.appendChild(b);
    });
    suggestions.hidden = false;
  }

  // ---- connection ------------------------------------------------------------

  function send(frame) {
    if (state.ws && state.ws.readyState === 1 && state.welcomed) {
      state.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    if (state.ws) return;
    clearTimeout(state.retryTimer);
    setStatus(state.retry ? 'Reconnecting\u2026' : 'Connecting\u2026');
    var ws;
    try { ws = new WebSocket(wsURL); } catch (e) { scheduleReconnect(); return; }
    state.ws = ws;
    state.welcomed = false;
    ws.onopen = function () {
      var hello = { type: 'hello' };
      if (state.conversationId) hello.conversation_id = state.conversationId;
      if (state.lastSeq) hello.last_seq = state.lastSeq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      handle(m);
    };
    ws.onclose = function (ev) {
      state.ws = null;
      state.welcomed = false;
      if (ev.code === 1009) setStatus('That message was too long to send.');
      scheduleReconnect(ev.code === 1008 ? 10000 : 0);
    };
  }

  function scheduleReconnect(minDelay) {
    state.retry++;
    var delay = Math.max(minDelay || 0, Math.min(10000, 500 * Math.pow(2, state.retry - 1)));
    delay = delay / 2 + Math.random() * delay / 2;
    setStatus('Connection lost. Reconnecting\u2026');
    state.retryTimer = setTimeout(connect, delay);
  }

  function handle(m) {
    switch (m.type) {
      case 'welcome':
        if (m.conversation_id !== state.conversationId) {
          // A new conversation: forget what this page showed of another.
          state.conversationId = m.conversation_id;
          state.lastSeq = 0;
          Array.prototype.slice.call(log.querySelectorAll('.msg:not(.pending)')).forEach(function (n) { n.remove(); });
          persist();
        }
        state.welcomed = true;
        state.retry = 0;
        setStatus('');
        // Resend what was not confirmed; the server ignores repeats.
        state.pending.forEach(function (p) { send({ type: 'message', client_id: p.client_id, text: p.text }); });
        break;
      case 'message':
        addMessage(m);
        break;
      case 'ack':
        // A resent message the server already had: it is in the replay.
        break;
      case 'partial':
        state.partialSeq = m.seq;
        partial.textContent = m.text || '';
        partial.hidden = !m.text;
        log.scrollTop = log.scrollHeight;
        break;
      case 'typing':
        setStatus(m.role === 'staff' ? 'A member of staff is typing\u2026' : 'The assistant is answering\u2026');
        break;
      case 'feedback':
        markFeedback(m.seq, m.helpful);
        break;
      case 'error':
        if (m.client_id) {
          var el = findPending(m.client_id);
          if (m.code !== 'unavailable') {
            dropPending(m.client_id);
            if (el) { el.remove(); if (!input.value) input.value = m.text || el.querySelector('.body').textContent; }
          }
        }
        setStatus(m.message || 'Something went wrong.');
        break;
    }
  }

  // ---- sending -------------------------------------------------------------

  function newClientId() {
    var a = new Uint8Array(9);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return 'c' + Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function submit(text) {
    text = String(text || '').trim();
    if (!text) { setStatus('Please type a message.'); input.focus(); return; }
    var p = { client_id: newClientId(), text: text };
    state.pending.push(p);
    persist();
    log.appendChild(pendingBubble(p));
    log.scrollTop = log.scrollHeight;
    showSuggestions(null);
    if (!send({ type: 'message', client_id: p.client_id, text: text })) connect();
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (text.trim()) input.value = '';
    submit(text);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  var lastTyping = 0;
  input.addEventListener('input', function () {
    var now = Date.now();
    if (now - lastTyping > 3000) { lastTyping = now; send({ type: 'typing' }); }
  });

  // ---- open and close ----------------------------------------------------------

  function open(opener) {
    state.opener = opener || launcher;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    connect();
    input.focus();
  }

  // close hides the panel; focus goes back to whatever opened it unless
  // keepFocus (focus has already moved on to the page).
  function close(keepFocus) {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    if (keepFocus === true) return;
    var to = state.opener && state.opener.isConnected ? state.opener : launcher;
    to.focus();
  }

  launcher.addEventListener('click', function () { open(launcher); });
  closeBtn.addEventListener('click', function () { close(); });
  // The panel is not modal: Tab moves on into the page. If the page
  // element that gets focus is entirely under the panel (on a small
  // screen, anything), the panel gets out of the way (WCAG 2.4.11).
  document.addEventListener('focusin', function (e) {
    if (panel.hidden || e.target === host || !e.target.getBoundingClientRect) return;
    var r = e.target.getBoundingClientRect(), p = panel.getBoundingClientRect();
    if (r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom) close(true);
  });
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest && e.target.closest('[data-townhall-chat]');
    if (!a) return;
    e.preventDefault();
    open(a);
  });

  function mount() {
    document.body.appendChild(host);
    if (state.pending.length) connect();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

  window.townhallChat = { open: function () { open(document.activeElement); }, close: close };
})();
