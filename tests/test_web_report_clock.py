"""Reports count mentions and opportunities by one clock, the time of their post: a replayed
recording, or a post that reaches Reale late, falls on its post's day in the Reports page and in
its CSV/JSON exports, not on the day Reale matched it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from reale.events import Mention
from reale.web.data import save_opportunity
from tests.web_helpers import Desk, build_desk, client_for, opportunity_of, post

MAY_20 = datetime(2026, 5, 20, 10, 0, tzinfo=UTC).timestamp()
MIDNIGHT = datetime(2026, 5, 28, tzinfo=UTC).timestamp()


def replayed(d: Desk) -> None:
    """A recording of posts from 20 May replayed today (28 May), and a post written a second
    before midnight that reached Reale half a minute after it."""
    old = [post(n, f"fiori di giulia, ordine {n}", at=MAY_20 + 60 * n) for n in range(3)]
    late = post(9, "fiori di giulia arrivati tardi", at=MIDNIGHT - 1)
    d.store.write_mentions([Mention(brand="Fiori", query="fiori", post=p, matched_at=d.clock.now())
                            for p in old])
    d.store.write_mentions([Mention(brand="Fiori", query="fiori", post=late,
                                    matched_at=MIDNIGHT + 30)])
    save_opportunity(d.store, opportunity_of("Fiori", old[0], complaint=0.9),
                     network="bluesky", followers=300)


def counts(d: Desk, day: str) -> dict[str, int]:
    for vera, _ in client_for(d, "vera"):
        found: dict[str, int] = vera.get(f"/reports.json?from={day}&to={day}").json()["counts"]
        return found
    raise AssertionError("no client")


def test_a_replayed_recording_counts_on_its_posts_days_like_its_opportunities() -> None:
    d = build_desk(seeded=False)
    replayed(d)
    assert counts(d, "2026-05-20") == {"mentions": 3, "opportunities": 1}
    assert counts(d, "2026-05-28") == {"mentions": 0, "opportunities": 0}


def test_a_post_that_arrives_after_midnight_counts_on_the_day_it_was_written() -> None:
    d = build_desk(seeded=False)
    replayed(d)
    assert counts(d, "2026-05-27")["mentions"] == 1


def test_the_exports_list_a_periods_mentions_by_post_time_and_say_when_they_matched() -> None:
    d = build_desk(seeded=False)
    replayed(d)
    for vera, _ in client_for(d, "vera"):
        page = vera.get("/reports.json?from=2026-05-20&to=2026-05-20").json()
        assert page["counted_by"] == {"mentions": "created_at", "opportunities": "created_at"}
        text = vera.get("/reports/mentions.csv?from=2026-05-20&to=2026-05-20").text
        rows = list(csv.DictReader(io.StringIO(text)))
        as_json = vera.get("/reports/mentions.json?from=2026-05-20&to=2026-05-20").json()
        today = vera.get("/reports/mentions.json?from=2026-05-28&to=2026-05-28").json()
    assert [float(r["created_at"]) for r in rows] == [MAY_20, MAY_20 + 60, MAY_20 + 120]
    assert {float(r["matched_at"]) for r in rows} == {d.clock.now()}
    assert [r["created_at"] for r in as_json] == [MAY_20, MAY_20 + 60, MAY_20 + 120]
    assert today == []
