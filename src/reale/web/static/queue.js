/* Keyboard-driven queue: j/k move, o or Enter open, a approve, d dismiss, e edit, u or Esc back.
   On an opportunity: "Use" puts a draft in the editor; a counter shows the network's limit. */
(function () {
  'use strict';
  var R = window.Reale || { isTyping: function () { return false; } };
  var list = document.getElementById('queue');
  var cards = list ? Array.prototype.slice.call(list.querySelectorAll('.card')) : [];
  var index = 0;

  function select(i) {
    if (!cards.length) { return; }
    index = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach(function (c, j) { c.classList.toggle('selected', j === index); });
    cards[index].scrollIntoView({ block: 'nearest' });
    cards[index].focus({ preventScroll: true });
  }
  function go(suffix) {
    if (cards.length) { window.location.href = cards[index].getAttribute('data-href') + (suffix || ''); }
  }
  cards.forEach(function (c, j) {
    c.addEventListener('click', function (e) { if (!e.target.closest('a, button')) { select(j); } });
  });

  var text = document.getElementById('reply-text');
  var counter = document.getElementById('reply-counter');
  function count() {
    if (!text || !counter) { return; }
    var n = Array.from(text.value).length, limit = parseInt(text.getAttribute('data-limit'), 10) || 300;
    counter.textContent = n + ' / ' + limit;
    counter.classList.toggle('over', n > limit);
  }
  if (text) { text.addEventListener('input', count); count(); }
  document.querySelectorAll('[data-use-draft]').forEach(function (b) {
    b.addEventListener('click', function () {
      if (text) { text.value = b.getAttribute('data-use-draft'); count(); text.focus(); }
    });
  });
  function focusTarget(name) {
    var el = name === 'approve' ? document.querySelector('[data-approve]')
      : name === 'edit' ? text
      : name === 'dismiss' ? document.querySelector('#dismiss-form select') : null;
    if (el) { el.focus(); if (el.scrollIntoView) { el.scrollIntoView({ block: 'center' }); } }
    return !!el;
  }
  if (window.location.hash) { focusTarget(window.location.hash.slice(1)); }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || R.isTyping(e)) {
      if (e.key === 'Escape' && e.target && e.target.blur) { e.target.blur(); }
      return;
    }
    var k = e.key;
    if (list) {
      if (k === 'j') { select(index + 1); } else if (k === 'k') { select(index - 1); }
      else if (k === 'o' || k === 'Enter') { go(''); } else if (k === 'a') { go('#approve'); }
      else if (k === 'd') { go('#dismiss'); } else if (k === 'e') { go('#edit'); } else { return; }
      e.preventDefault();
      return;
    }
    if (k === 'e' || k === 'a' || k === 'd') {
      if (focusTarget(k === 'e' ? 'edit' : k === 'a' ? 'approve' : 'dismiss')) { e.preventDefault(); }
    } else if (k === 'u' || k === 'Escape') {
      var back = document.querySelector('[data-back]');
      if (back) { window.location.href = back.getAttribute('href'); }
    }
  });
}());
