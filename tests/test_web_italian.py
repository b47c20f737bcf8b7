"""The desk's own words in Italian where the page writes them: dates, numbers and spans of time
the Italian way, and a moment's safety reasons (written in English by the safety read) said in
Italian; a reason the desk has no Italian for is marked as English, not passed off as Italian."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reale.signals.moment_scope import Example, MomentAlert
from reale.signals.safety import safety_read
from reale.web.data import save_moment
from reale.web.desk_words import desk_said
from reale.web.error_words import ERRORS
from reale.web.i18n import STRINGS
from reale.web.render import ago_at, day, duration, num, pct, when
from reale.web.safety_words import safety_reason
from tests.web_helpers import T0, build_desk, client_for

ENGLISH_WORDS = re.compile(r"\b(the|its|of|are|posts|words|some|mood|talk|no)\b")


def test_dates_numbers_and_spans_read_the_italian_way() -> None:
    assert when(T0, "it") == "28/05/2026 20:26 UTC" and when(T0) == "2026-05-28 20:26 UTC"
    assert day(T0, "it") == "28/05/2026" and day(T0) == "2026-05-28"
    assert num(2_000_000, "it") == "2.000.000" and num(2_000_000) == "2,000,000"
    assert num(1234.5, "it") == "1.234,5" and num(1234.5) == "1,234.5"
    assert pct(0.125, 1, "it") == "12,5%" and pct(0.125, 1) == "12.5%"
    assert duration(7560, "it") == "2,1 h" and duration(7560) == "2.1 h"
    assert duration(3 * 86_400, "it") == "3,0 g" and duration(3 * 86_400) == "3.0 d"


def real_reasons() -> list[str]:
    """What the safety read writes for a disaster, a divisive topic and a harmless joke."""
    reads = (safety_read(["#terremoto", "vittime"], ["terremoto, ci sono vittime e morti",
                                                     "paura, crollo, morti e feriti",
                                                     "che paura stanotte", "vittime sotto le macerie"]),
             safety_read(["elezioni"], ["elezioni: vergogna governo ladri", "odio questo governo",
                                        "che schifo di partito"]),
             safety_read(["#blackout"], ["stadio al buio", "che ridere il blackout"]))
    return [r for read in reads for r in read.reasons]


def test_every_reason_the_safety_read_writes_is_said_in_italian() -> None:
    reasons = real_reasons()
    assert len(reasons) >= 6
    for reason in reasons:
        italian, lang = safety_reason(reason, "it")
        assert lang == "it", reason
        assert not ENGLISH_WORDS.search(italian), italian
    assert safety_reason(reasons[0], "en") == (reasons[0], "en")
    said = safety_reason("50% of its posts are fearful or angry", "it")
    assert said == ("il 50% dei suoi post esprime paura o rabbia", "it")
    crisis = safety_reason("its posts read as talk of a disaster, an attack or a deadly accident "
                           "(crisis model: 0.81 on average)", "it")[0]
    assert crisis.endswith("(modello delle crisi: 0,81 in media)")  # the Italian decimal comma


def test_the_moments_page_says_the_reasons_in_italian_and_marks_the_rest_english() -> None:
    desk = build_desk()
    terms = ["#alluvione", "vittime"]
    texts = ["alluvione, ci sono vittime", "paura, crollo, morti e feriti", "vittime nel fango"]
    read = safety_read(terms, texts)
    save_moment(desk.store, MomentAlert(
        scope="*", term="#alluvione", at=desk.clock.now() - 60, count=30, window_seconds=120,
        baseline_per_min=0.2, current_per_min=15.0, ratio=75.0, log10_p=-20.0,
        examples=(Example("at://did:plc:q/app.bsky.feed.post/5", texts[0]),),
        cooccurring=("fango",), safety=read))
    for rita, csrf in client_for(desk, "rita"):
        assert rita.post("/me/language", data={"csrf": csrf, "lang": "it"},
                         headers={"accept": "application/json"}).status_code == 200
        page = rita.get("/moments?period=month").text
    assert read.reasons and all(r not in page for r in read.reasons)
    assert safety_reason(read.reasons[0], "it")[0].replace("'", "&#39;") in page
    # the seeded moment's reason is no sentence the safety read writes: shown, marked English
    assert '<li lang="en">tragic terms: vittime</li>' in page


def test_the_case_pdf_reads_in_the_readers_language() -> None:
    desk = build_desk()
    key = desk.keys["late"]  # one reply to it
    for rita, csrf in client_for(desk, "rita"):
        english = rita.get(f"/case/{key}/export.pdf").content
        assert rita.post("/me/language", data={"csrf": csrf, "lang": "it"},
                         headers={"accept": "application/json"}).status_code == 200
        italian = rita.get(f"/case/{key}/export.pdf").content
    assert b"(Case history) Tj" in english and b"1 reply" in english and b"2026-05-28" in english
    assert b"(Storia del caso) Tj" in italian and b"28/05/2026" in italian
    assert b"1 risposta" in italian and b"punteggio" in italian and b"\\(autore\\)" in italian
    for leftover in (b"2026-05-28", b"replies", b"score", b"priority", b"\\(author\\)", b"posted"):
        assert leftover not in italian, leftover


def test_the_case_pdf_gives_the_priority_as_the_number_it_is_the_readers_way() -> None:
    desk = build_desk()
    key = desk.keys["late"]
    for rita, csrf in client_for(desk, "rita"):
        priority = rita.get(f"/case/{key}.json").json()["opportunity"]["priority"]
        english = rita.get(f"/case/{key}/export.pdf").content
        assert rita.post("/me/language", data={"csrf": csrf, "lang": "it"},
                         headers={"accept": "application/json"}).status_code == 200
        italian = rita.get(f"/case/{key}/export.pdf").content
    assert priority > 1  # an old opportunity: score × (1 + age / target) is past 1
    assert f"priority {priority:.2f})".encode() in english
    assert f" {priority:.2f})".replace(".", ",").encode() in italian
    assert not re.search(rb"priorit\S* \d+/100", english + italian)


def test_a_channels_english_error_is_marked_english_on_the_italian_alerts_page() -> None:
    from tests.test_web_flow import _dead_delivery

    desk = build_desk()
    _dead_delivery(desk)
    for ada, csrf in client_for(desk, "ada"):
        english = ada.get("/alerts").text
        assert ada.post("/me/language", data={"csrf": csrf, "lang": "it"},
                        headers={"accept": "application/json"}).status_code == 200
        italian = ada.get("/alerts").text
    assert "Ultimo errore: <span lang=\"en\">channel ops: HTTP 410 Gone</span>" in italian
    assert "Last error: <span>channel ops: HTTP 410 Gone</span>" in english


def _italian(client: Any, csrf: str) -> None:
    assert client.post("/me/language", data={"csrf": csrf, "lang": "it"},
                       headers={"accept": "application/json"}).status_code == 200


def test_an_error_page_reads_in_the_viewers_language() -> None:
    desk = build_desk()
    for vera, csrf in client_for(desk, "vera"):
        english = vera.get("/queue/no-such-id")
        _italian(vera, csrf)
        italian = vera.get("/queue/no-such-id")
        unknown = vera.get("/nowhere")
        refused = vera.post(f"/queue/{desk.keys['late']}/dismiss", headers={"accept": "text/html"},
                            data={"csrf": csrf, "reason": "irrelevant"})  # a viewer may not
    assert english.status_code == italian.status_code == 404
    assert "<p>no opportunity with key &#39;no-such-id&#39;</p>" in english.text
    assert "<p>nessuna opportunità con chiave &#39;no-such-id&#39;</p>" in italian.text
    assert unknown.status_code == 404
    assert "<p>non c&#39;è nessuna pagina all&#39;indirizzo /nowhere</p>" in unknown.text
    assert refused.status_code == 403 and "<p>serve il ruolo redattore o superiore</p>" in refused.text
    for page in (italian.text, unknown.text, refused.text):
        assert 'lang="en"' not in page.split("<main")[1].split("</main>")[0]  # none left English


def test_a_refusal_in_json_says_its_error_in_the_language_asked_and_keeps_its_status() -> None:
    desk = build_desk()
    key = desk.keys["late"]
    for aldo, csrf in client_for(desk, "aldo"):
        aldo.post(f"/queue/{key}/compose", headers={"accept": "application/json"}, data={
            "csrf": csrf, "action": "send", "text": "Marco, ci dispiace: ti scriviamo ora."})
    for rita, csrf in client_for(desk, "rita"):
        _italian(rita, csrf)
        stale = rita.post(f"/queue/{key}/dismiss", headers={"accept": "application/json"},
                          data={"csrf": csrf, "reason": "irrelevant"})
        missing = rita.get("/queue/no-such-id.json")
        long_query = rita.get("/queue?q=" + "x" * 9_000)
    assert stale.status_code == 409
    assert stale.json() == {"error": "questa opportunità è già stata chiusa da aldo (gestita); "
                                     "ricarica la pagina per vederla", "status": 409}
    assert missing.json() == {"error": "nessuna opportunità con chiave 'no-such-id'",
                              "status": 404}
    assert long_query.status_code == 414
    assert "la query string è lunga 9.002 byte; il desk ne legge al massimo 8.192" in long_query.text
    for anonymous, _ in client_for(desk):
        said = {lang: anonymous.get("/queue.json", headers={"accept": "application/json",
                                                        "accept-language": lang}).json()
                for lang in ("it", "en")}
    assert said["it"]["error"] == "prima accedi (POST /login)"
    assert said["en"]["error"] == "log in first (POST /login)"


def test_every_refusal_has_its_words_in_both_languages() -> None:
    """Each refusal is written in both languages, with the same values in each."""
    for key, (english, italian) in ERRORS.items():
        assert english and italian, key
        assert english != italian or key == "err.nul_where", key
        names = re.compile(r"\{(\w+)\}")
        assert sorted(names.findall(english)) == sorted(names.findall(italian)), key


TIME = re.compile(r'<time datetime="(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):\d\dZ" title="([^"]+)">'
                  r'([^<]+)<span class="visually-hidden"> \(([^)]+)\)</span></time>')


def test_a_relative_time_carries_its_absolute_moment_for_keyboard_and_screen_readers() -> None:
    assert ago_at(T0 - 1200, T0, "it") == (
        '<time datetime="2026-05-28T20:06:40Z" title="28/05/2026 20:06 UTC">20 min fa'
        '<span class="visually-hidden"> (28/05/2026 20:06 UTC)</span></time>')
    desk = build_desk()
    for rita, csrf in client_for(desk, "rita"):
        english = rita.get("/queue").text
        _italian(rita, csrf)
        italian = {path: rita.get(path).text for path in ("/queue", f"/queue/{desk.keys['late']}",
                                                          "/live")}
    y, m, d, hh, mm, title, ago, hidden = TIME.findall(english)[0]
    assert (title, hidden) == (f"{y}-{m}-{d} {hh}:{mm} UTC",) * 2 and ago.endswith(" ago")
    for path, page in italian.items():
        stamps = TIME.findall(page)
        assert stamps, path
        for y, m, d, hh, mm, title, ago, hidden in stamps:
            assert (title, hidden) == (f"{d}/{m}/{y} {hh}:{mm} UTC",) * 2 and ago.endswith(" fa")
        assert not re.search(r'title="[^"]*UTC"(?!>[^<]*<span class="visually-hidden">)', page)


def test_reach_tiers_stay_trade_words_and_an_unknown_reach_is_said_in_italian() -> None:
    from reale.signals.reach import tier
    from reale.web.data import save_opportunity
    from tests.web_helpers import mention, opportunity_of, post

    tiers = {tier(n) for n in (None, 5, 50_000, 500_000, 5_000_000)}
    assert all(f"tier.{name}" in STRINGS for name in tiers)
    assert {STRINGS[f"tier.{n}"][1] for n in tiers} == {"nano", "micro", "macro", "mega",
                                                          "sconosciuta"}
    desk = build_desk()
    p = post(901, "@fiori.bsky.social il mio ordine non è mai arrivato", at=desk.clock.now() - 30)
    desk.store.write_mentions([mention("Fiori", p)])
    key = save_opportunity(desk.store, opportunity_of("Fiori", p, complaint=0.9,
                                                      reach_tier="unknown")).key
    for rita, csrf in client_for(desk, "rita"):
        english = rita.get(f"/queue/{key}").text
        _italian(rita, csrf)
        italian = rita.get(f"/queue/{key}").text
    assert re.search(r"<dd>unknown · 120 follower", english)
    assert re.search(r"<dd>sconosciuta · 120 follower", italian)
    # every word the Italian desk keeps from English (or the trade) is listed in docs/web.md
    docs = (Path(__file__).parents[1] / "docs" / "web.md").read_text()
    trade = docs.split("### Trade words")[1].split("\n## ")[0]
    for en, it in STRINGS.values():
        if en == it and en not in ("no", "reale.toml"):
            assert f"`{it}`" in trade, it


def test_a_failure_nothing_foresaw_is_the_desks_own_500_page_in_the_viewers_language() -> None:
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def broken(request: object) -> None:  # a handler with a bug the desk did not foresee
        raise RuntimeError("a bug")

    desk = build_desk()
    desk.app.router.routes.append(Route("/broken", broken))
    with TestClient(desk.app, base_url="http://127.0.0.1:8765",
                    raise_server_exceptions=False) as client:
        said = {lang: client.get("/broken", headers={"accept-language": lang})
                for lang in ("it", "en")}
        asked = client.get("/broken", headers={"accept-language": "it",
                                               "accept": "application/json"})
    assert said["it"].status_code == said["en"].status_code == 500
    assert '<html lang="it">' in said["it"].text and "Qualcosa è andato storto" in said["it"].text
    assert "<p>il desk non è riuscito a rispondere a questa richiesta; l&#39;errore è nel log " \
           "del server</p>" in said["it"].text
    assert "<p>the desk failed on this request; the error is in the server&#39;s log</p>" \
           in said["en"].text
    assert asked.status_code == 500 and asked.json()["status"] == 500
    assert asked.json()["error"].startswith("il desk non è riuscito")


def test_the_workflows_refusals_are_said_in_italian_and_the_rest_left_english() -> None:
    assert desk_said("cannot approve reply r-1: it is draft (only a reply that is submitted "
                     "can be)", "it") == ("non si può approvare la risposta r-1: è bozza (si può "
                                          "solo se è in attesa di approvazione)", "it")
    assert desk_said("'vera' is a viewer: only a responder or above can submit", "it") == (
        "'vera' è osservatore: solo un redattore o superiore può inviare per approvazione", "it")
    assert desk_said("cannot approve reply r-1: it is draft (only a reply that is submitted "
                     "can be)", "en")[1] == "en"
    assert desk_said("LLM endpoint http://x failed: Timeout", "it")[1] == "en"
    desk = build_desk()
    key = desk.keys["late"]
    for aldo, csrf in client_for(desk, "aldo"):
        _italian(aldo, csrf)
        draft = aldo.post(f"/queue/{key}/compose", headers={"accept": "application/json"},
                          data={"csrf": csrf, "action": "save", "text": "Ci dispiace, Marco."})
        reply_id = draft.json()["reply"]
        refused = aldo.post(f"/replies/{reply_id}/approve", headers={"accept": "text/html"},
                            data={"csrf": csrf})
    assert refused.status_code == 409, refused.text
    assert f"<p>non si può approvare la risposta {reply_id}: è bozza" in refused.text


def test_the_reports_page_says_what_each_files_column_holds_in_the_readers_language() -> None:
    """A report file's column names stay as written (the tools that read them rely on them);
    the Reports page says what each holds in Italian, and only the names are marked English."""
    desk = build_desk()
    for rita, csrf in client_for(desk, "rita"):
        english = rita.get("/reports").text
        header = rita.get("/reports/opportunities.csv?period=month").text.splitlines()[0]
        assert rita.post("/me/language", data={"csrf": csrf, "lang": "it"},
                         headers={"accept": "application/json"}).status_code == 200
        italian = rita.get("/reports").text
        header_it = rita.get("/reports/opportunities.csv?period=month").text.splitlines()[0]
    main = italian.split("<main")[1].split("</main>")[0]
    assert '<li><code class="chip" lang="en">reasons</code> perché il desk l&#39;ha segnalata</li>' \
        in main
    assert '<li><code class="chip" lang="en">matched_at</code> quando Reale l&#39;ha ' \
        'riconosciuto</li>' in main
    marked = re.findall(r'<(\w+)[^>]* lang="en"[^>]*>([^<]*)<', main)
    assert marked and all(tag == "code" for tag, _ in marked), marked
    assert '<li><code class="chip">reasons</code> why the desk flagged it</li>' in english
    assert header == header_it == ("created_at,brand,kind,score,status,verdict,author,lang,text,"
                                   "reasons,post_uri,decided_by,decided_at,key")
