"""Replaying JSONL files in any wire format: sniffing per line, bad lines counted, pacing by the
recorded times × speed with an injected clock, and resuming from the committed line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.events import Post
from reale.sources.base import MemoryCursorStore, SourceItem
from reale.sources.replay import (
    ReplaySource,
    ReplayStats,
    iter_file_events,
    iter_file_posts,
    sniff,
)
from tests.conftest import WIRE, run_cli


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """One file with Jetstream, Mastodon and X lines, a blank line, junk and a corrupt line."""
    if not WIRE.exists():
        pytest.skip("wire recordings are not present")
    jet = (WIRE / "bluesky" / "jetstream_v1_golden10.jsonl").read_bytes().splitlines()
    masto = (WIRE / "mastodon" / "statuses.jsonl").read_bytes().splitlines()
    x = (WIRE / "x-api-v2" / "streaming_output_with_error.jsonl").read_bytes().splitlines()
    lines = [*jet[:3], b"", masto[0], b"hello, not json", x[0], x[-1], b'{"who": "knows"}']
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_every_format_is_sniffed_and_bad_lines_are_counted(mixed: Path) -> None:
    stats = ReplayStats()
    events = list(iter_file_events(mixed, stats))
    assert [e.network for e in events] == ["bluesky"] * 4 + ["mastodon"] + ["x"] * 2
    assert stats.formats == {"jetstream": 3, "mastodon": 1, "x": 2}
    assert (stats.blank, stats.unknown, stats.bad) == (1, 2, 1)
    assert all(isinstance(p, Post) for p in iter_file_posts(mixed))


def test_sniff() -> None:
    assert sniff(b'{"did":"d","time_us":1,"kind":"commit"}') == "jetstream"
    assert sniff(b'{"data": {"id": "1"}}') == "x"
    assert sniff(b'{"id": "1", "uri": "u", "account": {}}') == "mastodon"
    assert sniff(b"[]") is None


class ClockSleep:
    """An injected sleep that moves a manual clock instead of waiting."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)


async def collect(source: ReplaySource, limit: int | None = None) -> list[SourceItem]:
    out: list[SourceItem] = []
    async for item in source:
        out.append(item)
        source.ack(item)
        if limit is not None and len(out) >= limit and item.last:
            break
    return out


def test_the_replay_keeps_the_recorded_pace_divided_by_speed() -> None:
    path = WIRE / "x-api-v2" / "streaming_output_with_error.jsonl"
    if not path.exists():
        pytest.skip("wire recordings are not present")
    clock = ManualClock(1000.0)
    sleep = ClockSleep(clock)
    items = asyncio.run(collect(ReplaySource(path, speed=10, clock=clock, sleep=sleep)))
    times = [i.event.created_at for i in items if i.last]
    assert sum(sleep.slept) == pytest.approx((max(times) - times[0]) / 10)
    assert all(i.event.received_at >= 1000.0 for i in items)


def test_flat_out_never_sleeps_and_gaps_can_be_capped() -> None:
    path = WIRE / "x-api-v2" / "streaming_output_with_error.jsonl"
    if not path.exists():
        pytest.skip("wire recordings are not present")
    clock = ManualClock(0.0)
    sleep = ClockSleep(clock)
    asyncio.run(collect(ReplaySource(path, speed=0, clock=clock, sleep=sleep)))
    assert sleep.slept == []
    asyncio.run(collect(ReplaySource(path, speed=1, clock=clock, sleep=sleep, max_gap=1.0)))
    assert sum(sleep.slept) <= 6.0  # 7 tweets, at most 1 s apart once gaps are capped


def test_a_restarted_replay_continues_after_the_committed_line(mixed: Path) -> None:
    store = MemoryCursorStore()
    first = ReplaySource(mixed, cursor_store=store)
    before = asyncio.run(collect(first, limit=2))
    first.commit()
    after = asyncio.run(collect(ReplaySource(mixed, cursor_store=store)))
    assert [i.event.uri for i in before + after] == [e.uri for e in iter_file_events(mixed)]


def test_a_replay_says_when_it_resumes_and_how_many_lines_it_skipped(
        mixed: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Replaying a file already replayed into the same store delivers nothing new: the log says
    why (instead of a bare '0 events'), and each file ends with its count of skipped lines."""
    store = MemoryCursorStore()
    first = ReplaySource(mixed, cursor_store=store)
    with caplog.at_level("INFO", logger="reale.sources"):
        asyncio.run(collect(first))
        first.commit()
    assert "mixed.jsonl: 3 of 9 lines skipped (1 corrupt, 2 in no known format)" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="reale.sources"):
        assert asyncio.run(collect(ReplaySource(mixed, cursor_store=store))) == []
    assert "resuming after line 9, where an earlier replay into this store stopped" \
        in caplog.text
    # and when nothing followed, it says the whole file was replayed already
    assert "nothing after line 9: the whole file was already replayed into this store" \
        in caplog.text


def test_a_byte_order_mark_before_the_first_line_does_not_cost_that_line(mixed: Path) -> None:
    """Some editors and Windows tools start a UTF-8 file with a BOM: the first event is kept."""
    bom = mixed.with_name("bom.jsonl")
    bom.write_bytes(b"\xef\xbb\xbf" + mixed.read_bytes())
    assert [e.uri for e in iter_file_events(bom)] == [e.uri for e in iter_file_events(mixed)]


def _jet(n: int, text: str) -> str:
    return json.dumps({"did": "did:plc:abc", "time_us": 1_700_000_000_000_000 + n, "kind": "commit",
                       "commit": {"operation": "create", "collection": "app.bsky.feed.post",
                                  "rkey": f"k{n}", "cid": "c",
                                  "record": {"$type": "app.bsky.feed.post", "text": text,
                                             "createdAt": "2026-03-20T09:30:00Z"}}})


BAD_LAST = [_jet(1, "I love my Acme kettle"), '{"time_us": 5, "kind": broken',
            _jet(2, "Acme again"), '{"time_us": 7, "kind": "commit", "did": "x", torn']


def test_a_bad_last_line_is_passed_once_read_to_the_end(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """The position moves past the bad lines after the last good one once every event is
    acknowledged, so a rerun neither counts nor logs them again."""
    path = tmp_path / "bad-last.jsonl"
    path.write_text("\n".join(BAD_LAST) + "\n")
    store = MemoryCursorStore()
    first = ReplaySource(path, cursor_store=store)
    with caplog.at_level("WARNING", logger="reale.sources"):
        assert len(asyncio.run(collect(first))) == 2
        assert first.commit() == "4"
        second = ReplaySource(path, cursor_store=store)
        assert asyncio.run(collect(second)) == []
        assert second.commit() == "4"
    assert [r.getMessage().split(": ")[0] for r in caplog.records
            if ": skipped:" in r.getMessage()] == [f"{path}:2", f"{path}:4"]
    assert (first.stats.bad, second.stats.bad, second.stats.lines) == (2, 0, 0)


def test_the_position_waits_for_the_last_event_and_for_a_last_newline(tmp_path: Path) -> None:
    path = tmp_path / "growing.jsonl"
    path.write_text("\n".join(BAD_LAST))  # no newline after the torn line: it may be still written
    store = MemoryCursorStore()
    source = ReplaySource(path, cursor_store=store)
    items = asyncio.run(_read_all(source))
    assert source.commit() is None  # nothing acknowledged yet: nothing passed
    for item in items:
        source.ack(item)
    assert source.commit() == "3"  # the torn line stays ahead of the position
    path.write_text("\n".join([*BAD_LAST[:3], _jet(3, "Acme, once the line was finished")]) + "\n")
    rest = asyncio.run(collect(ReplaySource(path, cursor_store=store)))
    assert [i.event.text for i in rest] == ["Acme, once the line was finished"]


async def _read_all(source: ReplaySource) -> list[SourceItem]:
    return [item async for item in source]


def test_reale_run_again_does_not_report_the_bad_last_line_again(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_text("\n".join(BAD_LAST) + "\n")
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path / "r.sqlite"}"\n[[brands]]\nname = "Acme"\n'
                      f'keywords = ["acme"]\n[[sources]]\nkind = "replay"\npath = "{path}"\n')
    first = run_cli("run", "--config", str(config), "--quiet")
    again = run_cli("run", "--config", str(config), "--quiet")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert [line.split(": ")[0] for line in first.stderr.splitlines() if ": skipped:" in line] == [
        f"{path}:2", f"{path}:4"]
    assert "skipped" not in again.stderr
    assert first.stdout.startswith("2 events, 2 mentions")
    assert again.stdout.startswith("0 events, 0 mentions")
