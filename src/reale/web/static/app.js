/* Reale desk: what every page shares — the help overlay (?), and a helper to POST with the
   CSRF token. No inline scripts anywhere: the Content-Security-Policy forbids them. */
(function () {
  'use strict';
  var help = document.getElementById('help');

  function isTyping(e) {
    var t = e.target;
    return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  // the help is a modal dialog: opening it moves the focus to its Close button (Tab stays
  // there), closing it gives the focus back to where it was
  var before = null;
  function toggleHelp(open) {
    if (!help) { return; }
    var was = help.classList.contains('open');
    var next = open === undefined ? !was : open;
    if (next === was) { return; }
    help.classList.toggle('open', next);
    if (next) {
      before = document.activeElement;
      help.querySelector('[data-close-help]').focus();
    } else if (before && before.focus) {
      before.focus();
      before = null;
    }
  }

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }

  function postJSON(url, data) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf() },
      body: JSON.stringify(data)
    }).then(function (r) { return r.json(); });
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === 'Escape') { toggleHelp(false); }
    if (e.key === 'Tab' && help && help.classList.contains('open')) { e.preventDefault(); return; }
    if (isTyping(e)) { return; }
    if (e.key === '?') { toggleHelp(); e.preventDefault(); }
  });
  document.addEventListener('click', function (e) {
    if (e.target === help || (e.target.closest && e.target.closest('[data-close-help]'))) { toggleHelp(false); }
  });

  // A form that changes something is posted once: a second click while the first is on its way
  // would send (or submit) the same reply again. The buttons stay enabled (a disabled submitter
  // would drop its action from the form); a page restored by Back can post again.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form || (form.method || '').toLowerCase() !== 'post') { return; }
    if (form.getAttribute('data-sending')) { e.preventDefault(); return; }
    form.setAttribute('data-sending', '1');
  });
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-sending]').forEach(function (f) { f.removeAttribute('data-sending'); });
  });

  window.Reale = { isTyping: isTyping, csrf: csrf, postJSON: postJSON };
}());
