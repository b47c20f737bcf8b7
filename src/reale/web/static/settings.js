/* The watch-query preview: as you type, ask the desk what the query would have caught in the
   last hour; a parse error is shown under the query with a caret at its position. */
(function () {
  'use strict';
  var form = document.getElementById('query-form');
  var text = document.getElementById('query-text');
  var out = document.getElementById('query-preview');
  if (!form || !text || !out || !window.Reale) { return; }
  var timer = null, seq = 0;

  function el(tag, cls, content) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (content !== undefined) { n.textContent = content; }
    return n;
  }
  // a parse error comes in the viewer's language (message); one the desk has no words for
  // stays English (error) and says so, for a screen reader
  var lang = document.documentElement.lang;
  function marked(node, res) {
    var in_ = res.message ? (res.message_lang || lang) : 'en';
    if (in_ !== lang) { node.setAttribute('lang', in_); }
    return node;
  }
  function show(res, query) {
    out.textContent = '';
    if (!res.ok) {
      var text = res.message || res.error || '';
      if (typeof res.position === 'number') {
        out.appendChild(marked(el('div', 'query-error', query + '\n' + ' '.repeat(res.position) + '^ ' + text), res));
      } else {
        out.appendChild(marked(el('p', 'muted', text), res));
      }
      return;
    }
    var said = out.getAttribute('data-l-count') || '{n} / {of}';
    out.appendChild(el('p', '', said.replace('{n}', res.count.toLocaleString(lang)).replace('{of}', res.scanned.toLocaleString(lang))));
    var ul = el('ul', 'examples');
    (res.examples || []).forEach(function (p) {
      // each user text in its own <bdi> (an isolate): a right-to-left override left open in a
      // name cannot reverse the ": " after it, nor the post's text
      var li = el('li', '');
      li.appendChild(el('bdi', '', '@' + p.author));
      li.appendChild(document.createTextNode(': '));
      li.appendChild(el('bdi', '', p.text));
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  function preview() {
    var query = text.value, mine = ++seq;
    if (!query.trim()) { out.textContent = ''; return; }
    window.Reale.postJSON(form.getAttribute('data-preview'), { query: query, brand: form.brand.value })
      .then(function (res) { if (mine === seq) { show(res, query); } })
      .catch(function () { /* the next keystroke retries */ });
  }
  text.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(preview, 300); });
  form.brand.addEventListener('change', preview);
}());
