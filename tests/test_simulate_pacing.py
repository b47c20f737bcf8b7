"""Playing the stream back: in real time at a rate (with an injected clock, so nothing sleeps),
flat out, sync or async; and the CLI as a user runs it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from reale.clock import ManualClock
from reale.simulate import Simulator
from tests.conftest import run_cli


def test_paced_play_releases_each_line_at_its_time() -> None:
    sim = Simulator(seed=1, authors=500, rate=200, identities=False)
    clock = ManualClock(1000.0)
    lateness = []  # wall time of release minus wall time due (from the first line), per line
    first = None
    for line in sim.play(200, duration=5, clock=clock, sleep=clock.advance):
        assert line
        first = sim.now if first is None else first
        lateness.append((clock.now() - 1000.0) - (sim.now - first))
    assert 800 < len(lateness) < 1200  # ~200 events/s for 5 s
    assert 4.9 < clock.now() - 1000.0 <= 5.0  # five seconds of stream took five seconds
    # never later than due; at most 2 ms early (lines that close together go out as a batch)
    assert all(-0.0021 <= x <= 0.0021 for x in lateness)


def test_play_at_twice_the_timeline_rate_takes_half_the_time() -> None:
    sim = Simulator(seed=1, authors=500, rate=200)
    clock = ManualClock(0.0)
    list(sim.play(400, duration=10, clock=clock, sleep=clock.advance))
    assert 4.9 < clock.now() <= 5.0


def test_async_stream_paces_with_an_injected_clock() -> None:
    sim = Simulator(seed=2, authors=500, rate=100)
    clock = ManualClock(0.0)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    async def collect() -> list[str]:
        return [line async for line in sim.stream(100, duration=3, clock=clock, sleep=sleep)]

    lines = asyncio.run(collect())
    assert lines and all(json.loads(line)["did"] for line in lines)
    assert 2.9 < clock.now() <= 3.0


def test_async_stream_flat_out_stops_at_count_and_resumes_where_it_stopped() -> None:
    sim = Simulator(seed=3, authors=500)
    twin = Simulator(seed=3, authors=500)

    async def collect(n: int) -> list[str]:
        return [line async for line in sim.stream(count=n)]

    first, second = asyncio.run(collect(700)), asyncio.run(collect(300))
    assert first + second == list(twin.take(count=1000))


def test_cli_writes_count_lines_of_jetstream_deterministically() -> None:
    out = run_cli("simulate", "--count", "100", "--seed", "1")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 100
    assert all(json.loads(line)["kind"] in {"commit", "identity", "account"} for line in lines)
    assert run_cli("simulate", "--count", "100", "--seed", "1").stdout == out.stdout
    assert run_cli("simulate", "--count", "100", "--seed", "2").stdout != out.stdout


def test_cli_writes_stream_profiles_and_truth_files(tmp_path: Path) -> None:
    out = run_cli("simulate", "--rate", "0", "--duration", "20", "--authors", "800",
                  "--scenario", "florist@5", "--scenario-speed", "200",
                  "--burst", "#festa,5,4,10", "--out", str(tmp_path / "s.jsonl"),
                  "--profiles", str(tmp_path / "p.jsonl"), "--truth", str(tmp_path / "t.json"))
    assert out.returncode == 0, out.stderr
    stream = (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()
    profiles = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text().splitlines()]
    truth = json.loads((tmp_path / "t.json").read_text())
    assert len(stream) > 20 * 1900
    assert any(p["handle"] == "chiarabassi.bsky.social" for p in profiles)
    assert truth["scenarios"][0]["name"] == "florist"
    assert truth["scenarios"][0]["root_uri"].split("/")[-1] in "\n".join(stream)
    assert truth["bursts"][0]["term"] == "#festa" and truth["bursts"][0]["posts_during"] > 0


def test_cli_explains_bad_arguments() -> None:
    out = run_cli("simulate", "--count", "5", "--burst", "#x,soon,2,10")
    assert out.returncode == 2 and "TERM,START,MULT,DURATION" in out.stderr
    out = run_cli("simulate", "--count", "5", "--scenario", "picnic")
    assert out.returncode == 2 and "unknown scenario 'picnic'" in out.stderr
