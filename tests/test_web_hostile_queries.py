"""Hostile query strings on every GET route of the desk: invalid percent-encoded UTF-8, NUL, very
long values or query strings, repeated parameters and values of the wrong kind get a clear 4xx
(a JSON ``{"error": …}`` that says what was wrong), never a 500 or a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reale.web.routing import MAX_QUERY_BYTES
from reale.web.table import SPECS
from tests.web_helpers import Desk, TestClient, build_desk, client_for

JSON = {"accept": "application/json"}
GET_ROUTES = [s for s in SPECS if "GET" in s.methods]
NAMES = ("brand", "scope", "period", "kind", "lang", "sentiment", "state", "from", "to", "next",
         "done")


@pytest.fixture(scope="module")
def desk() -> Desk:
    return build_desk()


@pytest.fixture(scope="module")
def ada(desk: Desk) -> Iterator[TestClient]:
    for client, _ in client_for(desk, "ada"):
        yield client


def paths(desk: Desk) -> list[str]:
    out = []
    for spec in GET_ROUTES:
        path = (spec.path.replace("{key}", desk.keys["late"]).replace("{name}", "Fiori")
                .replace("{query_id}", "1"))
        out += [path, path + ".json"] if spec.twin else [path]
    return out


def test_invalid_utf8_in_the_query_string_is_a_clear_400_everywhere(desk: Desk,
                                                                     ada: TestClient) -> None:
    for path in paths(desk):
        for query in ("period=%ff", "%c3%28=1", "brand=Fiori&kind=%e2%82"):
            r = ada.get(f"{path}?{query}", headers=JSON)
            assert r.status_code == 400, (path, query, r.status_code)
            assert "not valid UTF-8" in r.json()["error"], (path, query)


def test_a_nul_or_an_overlong_query_string_is_refused_everywhere(desk: Desk,
                                                                 ada: TestClient) -> None:
    for path in paths(desk):
        r = ada.get(f"{path}?brand=%00", headers=JSON)
        assert r.status_code == 400 and "NUL" in r.json()["error"], path
        r = ada.get(f"{path}?next={'a' * MAX_QUERY_BYTES}", headers=JSON)
        assert r.status_code == 414 and "query string" in r.json()["error"], path


@pytest.mark.parametrize("name,value", [("period", "year"), ("kind", "bogus"), ("lang", "xx"),
                                        ("sentiment", "1e400"), ("state", "[]")])
def test_a_value_of_the_wrong_kind_is_a_400_that_names_the_choices(ada: TestClient, name: str,
                                                                   value: str) -> None:
    page = {"period": "/moments", "state": "/alerts"}.get(name, "/live")
    r = ada.get(f"{page}.json?{name}={value}", headers=JSON)
    assert r.status_code == 400, r.text
    assert name in r.json()["error"] and value not in ("", None)


def test_a_parameter_given_twice_with_different_values_is_a_400(ada: TestClient) -> None:
    for path in ("/live.json?brand=Fiori&brand=Auto", "/moments.json?period=day&period=month",
                 "/reports/mentions.csv?from=2026-05-01&from=2026-05-02", "/alerts.json?state=dead&state=all"):
        r = ada.get(path, headers=JSON)
        assert r.status_code == 400, path
        assert "given 2 times with different values" in r.json()["error"], path
    assert ada.get("/live.json?brand=Fiori&brand=Fiori", headers=JSON).status_code == 200


def test_no_hostile_query_is_ever_a_server_error(desk: Desk, ada: TestClient) -> None:
    for path in paths(desk):
        if path == "/live/stream":
            continue  # a stream that is accepted never ends: asked above with bad queries only
        for value in ("-1", "nan", "9" * 400, "%2e%2e%2f", "javascript:alert(1)"):
            r = ada.get(path, params=[(n, value) for n in NAMES], headers=JSON)
            assert r.status_code < 500, (path, value, r.text[:200])
        for name in NAMES:
            for value in ("1e400", "<script>alert(1)</script>", "a" * 5000):
                r = ada.get(path, params=[(name, value), (name, "week")], headers=JSON)  # twice
                assert r.status_code < 500, (path, name, value, r.text[:200])
