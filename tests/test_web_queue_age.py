"""Opportunities older than the queue's ``max_age`` leave the queue; the desk says so instead of
calling the queue clear while the navigation counts them, and ``[desk.targets] max_age`` from the
config applies to a desk served on its own (``reale serve``), not only to the runner's queue."""

from __future__ import annotations

import re

from reale.config import Config
from reale.desk.opportunity_rules import ResponseTargets
from reale.store import open_store
from reale.web.assemble import app_from_config
from tests.web_helpers import build_desk, client_for, login

DAY = 86_400.0


def nav_count(html: str) -> int:
    found = re.search(r'<span class="count" aria-hidden="true">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def test_old_open_opportunities_are_named_not_called_a_clear_queue() -> None:
    desk = build_desk()
    for client, _ in client_for(desk, "vera"):
        assert len(client.get("/queue.json").json()["items"]) == 3
        assert nav_count(client.get("/queue").text) == 3
        desk.clock.advance(4 * DAY)  # past the default max_age of three days
        login(client, "vera")  # the session has expired meanwhile
        twin = client.get("/queue.json").json()
        assert twin["items"] == [] and twin["older"] == 3 and twin["max_age"] == 3 * DAY
        page = client.get("/queue").text
        assert nav_count(page) == 0, "the navigation counts what the queue shows"
        assert "clear" not in page
        assert "3 open opportunities are older than 3 days" in page
        assert "max_age" in page
        link = re.search(r'href="(/reports\?[^"]+)"', page)
        assert link is not None, "the page links to the Reports of those opportunities' days"
        report = client.get(link.group(1).replace("&amp;", "&").replace("/reports", "/reports.json"))
        assert report.json()["counts"]["opportunities"] == 3


def test_the_configs_max_age_reaches_a_desk_served_on_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = Config(extra={"desk": {"targets": {"max_age": 30 * DAY}}})
    with open_store(f"sqlite:///{tmp_path}/s.sqlite") as store:
        app = app_from_config(config, store, {})
        assert app.state.services.targets == ResponseTargets(max_age=30 * DAY)


def test_reports_say_which_clock_both_counts_follow() -> None:
    """Mentions and opportunities are both counted by their post's time (one clock: a replayed
    recording falls on its posts' days, tests/test_web_report_clock.py), and the page says so."""
    desk = build_desk()
    for client, _ in client_for(desk, "vera"):
        page = client.get("/reports").text
        assert "both counted by the time of their post" in page
        assert "matched_at says when Reale matched a mention" in page
        twin = client.get("/reports.json").json()
        assert twin["counted_by"] == {"mentions": "created_at", "opportunities": "created_at"}
