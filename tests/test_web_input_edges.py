"""What people type at the edge of the desk: a NUL character, which PostgreSQL cannot store, is
refused with a clear 400 wherever the desk would keep the text (a reply, a comment, a dismissal,
a watch-query, an alert rule's name); a reply over the desk's limit is the client's mistake
(400), not a conflict; and every page has a favicon."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reale.desk.approval import MAX_TEXT
from tests.test_web_rules import alerts_config
from tests.web_helpers import Desk, build_desk, client_for

JSON = {"Accept": "application/json"}
NUL = "the request holds a NUL character (\\x00)"


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Desk]:
    url = (f"sqlite:///{tmp_path / 'desk.sqlite'}" if request.param == "sqlite"
           else str(request.getfixturevalue("fresh_postgres_url")))
    d = build_desk(url, alerts=alerts_config())
    try:
        yield d
    finally:
        d.store.close()


def _replies(desk: Desk) -> int:
    return int(desk.store.query("SELECT COUNT(*) FROM desk_replies")[0][0])


def test_a_nul_in_a_reply_is_refused_with_a_clear_400_and_nothing_is_stored(desk: Desk) -> None:
    key = desk.keys["late"]
    before = _replies(desk)
    for rita, csrf in client_for(desk, "rita"):
        form = rita.post(f"/queue/{key}/compose", headers=JSON,
                         data={"csrf": csrf, "text": "Ci pensiamo noi\x00, Marco.",
                               "action": "save"})
        assert form.status_code == 400 and NUL in form.json()["error"]
        assert "«text»" in form.json()["error"]
        body = rita.post(f"/queue/{key}/compose", headers={"X-CSRF-Token": csrf, **JSON},
                         json={"text": "Ci pensiamo noi\u0000", "action": "submit"})
        assert body.status_code == 400 and NUL in body.json()["error"]
        nested = rita.post(f"/queue/{key}/compose", headers={"X-CSRF-Token": csrf, **JSON},
                           json={"text": "ok", "action": "save", "extra": ["a\u0000"]})
        assert nested.status_code == 400 and NUL in nested.json()["error"]
        page = rita.post(f"/queue/{key}/compose", data={"csrf": csrf, "text": "a\x00b"},
                         headers={"accept": "text/html"})
        assert page.status_code == 400 and "NUL" in page.text
        # the desk still works: the same reply without the NUL is saved
        ok = rita.post(f"/queue/{key}/compose", headers=JSON,
                       data={"csrf": csrf, "text": "Ci pensiamo noi, Marco.", "action": "save"})
        assert ok.status_code == 200, ok.text
    assert _replies(desk) == before + 1


def test_a_nul_is_refused_in_every_text_the_desk_keeps(desk: Desk) -> None:
    key = desk.keys["car"]
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "text": "Ciao!", "action": "submit"})
        reply = r.json()["reply"]
        dismiss = rita.post(f"/queue/{key}/dismiss", headers=JSON,
                            data={"csrf": csrf, "reason": "not_worth", "comment": "no\x00"})
        assert dismiss.status_code == 400 and NUL in dismiss.json()["error"]
    for aldo, csrf in client_for(desk, "aldo"):
        back = aldo.post(f"/replies/{reply}/send-back", headers=JSON,
                         data={"csrf": csrf, "comment": "più caldo\x00"})
        assert back.status_code == 400 and NUL in back.json()["error"]
        assert aldo.get(f"/case/{key}.json").status_code == 200
    for ada, csrf in client_for(desk, "ada"):
        query = ada.post("/settings/queries", headers=JSON,
                         data={"csrf": csrf, "brand": "Fiori", "query": '"fiori\x00"'})
        assert query.status_code == 400 and NUL in query.json()["error"]
        preview = ada.post("/settings/preview", headers={"X-CSRF-Token": csrf, **JSON},
                           json={"query": "fiori\u0000", "brand": "Fiori"})
        assert preview.status_code == 400 and NUL in preview.json()["error"]
        rule = ada.post("/alerts/rules", headers=JSON,
                        data={"csrf": csrf, "name": "notte\x00", "channels": "hook"})
        assert rule.status_code == 400 and NUL in rule.json()["error"]
        user = ada.post("/settings/users", headers=JSON,
                        data={"csrf": csrf, "name": "nina\x00", "password": "x" * 12,
                              "role": "viewer"})
        assert user.status_code == 400 and NUL in user.json()["error"]
        # in a path or a query string: refused too, never a store error (503)
        for path in ("/queue/a%00b.json", "/case/a%00b.json", "/queue.json?brand=Fiori%00"):
            got = ada.get(path)
            assert got.status_code == 400 and NUL in got.json()["error"], (path, got.text)
        assert "notte" not in str(ada.get("/alerts/rules.json").json())
        assert ada.get("/settings.json").json()["brands"][0]["added"] == []


def test_a_reply_over_the_desks_limit_is_a_400_not_a_conflict(desk: Desk) -> None:
    key = desk.keys["late"]
    for rita, csrf in client_for(desk, "rita"):
        long = "x" * (MAX_TEXT + 1)
        r = rita.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "text": long, "action": "save"})
        assert r.status_code == 400
        assert r.json()["error"] == (f"a reply of {MAX_TEXT + 1} characters is too long "
                                     f"(at most {MAX_TEXT})")
        saved = rita.post(f"/queue/{key}/compose", headers=JSON,
                          data={"csrf": csrf, "text": "Ciao", "action": "save"}).json()
        edit = rita.post(f"/queue/{key}/compose", headers=JSON,
                         data={"csrf": csrf, "text": long, "action": "save",
                               "reply_id": saved["reply"]})
        assert edit.status_code == 400 and "too long" in edit.json()["error"]


def test_every_page_links_a_favicon_the_desk_serves(desk: Desk) -> None:
    for vera, _ in client_for(desk, "vera"):
        for path in ("/queue", "/live", "/login"):
            assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in \
                vera.get(path).text
        icon = vera.get("/static/favicon.svg")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.text.lstrip().startswith("<svg") and "<script" not in icon.text
        legacy = vera.get("/favicon.ico", follow_redirects=False)  # what browsers ask for unasked
        assert legacy.status_code in (301, 302, 307, 308)
        assert legacy.headers["location"] == "/static/favicon.svg"


def test_an_opportunitys_reasons_read_in_the_viewers_language(desk: Desk) -> None:
    """The desk scored the car request in the team's language (English); Rita reads the desk in
    Italian and sees its reasons in Italian, numbers included. A row stored before the reasons
    were kept without words shows them as they were stored."""
    import msgspec

    from reale.web.data import save_opportunity
    from tests.web_helpers import opportunity_of, post

    key = desk.keys["car"]
    old = post(9, "@auto.bsky.social mi prestate una Nova?", at=desk.clock.now() - 60,
               author="vecchio", followers=50_000)
    legacy = msgspec.structs.replace(opportunity_of("Auto", old, intent="request",
                                                    intent_confidence=0.9),
                                     reason_codes=(), realness_in={})
    old_key = save_opportunity(desk.store, legacy, network="bluesky").key
    for rita, csrf in client_for(desk, "rita"):
        first = rita.get(f"/queue/{key}.json").json()["opportunity"]
        english = first["reasons"]
        assert any(r.startswith("solicited") for r in first["realness"]["reasons"])
        assert english[:2] == ["asks the brand for something",
                               "author in the top 1.0% of this brand's mentioners"]
        assert rita.post("/me/language", headers=JSON,
                         data={"csrf": csrf, "lang": "it"}).status_code == 200
        seen = rita.get(f"/queue/{key}.json").json()["opportunity"]
        italian = seen["reasons"]
        assert any(r.startswith("sollecitato: l'autore l'ha chiesto al brand")  # the pre-read too
                   for r in seen["realness"]["reasons"])
        assert seen["realness"]["verdict"] == first["realness"]["verdict"]
        assert "sollecitato" in rita.get(f"/queue/{key}").text
        assert italian[:2] == ["chiede qualcosa al brand",
                               "autore nel 1,0% più seguito di chi cita il brand"]
        assert "si rivolge direttamente a @auto.bsky.social" in italian
        assert any(r.startswith("darlo in pubblico sembrerebbe transazionale (rischio ")
                   for r in italian), italian
        assert len(italian) == len(english)
        assert "chiede qualcosa al brand" in rita.get("/queue").text
        queued = {o["key"]: o for o in rita.get("/queue.json").json()["items"]}
        assert queued[key]["reasons"] == italian
        assert queued[old_key]["reasons"] == list(legacy.reasons)  # as stored: English
        legacy_page = rita.get(f"/queue/{old_key}.json").json()["opportunity"]
        assert any(r.startswith("solicited") for r in legacy_page["realness"]["reasons"])
        assert rita.get(f"/case/{key}.json").json()["opportunity"]["reasons"] == italian
