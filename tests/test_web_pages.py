"""Every page renders, every page has a JSON twin with the same facts, every route is in the
OpenAPI document, and every response carries the security headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.routing import Mount, Route

from reale.events import Mention
from reale.web.i18n import STRINGS
from tests.web_helpers import T0, Desk, TestClient, build_desk, client_for, post

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "reale" / "web" / "templates"


@pytest.fixture(scope="module")
def desk() -> Desk:
    return build_desk()


@pytest.fixture
def viewer(desk: Desk) -> Iterator[TestClient]:
    for client, _ in client_for(desk, "vera"):
        yield client


def pages(desk: Desk) -> list[str]:
    k = desk.keys
    return ["/live", "/queue", f"/queue/{k['car']}", f"/case/{k['car']}", "/brands",
            "/brands/Fiori", "/moments", "/settings", "/reports", "/alerts"]


def test_every_page_and_its_json_twin_answer_a_viewer(desk: Desk, viewer: TestClient) -> None:
    for path in pages(desk):
        html = viewer.get(path)
        assert html.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html")
        assert "<nav" in html.text and "vera" in html.text
        twin = viewer.get(path + ".json" if "?" not in path else path)
        assert twin.status_code == 200, path
        assert twin.headers["content-type"] == "application/json"
        assert isinstance(twin.json(), dict)


def test_the_twins_say_what_the_pages_show(desk: Desk, viewer: TestClient) -> None:
    queue = viewer.get("/queue.json").json()["items"]
    assert [o["author"] for o in queue] == ["marco.bsky.social", "influencer.bsky.social",
                                            "giulia.bsky.social"]
    assert queue[0]["overdue"] and queue[0]["kind"] == "complaint"
    car = next(o for o in queue if o["key"] == desk.keys["car"])
    assert car["verdict"] == "transactional" and car["reach"]["tier"] == "mega"
    page = viewer.get("/queue").text
    for o in queue:
        assert f'data-key="{o["key"]}"' in page
    live = viewer.get("/live.json").json()["items"]
    assert live[0]["at"] >= live[-1]["at"]
    brand = viewer.get("/brands/Fiori.json?period=week").json()
    assert brand["total"] == sum(n for _, n in brand["volume"])
    assert set(brand["share_of_voice"]) == {"Fiori", "Petali"}
    assert brand["total"] == brand["share_of_voice"]["Fiori"]
    moments = viewer.get("/moments.json").json()["items"]
    assert {m["verdict"] for m in moments} == {"safe", "avoid", ""}


def test_filters_narrow_the_live_page(viewer: TestClient) -> None:
    every = viewer.get("/live.json").json()["items"]
    auto = viewer.get("/live.json?brand=Auto").json()["items"]
    assert auto and {i["brand"] for i in auto} == {"Auto"} and len(auto) <= len(every)
    negative = viewer.get("/live.json?sentiment=negative").json()["items"]
    assert negative and {i["sentiment"] for i in negative} == {"negative"}
    complaints = viewer.get("/live.json?kind=complaint").json()["items"]
    assert all(i["intent"] == "complaint" or (i["opportunity"] or {}).get("kind") == "complaint"
               for i in complaints)
    unknown = viewer.get("/live.json?brand=<script>")  # never "no filter": see test_web_brand_filter
    assert unknown.status_code == 404 and unknown.json()["error"].startswith("no brand named")


def test_unknown_things_are_404_not_500(viewer: TestClient) -> None:
    for path in ("/queue/nope", "/case/nope.json", "/brands/Nobody", "/case/x/export.pdf"):
        r = viewer.get(path)
        assert r.status_code == 404, path
    assert viewer.get("/queue/nope.json").json()["error"].startswith("no opportunity")


def test_anonymous_visitors_are_sent_to_log_in(desk: Desk) -> None:
    with TestClient(desk.app) as anon:
        r = anon.get("/queue?brand=Fiori", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fqueue%3Fbrand%3DFiori"
        assert anon.get("/queue.json").status_code == 401
        assert anon.get("/live/stream").status_code == 401
        assert anon.get("/login").status_code == 200
        assert anon.get("/openapi.json").status_code == 200


def test_every_route_is_in_the_openapi_document(desk: Desk) -> None:
    doc = TestClient(desk.app).get("/openapi.json").json()
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    for route in desk.app.routes:
        if isinstance(route, Mount):
            assert "/static/{path}" in doc["paths"]
            continue
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method == "HEAD":
                continue
            assert (route.path, method.lower()) in documented, (route.path, method)
    for path, item in doc["paths"].items():
        for op in item.values():
            assert op["summary"] and op["x-reale-role"], path


def test_every_response_carries_the_security_headers(desk: Desk, viewer: TestClient) -> None:
    for path in ("/live", "/queue.json", "/login", "/static/app.css", "/nope"):
        h = viewer.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"


def test_pages_load_no_inline_script_or_style(desk: Desk, viewer: TestClient) -> None:
    for path in pages(desk):
        html = viewer.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son\w+=", html), path  # no inline event handlers
        assert " style=" not in html, path


def test_every_interface_string_used_by_the_templates_exists_in_both_languages() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(\s*["']([a-z_]+\.[a-z_]+)["']""", template.read_text()))
    assert used, "no strings found"
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing
    assert all(en and it for en, it in STRINGS.values())


def test_the_brand_page_counts_mentions_by_post_time_and_says_so(desk: Desk,
                                                                viewer: TestClient) -> None:
    brand = viewer.get("/brands/Fiori.json?period=week").json()
    direct = desk.store.query("SELECT COUNT(*) FROM mentions WHERE brand = ? AND post_at >= ?"
                              " AND post_at < ?", ("Fiori", brand["since"], brand["until"]))
    assert brand["total"] == int(direct[0][0]) > 0
    for path in ("/brands/Fiori", "/brands"):
        assert "counted by the time of their post" in viewer.get(path).text
        it = viewer.get(path, headers={"Accept-Language": "it-IT,it;q=0.9"}).text
        assert "Menzioni contate dall" in it


def test_a_replayed_day_reads_the_same_on_reports_and_on_the_brand_page() -> None:
    fresh = build_desk()
    for client, _ in client_for(fresh, "vera"):
        client.get("/brands/Fiori.json?period=month")  # the rollups are built up to now
        day = (int(T0 // 86_400) - 10) * 86_400.0  # ten days ago, before the seeded week
        old = [post(9000 + i, "fiori in ritardo", at=day + i * 3000, author=f"old{i}")
               for i in range(12)]
        fresh.store.write_mentions([Mention(brand="Fiori", query="fiori", post=p,
                                            matched_at=fresh.clock.now()) for p in old])
        for later in (60.0, 3 * 3600.0):  # still raw, then in the rollup
            fresh.clock.advance(later)
            brand = client.get("/brands/Fiori.json?period=month").json()
            by_day = {int(start): n for start, n in brand["volume"]}
            iso = datetime.fromtimestamp(day, UTC).date().isoformat()
            reports = client.get(f"/reports.json?from={iso}&to={iso}&brand=Fiori").json()
            assert by_day[int(day)] == reports["counts"]["mentions"] == 12
            first = datetime.fromtimestamp(brand["since"], UTC).date().isoformat()
            last = datetime.fromtimestamp(brand["until"] - 1, UTC).date().isoformat()
            month = client.get(f"/reports.json?from={first}&to={last}&brand=Fiori").json()
            assert brand["total"] == brand["share_of_voice"]["Fiori"] == \
                month["counts"]["mentions"]


def test_the_interface_speaks_italian_when_asked(desk: Desk) -> None:
    for client, _ in client_for(desk, "vera"):
        en = client.get("/queue").text
        assert "Queue" in en and "Coda" not in en
        it = client.get("/queue", headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"}).text
        assert "<h1>Coda</h1>" in it
        csrf = client.get("/me.json").json()["csrf"]
        client.post("/me/language", data={"lang": "it", "csrf": csrf})
        assert "<h1>Coda</h1>" in client.get("/queue", headers={"Accept-Language": "en"}).text
        client.post("/me/language", data={"lang": "en", "csrf": csrf})


def test_a_brand_known_only_from_the_store_scopes_the_moments_page(desk: Desk) -> None:
    # `reale serve --store …` without a config: the brands come from what the store holds
    from dataclasses import replace

    from reale.web import create_app
    from tests.web_helpers import FAST

    bare = replace(desk, app=create_app(desk.store, workflow=desk.workflow, hub=desk.hub,
                                        brands=(), clock=desk.clock, settings=FAST))
    for client, _ in client_for(bare, "vera"):
        fiori = client.get("/moments.json?scope=Fiori").json()
        assert fiori["scope"] == "Fiori"
        assert {m["term"] for m in fiori["items"]} == {"festa della mamma"}
        nobody = client.get("/moments.json?scope=Nobody")  # in neither the config nor the store
        assert nobody.status_code == 404 and nobody.json()["error"].startswith("no brand named")


def test_unknown_urls_get_the_desks_own_404_page(desk: Desk, viewer: TestClient) -> None:
    page = viewer.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<nav" in page.text and "there is no page at /no-such-page" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for path in ("/no-such-page.json", "/api/v9/nothing", "/static/nothing.css.json"):
        twin = viewer.get(path)
        assert twin.status_code == 404, path
        assert twin.json() == {"error": f"there is no page at {path}", "status": 404}
        assert twin.headers["x-content-type-options"] == "nosniff"
    with TestClient(desk.app) as anon:
        stranger = anon.get("/wp-admin/", headers={"accept": "text/html"})
        assert stranger.status_code == 404 and "there is no page at /wp-admin/" in stranger.text
        assert stranger.headers["content-type"].startswith("text/html")
    wrong_method = viewer.delete("/live.json")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["allow"]
    assert wrong_method.json()["error"] == "DELETE is not allowed on /live.json"


def test_a_moment_says_how_many_times_its_usual_rate_once(desk: Desk) -> None:
    """"42× its usual rate", rates rounded for reading (not "×42 × its usual rate")."""
    for client, _ in client_for(desk, "vera"):
        page = client.get("/moments").text
        assert "<b>42×</b> its usual rate" in page and "× its usual rate" not in page.replace(
            "<b>42×</b> its usual rate", "")
        assert "0.5 → 21/min" in page
