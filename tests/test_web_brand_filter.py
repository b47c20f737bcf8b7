"""A brand filter names a brand the desk knows, or it is refused: ``?brand=Nope`` is a 404 with a
JSON ``{"error": …}`` on API paths and a visible notice (no rows of other brands) on HTML pages,
never a silent "no filter". Checked on a real server (uvicorn on 127.0.0.1), over every route of
the table that takes a brand filter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reale.web.serving import serving
from reale.web.table import SPECS
from tests.web_helpers import Desk, build_desk, login

BRAND_PARAMS = ("brand", "scope")  # the query parameters that filter on a brand


@pytest.fixture(scope="module")
def desk() -> Desk:
    return build_desk()


@pytest.fixture(scope="module")
def vera(desk: Desk) -> Iterator[httpx.Client]:
    with serving(desk.app) as base, httpx.Client(base_url=base, timeout=30) as client:
        login(client, "vera")  # type: ignore[arg-type]  # httpx.Client speaks the same API
        yield client


def filtered_routes() -> list[tuple[str, str]]:
    """(path, parameter) for every GET route (and its JSON twin) that takes a brand filter."""
    out = []
    for spec in SPECS:
        names = {p.name for p in spec.params if p.where == "query"}
        for name in BRAND_PARAMS:
            if "GET" in spec.methods and name in names:
                out.append((spec.path, name))
                if spec.twin:
                    out.append((spec.path + ".json", name))
    return out


def test_the_table_has_brand_filters_to_check() -> None:
    paths = {path for path, _ in filtered_routes()}
    assert {"/live", "/live.json", "/live/stream", "/queue.json", "/moments.json",
            "/reports.json", "/reports/mentions.csv", "/reports/opportunities.json"} <= paths


@pytest.mark.parametrize(("path", "param"), filtered_routes())
def test_an_unknown_brand_is_refused_on_every_route_that_filters(vera: httpx.Client, path: str,
                                                                 param: str) -> None:
    r = vera.get(path, params={param: "Nope"}, headers=_accept(path))
    assert r.status_code == 404, (path, r.status_code, r.text[:200])
    if _is_json(path):
        assert r.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = r.json()
        assert body["error"] == "no brand named 'Nope' (known brands: Fiori, Auto, Petali)"
        assert "items" not in body
    else:
        assert r.headers["content-type"].startswith("text/html")
        assert "no brand named &#39;Nope&#39;" in r.text
        assert "Fiori" not in r.text.split("no brand named")[0].split("</nav>")[-1]
        assert 'data-key="' not in r.text  # no opportunity rows, no mention rows


@pytest.mark.parametrize(("path", "param"), filtered_routes())
def test_a_known_brand_still_filters(vera: httpx.Client, path: str, param: str) -> None:
    if path == "/live/stream":
        return  # an endless stream: its refusal is above, its filtering in test_web_hub
    assert vera.get(path, params={param: "Fiori"}, headers=_accept(path)).status_code == 200


def test_an_empty_filter_is_no_filter(vera: httpx.Client) -> None:
    every = vera.get("/live.json").json()["items"]
    assert vera.get("/live.json?brand=").json()["items"] == every
    assert {i["brand"] for i in every} >= {"Fiori", "Auto"}


def test_hostile_brand_names_are_refused_and_shown_inert(vera: httpx.Client) -> None:
    r = vera.get("/live", params={"brand": "<script>alert(1)</script>"})
    assert r.status_code == 404
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def _is_json(path: str) -> bool:
    return path.endswith(".json")


def _accept(path: str) -> dict[str, str]:
    return {"Accept": "text/html"} if not _is_json(path) else {}
