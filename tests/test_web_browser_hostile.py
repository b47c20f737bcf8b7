"""Hostile posts in a real browser (Debian's chromium driven by Playwright): a post whose text,
author name, handle, language, links and URI all carry script payloads (and an unclosed
right-to-left override, and a word wider than the screen) is stored, pushed live and opened on
every page of the desk and in its exported case history, and hostile query strings are echoed
back; nothing runs, no dialog opens, no ``javascript:``/``data:``/``vbscript:`` link appears, the
Content-Security-Policy reports no violation of the desk's own pages, nothing leaves the screen,
the desk's own words still read left to right, and the reader still sees the payloads as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from reale.events import Author, Post
from reale.signals.moment_scope import Example, MomentAlert
from reale.signals.safety import SafetyRead
from reale.web.data import register_writers, save_labels, save_opportunity
from reale.web.payloads import mention_payload
from reale.web.queries import labels_for
from reale.web.records import MomentRecord
from reale.web.serving import serving
from tests.browser_helpers import CHROMIUM, chromium, sign_in
from tests.web_helpers import Desk, build_desk, mention, opportunity_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
JS_LINK = "javascript:window.__pwned=1"
LONG = "W" * 400  # one word wider than any screen
RLO = "\u202e"  # right-to-left override, never closed: would reverse what follows on the line
TEXT = f"@fiori.bsky.social {SCRIPT} {IMG} {SVG} {JS_LINK} il mio ordine non è arrivato {LONG}"
# what a page may never hold: a link or source that runs code, an inline handler
WATCH = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name) &&
          /^(javascript|data|vbscript):/.test(v)) bad.push(el.tagName + ' ' + a.name + '=' + v);
    }
  }
  return bad;
}"""
WIDE = """() => [...document.querySelectorAll('main *, .wrap *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .map(el => el.tagName + '.' + el.className)"""
# whether the desk's own words in the first element matching a selector still read left to right
# (their first letter drawn left of their last), whatever direction a post left open before them
READS_LTR = """sel => {
  const text = [...document.querySelector(sel).childNodes].find(n => n.nodeType === 3);
  const s = text.textContent, first = s.search(/\\S/), last = s.trimEnd().length - 1;
  const at = i => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                    return r.getBoundingClientRect().left; };
  return at(first) < at(last);
}"""
CSP_LOG = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def hostile_post(n: int, at: float, *, network: str = "bluesky", uri: str = "") -> Post:
    return Post(network=network, uri=uri or f"at://did:plc:mallory/app.bsky.feed.post/{n:06d}",
                author=Author(id="did:plc:mallory", handle=f"mallory{SVG}{LONG}{RLO}",
                              display_name=IMG + LONG + RLO,
                              followers=2400),
                text=TEXT + RLO, created_at=at, langs=(SCRIPT + RLO,), received_at=at + 1,
                hashtags=(SCRIPT,), mentions=(SVG,),
                links=(JS_LINK, f"data:text/html,{SCRIPT}", "vbscript:msgbox(1)",
                       f'https://ok.example/{SVG}'))


def store_hostile(desk: Desk) -> dict[str, str]:
    """Two hostile posts (one with a ``javascript:`` URI, as a Mastodon status could claim), their
    labels and opportunities, and a moment whose term and example are payloads."""
    now = desk.clock.now()
    keys = {}
    for n, p in enumerate((hostile_post(7001, now - 40),
                           hostile_post(7002, now - 30, network="mastodon",
                                        uri=f"{JS_LINK}//https://masto.example/@m/1"))):
        desk.store.write_mentions([mention("Fiori", p)])
        save_labels(desk.store, {p.uri: {"lang": SCRIPT + RLO, "sentiment": -0.8,
                                         "intent": "complaint"}})
        keys[f"post{n}"] = save_opportunity(desk.store, opportunity_of("Fiori", p, complaint=0.9),
                                            network=p.network, followers=2400).key
    moment = MomentAlert(
        scope="Fiori", term=IMG, at=now - 20, count=19, window_seconds=120,
        baseline_per_min=0.0, current_per_min=19.0, ratio=19.0, log10_p=-9.0,
        examples=(Example(JS_LINK, TEXT),), cooccurring=(SCRIPT, SVG),
        safety=SafetyRead(verdict="caution", reasons=(SVG,), posts=19))
    register_writers(desk.store)
    desk.store.write_batch([MomentRecord.of(moment)])
    return keys


def push_live(desk: Desk, n: int) -> None:
    """What the runner does for a new mention (here a status claiming a ``javascript:`` URI):
    store it, its labels and its opportunity, and publish them to the live hub."""
    p = hostile_post(n, desk.clock.now() - 5, network="mastodon",
                     uri=f"{JS_LINK}//https://masto.example/@m/{n}")
    m = mention("Fiori", p)
    desk.store.write_mentions([m])
    save_labels(desk.store, {p.uri: {"lang": SCRIPT + RLO, "sentiment": -0.8,
                                     "intent": "complaint"}})
    rec = save_opportunity(desk.store, opportunity_of("Fiori", p, complaint=0.9),
                           network="mastodon", followers=2400)
    desk.hub.publish("mention", mention_payload(m, labels_for(desk.store, [p.uri])[p.uri], rec))
    desk.hub.publish("opportunity", rec)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Desk, str, dict[str, str]]]:
    desk = build_desk()
    keys = store_hostile(desk)
    with serving(desk.app) as url:
        yield desk, url, keys


@pytest.fixture(scope="module")
def page(served: tuple[Desk, str, dict[str, str]]) -> Iterator[Any]:
    """One browser for the module, signed in as the admin (who sees every page)."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
        context.add_init_script(CSP_LOG)
        p = context.new_page()
        p.dialogs = []  # type: ignore[attr-defined]
        p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        sign_in(p, served[1], "ada")
        yield p


def assert_inert(page: Any, where: str) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", where
    assert page.evaluate(WATCH) == [], where
    assert page.evaluate("window.__csp") == [], where  # the desk's own pages obey its CSP
    assert page.locator("main script, main iframe, main object").count() == 0, where
    assert page.dialogs == [], where  # type: ignore[attr-defined]
    # a long word in a post, a handle or a name never pushes the page (or a row) sideways
    assert page.evaluate(WIDE) == [], where


def test_hostile_posts_stay_text_live_and_on_every_page(served: tuple[Desk, str, dict[str, str]],
                                                        page: Any, tmp_path: Path) -> None:
    desk, base, keys = served
    page.goto(base + "/live")
    page.wait_for_selector("#live-dot.on")
    push_live(desk, 7100)
    row = page.locator("#feed li", has_text="window.__pwned").first
    row.wait_for()
    assert SCRIPT in row.inner_text() and IMG in row.inner_text()  # shown, as text
    assert page.evaluate(READS_LTR, "#feed li .chip.negative")  # drawn after the post's lang
    hrefs = row.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(f"{base}/queue/") for h in hrefs), hrefs
    assert_inert(page, "live feed")
    shown = {"/live", "/queue", *(f"/queue/{k}" for k in keys.values()),
             *(f"/case/{k}" for k in keys.values())}
    pages = [*sorted(shown), "/moments", "/brands", "/brands/Fiori", "/reports", "/settings",
             "/alerts", "/alerts/rules"]
    for path in pages:
        page.goto(base + path)
        assert_inert(page, path)
        if path in shown:
            assert SCRIPT in page.inner_text("main"), path  # the reader sees what was written
        if path.startswith("/queue/"):
            assert page.evaluate(READS_LTR, "h1 .muted"), path  # "· Fiori" after the handle
    page.goto(base + "/moments?period=month&scope=Fiori")
    assert IMG in page.inner_text("main")
    assert_inert(page, "/moments")
    exported = tmp_path / "case.html"  # the downloaded case history, opened from disk
    exported.write_bytes(page.request.get(f"{base}/case/{keys['post0']}/export.html").body())
    page.goto(exported.as_uri())
    assert SCRIPT in page.inner_text("body")
    assert_inert(page, "export.html")
    page.goto(base + "/settings")  # the watch-query preview lists the posts a query catches
    page.fill("#query-text", "ordine")
    page.locator("#query-preview li", has_text="window.__pwned").first.wait_for()
    assert SCRIPT in page.inner_text("#query-preview")
    assert_inert(page, "/settings query preview")


# whether, in the element ``sel`` matches, the character at ``sep`` in its text (all text nodes
# joined) is drawn left of the one two further on: the desk's ": " still reads left to right
SEPARATOR_LTR = """([sel, sep]) => {
  const chars = [], walk = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) for (let i = 0; i < n.length; i++) chars.push([n, i]);
  const at = chars.map(([n, i]) => n.data[i]).join('').indexOf(sep);
  const left = k => { const [n, i] = chars[k]; const r = document.createRange();
                      r.setStart(n, i); r.setEnd(n, i + 1); return r.getBoundingClientRect().left; };
  return at >= 0 && left(at) < left(at + 2);
}"""


def test_a_name_with_an_open_override_does_not_reverse_the_query_previews_separator(
        served: tuple[Desk, str, dict[str, str]], page: Any) -> None:
    """The watch-query preview on /settings shows ``@handle: text``; a handle ending in an
    unclosed right-to-left override once drew ": zebrafish" as "hsifarbez :"."""
    desk, base, _ = served
    now = desk.clock.now()
    p = Post(network="bluesky", uri="at://did:plc:rtl/app.bsky.feed.post/000001",
             author=Author(id="did:plc:rtl", handle=f"rtl{RLO}", display_name=f"rtl{RLO}"),
             text="zebrafish tank", created_at=now - 10, received_at=now - 9)
    desk.store.write_mentions([mention("Fiori", p)])
    page.goto(base + "/settings")
    page.fill("#query-text", "zebrafish")
    item = page.locator("#query-preview li", has_text="zebrafish")
    item.wait_for()
    assert item.inner_text().startswith("@rtl")
    assert page.evaluate(SEPARATOR_LTR, ["#query-preview li", ": zebrafish"])
    assert_inert(page, "/settings query preview, right-to-left name")


QUERY_NAMES = ("brand", "scope", "from", "to", "lang", "kind", "period", "sentiment", "state",
               "done", "next")


def test_hostile_query_strings_are_echoed_as_text_or_refused(
        served: tuple[Desk, str, dict[str, str]], page: Any) -> None:
    _, base, _ = served
    for path in ("/live", "/queue", "/moments", "/reports", "/alerts", "/brands/Fiori"):
        for payload in (SCRIPT, SVG, JS_LINK):
            query = "&".join(f"{n}={quote(payload)}" for n in QUERY_NAMES)
            response = page.goto(f"{base}{path}?{query}")
            assert response.status < 500, (path, payload)
            assert_inert(page, f"{path}?{query}")
        for name in QUERY_NAMES:  # one at a time too: a refused first one hides the rest
            response = page.goto(f"{base}{path}?{name}={quote(SVG)}")
            assert response.status < 500, (path, name)
            assert_inert(page, f"{path}?{name}={SVG}")
