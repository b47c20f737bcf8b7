"""The desk for keyboard users, screen-reader users and Italian speakers, checked in a real
browser (Debian's chromium driven by Playwright): every page, in English and in Italian, has the
viewer's ``<html lang>``, names for every control, button, link and icon, headings in order,
``main`` and ``nav`` landmarks, text at 4.5:1 contrast or more, and, in Italian, no English
leftovers; the queue -> opportunity -> draft -> approve flow works with Tab, Space and Enter
alone, with a visible focus; the live feed tells a screen reader about new mentions in one
polite summary, not once a row or once a second.

The checks are small and written here (no axe: nothing is downloaded at run time)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from reale.web.i18n import STRINGS
from reale.web.payloads import mention_payload
from reale.web.records import Labels
from reale.web.serving import serving
from tests.browser_helpers import CHROMIUM, chromium, sign_in
from tests.test_web_flow import _dead_delivery
from tests.test_web_rules import alerts_config
from tests.web_helpers import Desk, build_desk, mention, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")

# What a page finds wrong with itself: one line per problem.
AUDIT = r"""() => {
  const problems = [];
  const visible = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && (r.width > 0 || r.height > 0) &&
      !el.closest('[hidden], [aria-hidden=true], .overlay:not(.open)');
  };
  const name = (el) => {
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ');
    const label = el.labels && el.labels.length ? Array.from(el.labels).map((l) => l.textContent).join(' ') : '';
    const alt = el.tagName === 'IMG' ? el.getAttribute('alt') || '' : '';
    const own = ['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) ? el.textContent : '';
    return (el.getAttribute('aria-label') || by || label || alt || own || el.getAttribute('title') || '').trim();
  };
  const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '') + ' "' +
    (el.outerHTML || '').slice(0, 80) + '"';
  if (document.documentElement.lang !== window.__lang) {
    problems.push('html lang is "' + document.documentElement.lang + '", not ' + window.__lang);
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], summary, img, [role=button]')) {
    if (!visible(el) && el.tagName !== 'IMG') continue;
    if (!name(el)) problems.push('no accessible name: ' + where(el));
    else if (!/[\p{L}\p{N}]/u.test(name(el))) problems.push('a name of symbols only ("' + name(el) + '"): ' + where(el));
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden=true]') || svg.getAttribute('role') === 'img' && name(svg)) continue;
    problems.push('an svg neither hidden nor named: ' + where(svg));
  }
  if (document.querySelectorAll('main').length !== 1) problems.push('not one <main>');
  if (document.body.querySelector('.shell') && !document.querySelector('nav[aria-label]')) problems.push('no named <nav>');
  let last = 0;
  const heads = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).filter((h) => !h.closest('.overlay'));
  if (!heads.length || heads[0].tagName !== 'H1') problems.push('the first heading is not an h1');
  for (const h of heads) {
    const level = +h.tagName[1];
    if (level > last + 1) problems.push('heading skips from h' + last + ' to ' + where(h));
    last = level;
  }
  // contrast: every visible element holding text, its colour against the first opaque
  // background behind it (colours with alpha are blended over it)
  const rgba = (c) => (c.match(/[\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none' && e !== document.documentElement) return null;  // a gradient: not judged
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255];
    for (const c of layers.reverse()) colour = over(c, colour);
    return colour;
  };
  // a field's edge is what shows where to type (WCAG 1.4.11): 3:1 against what is around it
  for (const el of document.querySelectorAll('input[type=text], input[type=password], input[type=date], select, textarea')) {
    const bg = visible(el) && behind(el.parentElement);
    if (!bg) continue;
    const edge = over(rgba(getComputedStyle(el).borderTopColor), bg);
    const [a, b] = [lum(edge), lum(bg)].sort((x, y) => y - x);
    if ((a + 0.05) / (b + 0.05) < 3) problems.push('the edge of ' + where(el) + ' is ' + ((a + 0.05) / (b + 0.05)).toFixed(2) + ':1');
  }
  for (const el of document.body.querySelectorAll('*')) {
    const text = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    const drawn = el.tagName.toLowerCase() === 'text';  // a chart's words: their fill is their colour
    if (!text || !visible(el) || el.closest('.visually-hidden, .skip') || (el.closest('svg') && !drawn)) continue;
    const s = getComputedStyle(el), bg = behind(drawn ? el.closest('svg') : el);
    if (!bg) continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= +getComputedStyle(e).opacity;
    const ink = drawn ? s.fill : s.color;
    const fg = over([...rgba(ink).slice(0, 3), rgba(ink)[3] * opacity], bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ':1 for "' + text.slice(0, 30) + '" (' + ink + ' on rgb(' + bg.map(Math.round) + '))');
  }
  return problems;
}"""

# What a person reads on a page: its visible text and the names a screen reader says.
WORDS = r"""() => {
  // text a page marks as another language (lang="en" on a server's error detail) is declared,
  // not left over
  const other = (el) => { const l = el.closest('[lang]'); return l && l !== document.documentElement && l.lang !== window.__lang; };
  const said = Array.from(document.querySelectorAll('[aria-label], [title], [placeholder], svg title, svg desc'))
    .filter((el) => !el.closest('.overlay:not(.open)') && !other(el))
    .map((el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('placeholder'), el.tagName.toLowerCase() !== 'svg' && el.closest('svg') ? el.textContent : ''].join('\n'));
  const marked = Array.from(document.querySelectorAll('body [lang]')).filter(other).map((el) => el.innerText);
  let text = document.body.innerText;
  for (const m of marked) text = text.split(m).join(' ');
  return document.title + '\n' + text + '\n' + said.join('\n');
}"""


def english_phrases() -> list[str]:
    """The desk's English words that Italian says differently, as fragments around any
    ``{placeholder}`` (``{t} ago`` -> ``ago``), plus the English a template spelled out."""
    phrases = set()
    for en, it in STRINGS.values():
        if en == it:
            continue
        for fragment in re.split(r"\{[a-z_]+\}", en):
            fragment = fragment.strip(" .:;,()·")
            if len(fragment) >= 3 and fragment not in it:
                phrases.add(fragment)
    return sorted(phrases, key=len, reverse=True)


ENGLISH = english_phrases()


def leftovers(text: str) -> list[str]:
    return [p for p in ENGLISH if re.search(r"(?<![\w@.#/-])" + re.escape(p) + r"(?![\w-])", text)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def open_page(browser: Any, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  locale="it-IT" if lang == "it" else "en-US")
    page = context.new_page()
    page.add_init_script(f"window.__lang = {lang!r};")
    return page


@contextmanager
def signed_in(browser: Any, base: str, name: str, lang: str) -> Iterator[Any]:
    """A page in ``lang``, signed in as ``name``; its context is closed when the block ends."""
    page = open_page(browser, lang)
    try:
        sign_in(page, base, name)
        yield page
    finally:
        page.context.close()


def pages_of(desk: Desk) -> list[str]:
    late, car = desk.keys["late"], desk.keys["car"]
    return ["/live", "/queue", f"/queue/{late}", f"/queue/{car}", f"/case/{late}", "/brands",
            "/brands/Fiori", "/moments?period=month", "/reports", "/alerts", "/alerts/rules",
            "/settings", "/queue/no-such-opportunity"]


def audit(page: Any, lang: str) -> list[str]:
    problems: list[str] = page.evaluate(AUDIT)
    if lang == "it":
        problems += [f"English left in Italian: {w!r}" for w in leftovers(page.evaluate(WORDS))]
    return problems


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_page_is_accessible_and_reads_in_the_viewers_language(browser: Any, lang: str) -> None:
    desk = build_desk(alerts=alerts_config())  # rules, with their forms
    _dead_delivery(desk)  # an alert its webhook refused for good, on the Alerts page
    found: dict[str, list[str]] = {}
    with serving(desk.app) as base:
        page = open_page(browser, lang)
        try:
            page.goto(base + "/login")
            page.fill("input[name=user]", "ada")
            page.fill("input[name=password]", "wrong password")
            page.click("button[type=submit]")
            page.wait_for_selector("[role=alert]")
            found["/login (wrong password)"] = audit(page, lang)
            sign_in(page, base, "ada")
            for path in pages_of(desk):
                page.goto(base + path)
                found[path] = audit(page, lang)
        finally:
            page.context.close()
        with signed_in(browser, base, "vera", lang) as page:  # a viewer reads what the others change
            for path in (f"/queue/{desk.keys['late']}", "/settings", "/alerts/rules"):
                page.goto(base + path)
                found[f"{path} (viewer)"] = audit(page, lang)
    empty = build_desk(seeded=False)  # the empty states
    with serving(empty.app) as base, signed_in(browser, base, "ada", lang) as page:
        for path in ("/live", "/queue", "/brands/Fiori", "/moments", "/reports", "/alerts"):
            page.goto(base + path)
            found[f"{path} (empty desk)"] = audit(page, lang)
    report = [f"{path}: {problem}" for path, problems in found.items() for problem in problems]
    assert not report, "\n".join(report)


def test_italian_dates_numbers_and_counts_read_the_italian_way(browser: Any) -> None:
    desk = build_desk()
    with serving(desk.app) as base, signed_in(browser, base, "ada", "it") as page:
        page.goto(base + f"/case/{desk.keys['car']}")
        text = page.inner_text("main")
        page.goto(base + f"/case/{desk.keys['late']}")  # one reply to it
        late = page.inner_text("main")
        page.goto(base + "/brands/Fiori")  # its moment: 18 posts at 18 times the usual rate
        brand = page.inner_text("main")
    assert re.search(r"\b\d\d/\d\d/20\d\d \d\d:\d\d\b", text), text  # 28/05/2026 19:46
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), text
    assert "2.000.000" in text and "2,000,000" not in text, text
    assert "1 risposta" in late and "1 risposte" not in late, late
    assert "18 · ×18" in brand and "×18.0" not in brand, brand


def focused(page: Any) -> dict[str, Any]:
    """The focused element's text, and whether its focus ring shows: an outline at 3:1 or more
    against what is around it (WCAG 1.4.11), or a box shadow."""
    return dict(page.evaluate("""() => {
      const el = document.activeElement, s = getComputedStyle(el);
      const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = (c) => rgb(c).slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      let around = 'rgb(255, 255, 255)';
      for (let e = el.parentElement; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor, a = rgb(bg);
        if (a.length === 3 || a[3] === 1) { around = bg; break; }
      }
      const [hi, lo] = [lum(s.outlineColor), lum(around)].sort((x, y) => y - x);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && (hi + 0.05) / (lo + 0.05) >= 3;
      return {text: (el.innerText || el.value || '').trim(), tag: el.tagName,
              ring: outline || s.boxShadow !== 'none', outline: s.outlineColor + ' on ' + around}; }"""))


def tab_to(page: Any, text: str, limit: int = 80) -> None:
    """Press Tab until the element holding ``text`` has the focus; the focus shows on each stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["ring"], f"no visible focus on {now}"
        if now["text"] == text:
            return
    raise AssertionError(f"{text!r} not reached by Tab")


def test_the_queue_to_a_sent_reply_works_by_keyboard_alone_in_italian(browser: Any) -> None:
    desk = build_desk()
    with serving(desk.app) as base, signed_in(browser, base, "aldo", "it") as page:
        page.goto(base + "/queue")
        tab_to(page, "Apri")
        page.keyboard.press("Enter")
        page.wait_for_url("**/queue/*")
        tab_to(page, "Usa")
        page.keyboard.press(" ")
        assert page.input_value("#reply-text") == page.get_attribute("[data-use-draft]", "data-use-draft")
        tab_to(page, "Approva e invia")
        page.keyboard.press("Enter")
        page.wait_for_selector(".flash[role=status]")
        assert "Approvata e inviata in prova" in page.inner_text(".flash[role=status]")


def test_the_live_feed_tells_a_screen_reader_of_new_mentions_in_one_polite_summary(browser: Any) -> None:
    desk = build_desk(seeded=False)
    with serving(desk.app) as base, signed_in(browser, base, "rita", "it") as page:
        page.wait_for_selector("#live-dot.on")
        live = page.eval_on_selector_all("[aria-live]", "els => els.map(e => [e.id, e.getAttribute('aria-live'), e.innerText])")
        assert all(mode == "polite" for _, mode, _ in live), live
        # the counters tick every second: not in a live region, or a reader hears them all day
        assert page.eval_on_selector_all("[aria-live] #live-count, [aria-live] #live-rate", "els => els.length") == 0
        page.evaluate("""() => { window.__said = [];
          new MutationObserver(() => window.__said.push(document.getElementById('live-announce').textContent))
            .observe(document.getElementById('live-announce'), {childList: true, characterData: true, subtree: true}); }""")
        for n in range(12):
            p = post(7000 + n, f"@fiori.bsky.social domanda numero {n}", at=desk.clock.now() - 5)
            labels = Labels(lang="it", sentiment="negative", intent="complaint")
            desk.hub.publish("mention", mention_payload(mention("Fiori", p), labels))
        page.wait_for_selector("#feed li:nth-child(12)")
        page.wait_for_selector("#live-announce:not(:empty)", state="attached", timeout=10_000)
        assert page.eval_on_selector_all("#feed li", "els => els.length") == 12
        rows = audit(page, "it")  # the rows the script drew, in Italian, with names
        said = page.evaluate("window.__said")
        # a row's "5 s fa" carries its moment for a screen reader, the Italian way
        stamp = page.eval_on_selector("#feed li time", "t => [t.dateTime, t.textContent]")
    y, m, d, hm = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d):\d\dZ", stamp[0]).groups()  # type: ignore[union-attr]
    assert re.fullmatch(rf"\d+ s fa \({d}/{m}/{y} {hm} UTC\)", stamp[1]), stamp
    assert said == ["12 nuove menzioni"]
    assert rows == []


def test_the_help_dialog_takes_the_focus_and_gives_it_back(browser: Any) -> None:
    desk = build_desk()
    with serving(desk.app) as base, signed_in(browser, base, "aldo", "it") as page:
        page.goto(base + "/queue")
        tab_to(page, "Apri")
        page.keyboard.press("?")
        assert page.is_visible("#help") and focused(page)["text"] == "Chiudi"
        page.keyboard.press("Tab")  # a modal dialog keeps the focus in itself
        assert focused(page)["text"] == "Chiudi"
        page.keyboard.press("Escape")
        assert not page.is_visible("#help") and focused(page)["text"] == "Apri"


def test_the_query_preview_says_what_it_counts_in_italian(browser: Any) -> None:
    desk = build_desk()
    with serving(desk.app) as base, signed_in(browser, base, "ada", "it") as page:
        page.goto(base + "/settings")
        page.fill("#query-text", "fiori")
        page.wait_for_selector("#query-preview p")
        said = page.inner_text("#query-preview p")
        page.fill("#query-text", '("fiori')
        page.wait_for_selector("#query-preview .query-error")
        error = page.locator("#query-preview .query-error")
        wrong, marked = error.inner_text(), error.get_attribute("lang")
        unmarked = page_has_no_english_marks(page.locator("#query-preview"))
    assert re.fullmatch(r"\d+ dei \d+ post dell'ultima ora corrispondono", said), said
    # the parse error is said in Italian, so nothing in the preview is marked English
    assert wrong.endswith("la frase che inizia alla posizione 1 non è chiusa: manca '\"' alla "
                          "posizione 7"), wrong
    assert marked is None and unmarked


def page_has_no_english_marks(node: Any) -> bool:
    return int(node.evaluate("(n) => n.querySelectorAll('[lang=en]').length")) == 0


POST = """([action, fields]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  fields.csrf = document.querySelector('input[name=csrf]').value;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def refused(page: Any, action: str, fields: dict[str, str], status: int) -> str:
    """Post a form as the browser would from the page it is on; the refusal's page, audited."""
    with page.expect_navigation() as sent:
        page.evaluate(POST, [action, fields])
    assert sent.value.status == status, page.inner_text("main")
    problems = audit(page, "it")
    assert not problems, problems
    assert page.evaluate("() => document.querySelectorAll('main [lang=en]').length") == 0
    return str(page.inner_text("main"))


def test_the_error_pages_of_forms_read_in_italian_with_nothing_left_english(browser: Any) -> None:
    desk = build_desk(alerts=alerts_config())
    with serving(desk.app) as base, signed_in(browser, base, "ada", "it") as page:
        page.goto(base + "/alerts/rules")
        bad_score = refused(page, "/alerts/rules/opps", {"min_score": "7"}, 400)
        page.goto(base + "/alerts/rules")
        bad_hours = refused(page, "/alerts/rules/opps", {"quiet_hours": "25:00-07:00"}, 400)
        page.goto(base + "/settings")
        bad_query = refused(page, "/settings/queries", {"brand": "Fiori", "query": "(fiori"}, 400)
        page.goto(base + "/settings")
        short = refused(page, "/settings/users", {"name": "nuovo", "password": "corta",
                                                  "role": "viewer"}, 400)
        page.goto(base + "/settings")
        boss = refused(page, "/settings/users", {"name": "nuovo", "password": "una password lunga",
                                                 "role": "boss"}, 400)
        with desk.store.transaction() as tx:  # the rules' table is gone: the store refuses
            tx.execute("DROP TABLE alert_rules")
        page.goto(base + "/settings")
        store = refused(page, "/alerts/rules", {"name": "notte", "channels": "hook"}, 503)
    assert "min_score deve essere tra 0 e 1, non '7'" in bad_score
    assert "le ore di silenzio '25:00-07:00' non sono nella forma HH:MM-HH:MM" in bad_hours
    assert "manca ')' alla posizione 6" in bad_query
    assert "l'archivio ha rifiutato questa lettura o scrittura" in store
    assert "una password deve avere almeno 8 caratteri" in short
    assert "ruolo sconosciuto 'boss': scegli tra osservatore, redattore, approvatore o " \
        "amministratore" in boss


@pytest.mark.parametrize(("path", "status", "said"), [
    ("/nope", 404, "non c'è nessuna pagina all'indirizzo /nope"),
    ("/brands/Nessuno", 404, "nessun brand di nome 'Nessuno'"),
    ("/case/nope", 404, "nessuna opportunità con chiave 'nope'"),
    ("/reports/opportunities.csv?lang=fr", 400, "lang deve essere uno tra en, it, non 'fr'"),
])
def test_the_error_pages_a_link_can_reach_read_in_italian(
        browser: Any, path: str, status: int, said: str) -> None:
    desk = build_desk(seeded=False)
    with serving(desk.app) as base, signed_in(browser, base, "ada", "it") as page:
        answer = page.goto(base + path)
        assert answer.status == status
        assert said in page.inner_text("main")
        assert not audit(page, "it")
        assert page.evaluate("() => document.querySelectorAll('main [lang=en]').length") == 0


def test_the_sidebar_says_what_its_count_and_language_buttons_mean(browser: Any) -> None:
    desk = build_desk()
    with serving(desk.app) as base, signed_in(browser, base, "ada", "it") as page:
        page.goto(base + "/queue")
        queue = page.get_by_role("link", name=re.compile(r"^Coda \d+ aperte$"))
        english = page.get_by_role("button", name="English")
        italian = page.get_by_role("button", name="Italiano")
        assert queue.count() == 1 and english.count() == 1 and italian.count() == 1
        assert italian.get_attribute("aria-pressed") == "true"
        assert english.get_attribute("lang") == "en"


def test_a_networks_refusal_reads_in_italian_with_only_the_networks_words_marked(
        browser: Any) -> None:
    """The approver sends; the network refuses with its own (hostile) words: the page is Italian
    but for those words, which are marked English and stay text, never HTML."""
    from tests.publish_servers import Answer, FakeBluesky
    from tests.web_sending_helpers import sending_desk
    from tests.web_sending_helpers import signed_in as client_signed_in

    with FakeBluesky(handle="fiori.bsky.social") as network, sending_desk(network) as desk:
        with client_signed_in(desk, "rita") as (rita, csrf):
            reply = rita.post(f"/queue/{desk.keys['late']}/compose",
                              headers={"accept": "application/json"},
                              data={"csrf": csrf, "text": "Marco, ci dispiace: ti scriviamo ora.",
                                    "action": "submit"}).json()["reply"]
        network.plan("/xrpc/com.atproto.repo.createRecord",
                     Answer(400, {"message": "<b>record</b> is invalid"}))
        with signed_in(browser, desk.url, "aldo", "it") as page:  # type: ignore[attr-defined]
            page.goto(desk.url + f"/queue/{desk.keys['late']}")  # type: ignore[attr-defined]
            sent = refused_by_network(page, f"/replies/{reply}/send")
    assert sent["status"] == 502
    assert sent["marked"] == ["<b>record</b> is invalid"]  # the network's words, as text
    assert sent["bold"] == 0  # never HTML
    assert "bluesky si è rifiutato di creare il post (400: <b>record</b> is invalid)" in sent["main"]
    assert not sent["problems"], sent["problems"]


def refused_by_network(page: Any, action: str) -> dict[str, Any]:
    with page.expect_navigation() as sent:
        page.evaluate(POST, [action, {}])
    return {"status": sent.value.status, "main": page.inner_text("main"),
            "marked": page.evaluate(
                "() => Array.from(document.querySelectorAll('main [lang=en]')).map(e => e.textContent)"),
            "bold": page.evaluate("() => document.querySelectorAll('main b').length"),
            "problems": audit(page, "it")}


def test_the_draft_guards_notes_read_in_italian_in_the_browser(
        browser: Any, tmp_path: Any) -> None:
    """A model draft the guard blocked, the draft standing in for it and one the guard cleaned,
    on the opportunity page in Italian: accessible, and no English left."""
    from tests.publish_servers import FakeChat
    from tests.test_drafts_llm_wiring import SMEAR_AND_MAIL, desk_with_model, model_says

    answer = model_says(SMEAR_AND_MAIL)
    with FakeChat() as chat:
        chat.plan("/v1/chat/completions", answer)
        with desk_with_model(tmp_path, chat, "it", user_lang="it") as (app, keys), \
                serving(app) as base, signed_in(browser, base, "rita", "it") as page:
            page.goto(base + f"/queue/{keys['flowers']}")
            notes = page.inner_text("ul.guard >> nth=0")
            problems = audit(page, "it")
            marked = page.evaluate("() => document.querySelectorAll('main [lang=en]').length")
    assert "al posto di una bozza del modello linguistico, bloccata" in notes
    assert not problems, problems
    assert marked == 0
