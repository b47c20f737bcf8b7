/* The live feed: events arrive in batches over server-sent events; rows are built with
   textContent only (post text is never HTML), added once per animation frame, and the list is
   capped, so a firehose never freezes the page. A mention sent again with "update": true (its
   labels landed after it) replaces its row in place, or its pending event if not drawn yet. */
(function () {
  'use strict';
  var feed = document.getElementById('feed');
  if (!feed || !window.EventSource) { return; }
  var max = parseInt(feed.getAttribute('data-max'), 10) || 200;
  var PER_FRAME = 40;
  var pending = [];
  var scheduled = false;
  var paused = false;
  var received = 0, dropped = 0, lastCount = 0, lastTime = performance.now();
  var $ = function (id) { return document.getElementById(id); };
  var lang = document.documentElement.lang || undefined;
  // counters a benchmark (or a curious person) can read: what arrived, what was drawn, and the
  // longest time one frame spent adding rows
  window.realeLive = { received: 0, rendered: 0, updated: 0, batches: 0, maxFrameWorkMs: 0 };

  function label(key) {
    var attr = 'data-l-' + key;
    return feed.hasAttribute(attr) ? feed.getAttribute(attr) : key;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\/[^\s"'<>`]+$/i.test(url) ? url : null;
  }
  // relative times follow the server's clock (the page says what time it was when it was made)
  var skew = (parseFloat(document.body.getAttribute('data-now')) || Date.now() / 1000) - Date.now() / 1000;
  function ago(at) {
    var s = Math.max(0, Math.round(Date.now() / 1000 + skew - at));
    var span = s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min' : Math.floor(s / 3600) + ' h';
    return label('ago').replace('{t}', span);
  }
  // the absolute moment, the way the server writes it (when() in render.py), for a screen
  // reader and on hover: 2026-05-28 20:26 UTC, in Italian 28/05/2026 20:26 UTC
  function absolute(at) {
    var d = new Date(at * 1000), two = function (n) { return (n < 10 ? '0' : '') + n; };
    var y = d.getUTCFullYear(), m = two(d.getUTCMonth() + 1), day = two(d.getUTCDate());
    var hm = two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ' UTC';
    return (lang === 'it' ? day + '/' + m + '/' + y : y + '-' + m + '-' + day) + ' ' + hm;
  }
  function stamp(at) {
    var t = el('time', '', ago(at)), said = absolute(at);
    t.setAttribute('datetime', new Date(at * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
    t.title = said;
    t.appendChild(el('span', 'visually-hidden', ' (' + said + ')'));
    return t;
  }
  function chip(text, cls) { return el('span', 'chip' + (cls ? ' ' + cls : ''), text); }

  function row(ev) {
    var li = el('li', ev.type === 'opportunity' ? 'is-opp' : ev.type === 'moment' ? 'is-moment' : '');
    li.setAttribute('data-uri', ev.uri || ev.id || '');
    li.setAttribute('data-type', ev.type || '');
    li.setAttribute('data-brand', ev.brand || '');
    var time = el('div', 'time');
    time.appendChild(stamp(ev.at || 0));
    li.appendChild(time);
    var body = el('div');
    var who = el('div', 'who', ev.type === 'moment' ? (ev.term || '') : '@' + (ev.author || ''));
    if (ev.name) { who.appendChild(el('span', 'name', ev.name)); }
    body.appendChild(who);
    var text = ev.type === 'moment' ? ((ev.examples && ev.examples[0] && ev.examples[0].text) || '') : ev.text;
    body.appendChild(el('p', 'text', text || ''));
    var meta = el('div', 'meta');
    if (ev.brand) { meta.appendChild(chip(ev.brand, 'brand')); }
    if (ev.type === 'moment') { meta.appendChild(chip(label('moment'), 'moment')); }
    if (ev.lang) { meta.appendChild(chip(String(ev.lang).toUpperCase())); }
    if (ev.sentiment) { meta.appendChild(chip(label(ev.sentiment), ev.sentiment)); }
    var kind = ev.type === 'opportunity' ? ev.kind : (ev.opportunity ? ev.opportunity.kind : ev.intent);
    if (kind && kind !== 'other') { meta.appendChild(chip(label(kind), kind)); }
    var verdict = ev.opportunity ? ev.opportunity.verdict : ev.verdict;  // a moment's safety too
    if (verdict) { meta.appendChild(chip(label(verdict), verdict)); }
    var url = safeUrl(ev.url);
    if (url) {
      var a = el('a', 'small', '↗');
      a.href = url; a.rel = 'noopener noreferrer'; a.target = '_blank';
      a.setAttribute('aria-label', label('post-link'));
      meta.appendChild(a);
    }
    body.appendChild(meta);
    // the reasons come in the reader's language (the server renders each language's card)
    var reasons = ev.type === 'opportunity' ? ev.reasons : (ev.opportunity && ev.opportunity.reasons);
    if (reasons && reasons.length) {
      var list = el('ul', 'reasons');
      reasons.slice(0, 3).forEach(function (r) { list.appendChild(el('li', '', r)); });
      body.appendChild(list);
    }
    li.appendChild(body);
    var side = el('div', 'side');
    var key = ev.type === 'opportunity' ? ev.key : (ev.opportunity && ev.opportunity.key);
    if (key) {
      var open = el('a', 'btn small', label('open'));
      open.href = '/queue/' + encodeURIComponent(key);
      side.appendChild(open);
    }
    li.appendChild(side);
    return li;
  }

  function flush() {
    scheduled = false;
    if (paused || !pending.length) { return; }
    var started = performance.now();
    var batch = pending.splice(0, PER_FRAME);  // a little each frame: input stays responsive
    var frag = document.createDocumentFragment();
    var found = {};  // posts of this batch that became opportunities: shown once, as such
    for (var i = batch.length - 1; i >= 0; i--) {
      var ev = batch[i];
      if (ev.type === 'opportunity' && ev.uri) { found[ev.uri] = true; replaceRow(ev.uri); }
      else if (ev.type === 'moment' && ev.id) {  // a moment read again (stricter): one row
        if (found['moment ' + ev.id]) { continue; }
        found['moment ' + ev.id] = true;
        replaceRow(ev.id);
      }
      else if (ev.type === 'mention' && found[ev.uri]) { continue; }
      frag.appendChild(row(ev));
    }
    var added = frag.childNodes.length;
    feed.insertBefore(frag, feed.firstChild);
    while (feed.children.length > max) { feed.removeChild(feed.lastChild); }
    window.realeLive.rendered += batch.length;
    arrived(added);
    window.realeLive.maxFrameWorkMs = Math.max(window.realeLive.maxFrameWorkMs, performance.now() - started);
    $('feed-empty').hidden = true;
    if (pending.length) { schedule(); }
  }
  function replaceRow(uri) {
    // an opportunity found in a post already shown: the post moves up as the opportunity
    for (var node = feed.firstChild; node; node = node.nextSibling) {
      if (node.getAttribute && node.getAttribute('data-uri') === uri) { feed.removeChild(node); return; }
    }
  }
  function update(ev) {
    // labels that landed after the row: the same row, redrawn where it is; nothing if it is
    // gone (or was never shown)
    for (var i = 0; i < pending.length; i++) {
      if (pending[i].type === 'mention' && pending[i].uri === ev.uri && pending[i].brand === ev.brand) {
        pending[i] = ev; return;
      }
    }
    for (var node = feed.firstChild; node; node = node.nextSibling) {
      if (node.getAttribute && node.getAttribute('data-type') === 'mention' &&
          node.getAttribute('data-uri') === ev.uri && node.getAttribute('data-brand') === (ev.brand || '')) {
        var fresh = row(ev);
        fresh.classList.add('is-updated');
        feed.replaceChild(fresh, node);
        window.realeLive.updated += 1;
        return;
      }
    }
  }
  // a screen reader hears one polite summary ("12 new mentions") once the feed has been quiet
  // for a moment (or every ANNOUNCE_MAX_MS under a steady stream), never one line per row
  var QUIET_MS = 1500, ANNOUNCE_MAX_MS = 15000, unsaid = 0, quiet = null, firstUnsaid = 0;
  function announce() {
    quiet = null;
    if (!unsaid) { return; }
    $('live-announce').textContent = unsaid === 1 ? label('new-one') : label('new').replace('{n}', unsaid.toLocaleString(lang));
    unsaid = 0;
  }
  function arrived(n) {
    if (!n) { return; }
    if (!unsaid) { firstUnsaid = performance.now(); }
    unsaid += n;
    if (quiet) { clearTimeout(quiet); }
    quiet = performance.now() - firstUnsaid > ANNOUNCE_MAX_MS ? (announce(), null) : setTimeout(announce, QUIET_MS);
  }
  function schedule() {
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  }

  function status(state) {
    $('live-dot').classList.toggle('on', state === 'connected');
    $('live-state').textContent = label(state);
  }
  setInterval(function () {
    var now = performance.now();
    var rate = (received - lastCount) * 1000 / Math.max(1, now - lastTime);
    lastCount = received; lastTime = now;
    $('live-count').textContent = received.toLocaleString(lang);
    $('live-rate').textContent = Math.round(rate).toLocaleString(lang);
    if (dropped) { $('live-dropped').textContent = dropped.toLocaleString(lang); $('live-dropped-wrap').hidden = false; }
  }, 1000);

  var source = new EventSource(feed.getAttribute('data-stream'));
  source.onopen = function () { status(paused ? 'paused' : 'connected'); };
  source.onerror = function () { status('connecting'); };
  source.addEventListener('batch', function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    var events = data.events || [];
    received += events.length;
    dropped += data.dropped || 0;
    window.realeLive.received = received;
    window.realeLive.batches += 1;
    $('live-count').textContent = received.toLocaleString(lang);
    for (var i = 0; i < events.length; i++) {
      if (events[i].update) { update(events[i]); } else { pending.push(events[i]); }
    }
    if (pending.length > max) { pending.splice(0, pending.length - max); }
    schedule();
  });

  var pause = $('live-pause');
  pause.addEventListener('click', function () {
    paused = !paused;
    pause.textContent = paused ? pause.getAttribute('data-resume') : pause.getAttribute('data-pause');
    status(paused ? 'paused' : 'connected');
    if (!paused) { schedule(); }
  });
  window.addEventListener('beforeunload', function () { source.close(); });
}());
