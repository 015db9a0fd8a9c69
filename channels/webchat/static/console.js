/*
 * Staff console: live transcript and replies over /staff/ws. Without
 * JavaScript the page still works: the reply form posts and the page is
 * reloaded to see new messages.
 */
(function () {
  'use strict';
  var main = document.querySelector('main[data-conversation]');
  if (!main) return;
  var conversation = main.getAttribute('data-conversation');
  var lastSeq = parseInt(main.getAttribute('data-last-seq'), 10) || 0;
  var transcript = document.getElementById('transcript');
  var statusEl = document.getElementById('status');
  var form = document.getElementById('reply');
  var input = document.getElementById('message');
  var names = { resident: 'Resident', assistant: 'Assistant', staff: 'Staff' };
  var ws = null, welcomed = false, retry = 0;

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
        }
        copy(n, el);
        to.appendChild(el);
      });
    })(t.content, out);
    return out;
  }

  function setStatus(s) { statusEl.textContent = s || ''; }

  function add(m) {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    var li = document.createElement('li');
    li.className = 'turn turn-' + (names[m.role] ? m.role : 'assistant');
    li.id = 'm' + m.seq;
    var who = document.createElement('p');
    who.className = 'who';
    who.textContent = names[m.role] || 'Assistant';
    if (m.at) {
      var when = document.createElement('span');
      when.className = 'when';
      var d = new Date(m.at);
      when.textContent = ' ' + ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
      who.appendChild(when);
    }
    var body = document.createElement('div');
    body.className = 'body';
    body.appendChild(sanitize(m.html || ''));
    li.appendChild(who);
    li.appendChild(body);
    transcript.appendChild(li);
    if (m.role === 'resident') setStatus('');
  }

  function connect() {
    var url = location.origin.replace(/^http/, 'ws') + '/staff/ws';
    ws = new WebSocket(url);
    welcomed = false;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'hello', conversation_id: conversation, last_seq: lastSeq }));
    };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === 'welcome') { welcomed = true; retry = 0; setStatus('Live.'); }
      else if (m.type === 'message') add(m);
      else if (m.type === 'typing' && m.role === 'resident') setStatus('The resident is typing\u2026');
      else if (m.type === 'error') setStatus(m.message || 'Something went wrong.');
    };
    ws.onclose = function () {
      ws = null;
      welcomed = false;
      retry++;
      setStatus('Connection lost. Reconnecting\u2026');
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retry)));
    };
  }

  if (form && input) {
    form.addEventListener('submit', function (e) {
      if (!ws || !welcomed) return; // fall back to posting the form
      e.preventDefault();
      var text = input.value.trim();
      if (!text) { setStatus('Type a reply first.'); return; }
      ws.send(JSON.stringify({ type: 'message', text: text }));
      input.value = '';
    });
    var last = 0;
    input.addEventListener('input', function () {
      var now = Date.now();
      if (ws && welcomed && now - last > 3000) { last = now; ws.send(JSON.stringify({ type: 'typing' })); }
    });
  }
  connect();
})();
