"""The desk in a real browser (Debian's chromium driven by Playwright), used as a person would:
sign in, watch a mention arrive live, open it, approve and send a reply (dry run), read and
export its case history; hostile posts stay inert; a viewer cannot approve. Every page is
screenshotted into docs/screenshots/ (the README's tour)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reale.clock import ManualClock
from reale.signals.moment_scope import Example, MomentAlert
from reale.signals.safety import SafetyRead
from reale.store import open_store
from reale.web.data import LabelledPost, register_writers, save_labels, save_opportunity
from reale.web.follow import StoreFollower, following
from reale.web.payloads import mention_payload
from reale.web.records import MomentRecord, labels_from
from reale.web.serving import serving
from tests.browser_helpers import CHROMIUM, chromium, sign_in
from tests.conftest import ROOT
from tests.web_helpers import Desk, build_desk, mention, opportunity_of, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium; .ci/run installs it)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")
SHOTS = ROOT / "docs" / "screenshots"
HOSTILE = ('<script>window.__xss = 1; alert("script")</script> '
           '<img src=x onerror="window.__xss = 2; alert(\'img\')"> ciao @fiori.bsky.social')


@pytest.fixture(scope="module")
def desk() -> Desk:
    return build_desk()


@pytest.fixture(scope="module")
def base(desk: Desk) -> Iterator[str]:
    with serving(desk.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True,
                                  locale="en-US")
    p = context.new_page()
    p.dialogs = []  # type: ignore[attr-defined]
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    try:
        yield p
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def arrive(desk: Desk, n: int, text: str, *, author: str = "sofia", **signals: Any) -> str:
    """What the runner does for a new mention: store it, its labels and its opportunity, then
    publish it to the live hub."""
    p = post(n, text, at=desk.clock.now() - 5, author=author, followers=2400, name="Sofia R.")
    m = mention("Fiori", p)
    desk.store.write_mentions([m])
    save_labels(desk.store, {p.uri: {"lang": "it", "sentiment": 0.7, "intent": "question"}})
    rec = save_opportunity(desk.store, opportunity_of("Fiori", p, **signals), network="bluesky",
                           followers=2400)
    from reale.web.queries import labels_for

    desk.hub.publish("mention", mention_payload(m, labels_for(desk.store, [p.uri])[p.uri], rec))
    desk.hub.publish("opportunity", rec)
    return rec.key


def test_login_page(page: Any, base: str) -> None:
    page.goto(base + "/login")
    assert page.title() == "Sign in to Reale · Reale"
    shot(page, "login")
    page.fill("input[name=user]", "aldo")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "Wrong user name or password." in page.inner_text("[role=alert]")


def test_a_mention_arrives_live_and_is_answered_and_exported(desk: Desk, base: str,
                                                             page: Any) -> None:
    sign_in(page, base, "aldo")
    page.wait_for_selector("#live-dot.on")
    key = arrive(desk, 5001, "@fiori.bsky.social fate consegne a domicilio anche la domenica?",
                 intent="question", intent_confidence=0.9)
    row = page.locator("#feed li", has_text="anche la domenica").first
    row.wait_for()
    assert page.inner_text("#live-count") != ""
    shot(page, "live")
    row.get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/queue/{key}")
    page.locator("[data-use-draft]").first.click()
    draft = page.input_value("#reply-text")
    assert draft.strip()
    shot(page, "opportunity")
    page.click("[data-approve]")
    page.wait_for_url(f"**/queue/{key}?done=dry_run")
    assert "dry run" in page.inner_text("main").lower()
    page.click("text=Case history")
    page.wait_for_url(f"**/case/{key}")
    timeline = page.inner_text(".timeline")
    assert "approve and send" in timeline and "aldo" in timeline
    shot(page, "case")
    with page.expect_download() as html_dl:
        page.click("a[href$='export.html']")
    exported = Path(html_dl.value.path()).read_text(encoding="utf-8")
    assert "consegne a domicilio" in exported and draft.split()[1] in exported
    with page.expect_download() as pdf_dl:
        page.click("a[href$='export.pdf']")
    assert Path(pdf_dl.value.path()).read_bytes().startswith(b"%PDF-")
    with page.expect_download() as json_dl:
        page.click("a[href$='export.json']")
    case = json.loads(Path(json_dl.value.path()).read_text(encoding="utf-8"))
    assert case["published"]["publication"]["state"] == "dry_run"
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_hostile_posts_render_inert_live_and_on_their_pages(desk: Desk, base: str,
                                                            page: Any) -> None:
    sign_in(page, base, "aldo")
    page.wait_for_selector("#live-dot.on")
    scripts = page.locator("script").count()
    key = arrive(desk, 5002, HOSTILE, author="mallory", complaint=0.9)
    page.locator("#feed li", has_text="window.__xss").first.wait_for()
    for path in (None, "/live", f"/queue/{key}", f"/case/{key}", "/queue"):
        if path:
            page.goto(base + path)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("main img").count() == 0, path
        assert page.locator("main script").count() == 0, path
        assert page.get_by_text('<img src=x onerror="window.__xss', exact=False).count() >= 1, path
    assert page.locator("script").count() == scripts
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_a_viewer_can_neither_approve_in_the_page_nor_through_the_api(desk: Desk, base: str,
                                                                       page: Any) -> None:
    key = desk.keys["late"]
    reply = desk.workflow.draft("rita", brand="Fiori", account="dry-run-bluesky",
                                target=_target(desk, key), text="Ci scusiamo, Marco.",
                                opportunity_id=desk.store.query(
                                    "SELECT id FROM opportunities WHERE key = ?", (key,))[0][0])
    desk.workflow.submit("rita", reply.id)
    sign_in(page, base, "vera")
    page.goto(f"{base}/queue/{key}")
    assert page.locator("[data-approve]").count() == 0
    assert page.locator("form[action$='/approve']").count() == 0
    assert "replying needs a responder or approver" in page.inner_text("#composer")
    status = page.evaluate("""async (id) => {
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch('/replies/' + id + '/approve', {method: 'POST',
            headers: {'X-CSRF-Token': csrf, 'Accept': 'application/json'}});
        return r.status;
    }""", reply.id)
    assert status == 403
    assert desk.workflow.repository.get_reply(reply.id).state == "submitted"  # type: ignore[union-attr]


def _target(desk: Desk, key: str) -> Any:
    from reale.desk.records import Target

    uri = desk.store.query("SELECT post_uri FROM opportunities WHERE key = ?", (key,))[0][0]
    return Target(network="bluesky", uri=uri)


def test_the_queue_is_driven_from_the_keyboard(base: str, page: Any) -> None:
    sign_in(page, base, "rita")
    page.goto(base + "/queue")
    first = page.locator(".card").nth(0).get_attribute("data-key")
    second = page.locator(".card").nth(1).get_attribute("data-key")
    assert "selected" in (page.locator(".card").nth(0).get_attribute("class") or "")
    shot(page, "queue")
    page.keyboard.press("j")
    assert "selected" in (page.locator(".card").nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("?")
    assert page.locator("#help.open").count() == 1
    page.keyboard.press("Escape")
    page.keyboard.press("o")
    page.wait_for_url(f"**/queue/{second}")
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "reply-text"
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    page.wait_for_url("**/queue")
    page.keyboard.press("d")
    page.wait_for_url(f"**/queue/{first}#dismiss")
    assert page.evaluate("document.activeElement.name") == "reason"


@pytest.mark.parametrize("name,path", [("brands", "/brands"), ("brand", "/brands/Fiori"),
                                       ("moments", "/moments"), ("settings", "/settings"),
                                       ("reports", "/reports"), ("alerts", "/alerts")])
def test_every_other_page_looks_right(base: str, page: Any, name: str, path: str) -> None:
    sign_in(page, base, "ada")
    page.goto(base + path)
    assert page.locator("h1").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, name)


def test_the_query_preview_answers_as_you_type(base: str, page: Any) -> None:
    sign_in(page, base, "ada")
    page.goto(base + "/settings")
    page.fill("#query-text", '"fiori" OR')
    page.locator("#query-preview > *").first.wait_for()  # written by settings.js from the answer
    text = page.inner_text("#query-preview")
    assert "reale.match" in text or "^" in text or " / " in text


@contextlib.contextmanager
def live_page_beside_a_worker(page: Any, tmp_path: Path) -> Iterator[Any]:
    """A signed-in Live page of `reale serve` whose store follower reads what a second
    connection (a Kafka worker, a runner) writes; yields that worker's store."""
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    desk = build_desk(url)
    worker = open_store(url, clock=ManualClock(desk.clock.now() + 1))
    register_writers(worker)
    follower = StoreFollower(desk.store, desk.hub, interval=0.1)  # its own thread, real time
    try:
        with serving(desk.app) as base, following(follower):
            sign_in(page, base, "aldo")
            page.wait_for_selector("#live-dot.on")
            yield worker
    finally:
        worker.close()
        desk.store.close()


def test_a_mention_another_process_stores_arrives_live_once(page: Any, tmp_path: Path) -> None:
    """`reale serve` beside a worker: the store follower brings what another connection stored
    (a Kafka worker, a runner) to the open Live page, once, and hostile text stays inert."""
    with live_page_beside_a_worker(page, tmp_path) as worker:
        first = post(6001, "@fiori.bsky.social stored by a worker: aperti il primo maggio?",
                     at=worker.clock.now(), author="bruno")
        worker.write_batch([mention("Fiori", first), LabelledPost(
            first.uri, labels_from({"lang": "it", "sentiment": "neutral", "intent": "question"}))])
        page.locator("#feed li", has_text="stored by a worker").first.wait_for()
        worker.clock.advance(1)  # type: ignore[attr-defined]
        worker.write_mentions([mention("Fiori", post(6002, HOSTILE, at=worker.clock.now(),
                                                     author="mallory"))])
        page.locator("#feed li", has_text="window.__xss").first.wait_for()
        assert page.locator("#feed li", has_text="stored by a worker").count() == 1
        assert page.evaluate("window.__xss") is None
        assert page.locator("main img").count() == 0
        assert page.dialogs == []  # type: ignore[attr-defined]


def test_labels_that_land_after_a_mention_update_its_row_in_place(page: Any,
                                                                   tmp_path: Path) -> None:
    """On Kafka the matcher stores a mention before a stages worker labels it: the Live page
    shows the row unlabelled, then, when the labels land, the same row (where it is, not moved
    to the top, not doubled) with its sentiment and intent."""
    with live_page_beside_a_worker(page, tmp_path) as worker:
        first = post(6101, "@fiori.bsky.social i fiori sono arrivati appassiti",
                     at=worker.clock.now(), author="bruno")
        worker.write_mentions([mention("Fiori", first)])  # the matcher
        row = page.locator("#feed li", has_text="arrivati appassiti")
        row.first.wait_for()
        assert row.locator(".chip.negative").count() == 0
        worker.clock.advance(1)  # type: ignore[attr-defined]
        worker.write_mentions([mention("Fiori", post(6102, "fiori di giulia, che belli",
                                                     at=worker.clock.now(), author="carla"))])
        page.locator("#feed li", has_text="che belli").first.wait_for()
        worker.clock.advance(1)  # type: ignore[attr-defined]
        worker.write_batch([LabelledPost(first.uri, labels_from(  # a stages worker
            {"lang": "it", "sentiment": "negative", "intent": "complaint"}))])
        row.locator(".chip.negative").first.wait_for()
        assert row.count() == 1 and row.locator(".chip.complaint").count() == 1
        texts = page.locator("#feed li .text").all_inner_texts()
        assert texts.index("fiori di giulia, che belli") < texts.index(
            "@fiori.bsky.social i fiori sono arrivati appassiti")  # updated where it was
        assert page.evaluate("window.realeLive.updated") == 1


def test_a_moment_read_again_stricter_replaces_its_row(page: Any, tmp_path: Path) -> None:
    """A town's moment first reads safe, then avoid once it is known to be part of an
    earthquake's story: the Live page shows one row for it, with the stricter read, on top."""
    with live_page_beside_a_worker(page, tmp_path) as worker:
        town = MomentAlert(
            scope="*", term="valleverde", at=worker.clock.now(), count=19, window_seconds=120,
            baseline_per_min=0.0, current_per_min=19.0, ratio=19.0, log10_p=-9.0,
            examples=(Example("at://did:plc:v/app.bsky.feed.post/1",
                              "Non riesco a contattare i miei genitori a Valleverde"),),
            cooccurring=(), safety=SafetyRead(verdict="safe", reasons=(), posts=19))
        worker.write_batch([MomentRecord.of(town)])
        row = page.locator("#feed li.is-moment", has_text="valleverde")
        row.locator(".chip.safe").first.wait_for()
        worker.clock.advance(1)  # type: ignore[attr-defined]
        worker.write_mentions([mention("Fiori", post(6201, "fiori di giulia, che belli",
                                                     at=worker.clock.now(), author="carla"))])
        page.locator("#feed li", has_text="che belli").first.wait_for()
        worker.clock.advance(1)  # type: ignore[attr-defined]
        linked = SafetyRead(verdict="avoid", reasons=("part of the #terremoto moment (avoid)",),
                            posts=19, linked_to="#terremoto")
        worker.write_batch([MomentRecord.of(msgspec.structs.replace(town, safety=linked))])
        row.locator(".chip.avoid").first.wait_for()
        assert row.count() == 1 and row.locator(".chip.safe").count() == 0
        texts = page.locator("#feed li .text").all_inner_texts()
        assert texts.index("Non riesco a contattare i miei genitori a Valleverde") < texts.index(
            "fiori di giulia, che belli")  # read again: on top


def test_a_second_click_on_approve_and_send_is_not_posted_again(desk: Desk, base: str,
                                                                page: Any) -> None:
    """An impatient approver clicks "Approve & send" again while the first is on its way: the
    page does not post the form a second time (the server would refuse it: a reply was written
    since the page loaded), and it says the reply was sent."""
    key = arrive(desk, 5003, "@fiori.bsky.social avete ancora le peonie?", author="paola",
                 intent="question", intent_confidence=0.9)
    sign_in(page, base, "aldo")
    page.goto(f"{base}/queue/{key}")
    page.fill("#reply-text", "Sì Paola, fino a sabato!")
    cancelled = page.evaluate("""() => {   // two clicks before the page has gone
        const seen = [];
        window.addEventListener('submit', e => seen.push(e.defaultPrevented));
        const button = document.querySelector('[data-approve]');
        button.click(); button.click();
        return seen; }""")
    assert cancelled == [False, True]
    page.wait_for_url(f"**/queue/{key}?done=dry_run")
    assert "dry run" in page.inner_text("main").lower()
    opp_id = desk.store.query("SELECT id FROM opportunities WHERE key = ?", (key,))[0][0]
    replies = [r for r in desk.workflow.repository.replies(brand="Fiori")
               if r.opportunity_id == opp_id]
    assert [r.text for r in replies] == ["Sì Paola, fino a sabato!"]


def test_the_responder_sees_why_a_reply_was_sent_back(desk: Desk, base: str, page: Any) -> None:
    """Rita submits, Aldo sends the reply back with a comment: when Rita opens the opportunity
    the comment is there beside her reply, not folded away in the decisions."""
    key = arrive(desk, 5004, "@fiori.bsky.social le rose rosse sono finite?", author="nina",
                 intent="question", intent_confidence=0.9)
    sign_in(page, base, "rita")
    page.goto(f"{base}/queue/{key}")
    page.fill("#reply-text", "No, ne abbiamo ancora.")
    page.click("button[value=submit]")
    page.wait_for_url(f"**/queue/{key}?done=submitted")
    page.context.clear_cookies()
    sign_in(page, base, "aldo")
    page.goto(f"{base}/queue/{key}")
    page.fill("input[name=comment]", "Più caldo, e di' fino a quando <b>ci sono</b>")
    page.click("form[action$='/send-back'] button")
    page.wait_for_url(f"**/queue/{key}?done=sent_back")
    page.context.clear_cookies()
    sign_in(page, base, "rita")
    page.goto(f"{base}/queue/{key}")
    composer = page.inner_text("#composer")
    assert "Più caldo, e di' fino a quando <b>ci sono</b>" in composer
    assert "aldo" in composer


def test_an_opportunity_read_from_a_reply_shows_the_post_that_started_it(desk: Desk, base: str,
                                                                         page: Any) -> None:
    """A friend's reply carries the conversation's latest reading ("a car for our Matteo!"):
    the page shows whose request it is, the post that started the conversation, above all."""
    root = post(5101, "Mi hanno sfondato la fiancata: @fiori.bsky.social mi prestate un furgone?",
                at=desk.clock.now() - 600, author="matteo", followers=150_000, name="Matteo")
    desk.store.write_mentions([mention("Fiori", root)])
    key = arrive(desk, 5102, "Dai @fiori.bsky.social, un furgone per il nostro Matteo!",
                 author="elena", root_uri=root.uri, intent="request", intent_confidence=0.9)
    sign_in(page, base, "aldo")
    page.goto(f"{base}/queue/{key}")
    started = page.locator("#conversation-root")
    assert "@matteo.bsky.social" in started.inner_text()
    assert "mi prestate un furgone?" in started.inner_text()


def test_pages_load_with_their_favicon_and_nothing_fails_in_the_console(base: str,
                                                                       page: Any) -> None:
    errors: list[str] = []
    failed: list[tuple[int, str]] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    sign_in(page, base, "ada")
    for path in ("/queue", "/moments", "/brands"):
        page.goto(base + path)
        icon = page.evaluate("""async () => {
            const link = document.querySelector('link[rel=icon]');
            const img = new Image(); img.src = link.href; await img.decode();
            return [link.getAttribute('href'), img.naturalWidth > 0];
        }""")
        assert icon == ["/static/favicon.svg", True]
    assert page.goto(base + "/favicon.ico").url == base + "/static/favicon.svg"
    assert failed == [] and errors == []


def test_an_italian_reader_sees_a_live_opportunity_card_in_italian(desk: Desk, base: str,
                                                                   browser: Any) -> None:
    """The team works in English; a reader whose browser asks for Italian gets the card the
    stream sends in Italian: its reasons and its realness chip."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="it-IT")
    try:
        page = context.new_page()
        sign_in(page, base, "vera")
        page.wait_for_selector("#live-dot.on")
        arrive(desk, 5301, "@fiori.bsky.social mi regalate un mazzo di rose per la festa?",
               author="lucia", intent="request", intent_confidence=0.9)
        row = page.locator("#feed > li", has_text="mazzo di rose").first
        row.locator(".reasons").wait_for()
        reasons = row.locator(".reasons").inner_text()
        assert "chiede qualcosa al brand" in reasons and "asks the brand" not in reasons
        assert row.locator(".chip.genuine").inner_text() == "genuino"  # the realness chip
    finally:
        context.close()
