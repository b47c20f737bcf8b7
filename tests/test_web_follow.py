"""``reale serve`` beside other writers: the store follower reads what another process stored
(a Kafka worker, a runner on the same SQLite file) and the live page gets it once, as the same
JSON the in-process runner publishes, on SQLite and on PostgreSQL; a row whose labels land after
it was sent is sent again as an update, once per change."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
import pytest

from reale.clock import ManualClock
from reale.errors import StoreUnavailable
from reale.signals.moment_scope import Example, MomentAlert
from reale.signals.safety import SafetyRead
from reale.store import Store, open_store
from reale.web import queries
from reale.web.data import LabelledPost, record_of, register_writers
from reale.web.follow import StoreFollower
from reale.web.hub import Subscription
from reale.web.marks import Marks
from reale.web.payloads import in_language, mention_payload, moment_payload, opportunity_payload
from reale.web.records import MomentRecord, labels_from
from reale.web.serving import free_port
from reale.web.settings import WebSettings
from tests.conftest import ROOT, run_cli
from tests.web_helpers import Desk, build_desk, mention, opportunity_of, post

FOLLOW = WebSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1,
                     follow_interval=1.0, follow_lookback=30.0, follow_cap=100)


@dataclass
class Scene:
    desk: Desk  # what `reale serve` runs: the app, its store connection, its hub
    writer: Store  # another process writing the same store
    follower: StoreFollower
    sub: Subscription  # a browser on /live/stream
    url: str

    def events(self) -> list[dict[str, Any]]:
        frames, _ = self.sub.take(1_000)
        return [msgspec.json.decode(f) for f in frames]


def open_scene(url: str) -> Scene:
    desk = build_desk(url, settings=FOLLOW)  # with a week of history in the store
    writer = open_store(url, clock=ManualClock(desk.clock.now()))
    register_writers(writer)
    follower = StoreFollower.from_settings(desk.store, desk.hub, FOLLOW, clock=desk.clock)
    return Scene(desk, writer, follower, desk.hub.subscribe(), url)


@pytest.fixture
def scene(store_url: str) -> Iterator[Scene]:
    s = open_scene(store_url)
    try:
        yield s
    finally:
        s.writer.close()
        s.desk.store.close()


def as_json(payload: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(payload))
    return out


def blackout(at: float) -> MomentAlert:
    return MomentAlert(
        scope="Fiori", term="#blackout", at=at, count=42, window_seconds=120,
        baseline_per_min=0.5, current_per_min=21.0, ratio=42.0, log10_p=-12.0,
        examples=(Example("at://did:plc:z/app.bsky.feed.post/9", "stadio al buio! #blackout"),),
        cooccurring=("stadio", "luce"),
        safety=SafetyRead(verdict="safe", reasons=("no tragic terms",), posts=42))


def test_what_another_process_stores_reaches_the_live_page_once(scene: Scene) -> None:
    assert scene.follower.poll() == 0  # the start mark: the week of history is not replayed
    assert scene.events() == []
    scene.writer.clock.advance(1)  # type: ignore[attr-defined]
    now = scene.writer.clock.now()
    thanks = post(500, "@fiori.bsky.social consegna perfetta, grazie!", at=now - 5)
    record = record_of(opportunity_of("Fiori", thanks, intent="praise", intent_confidence=0.9,
                                      sentiment=0.8), network="bluesky", followers=120)
    scene.writer.write_batch([  # what a Kafka stages worker writes for one batch
        mention("Fiori", thanks),
        LabelledPost(thanks.uri, labels_from({"lang": "it", "sentiment": 0.8, "intent": "praise"})),
        record, MomentRecord.of(blackout(now))])

    assert scene.follower.poll() == 3
    got = scene.events()
    assert [e["type"] for e in got] == ["mention", "opportunity", "moment"]
    first_screen = queries.feed(scene.desk.store, brand="Fiori", limit=1)[0]
    # the page's row, for a client that named no language (its opportunity's words as stored)
    assert got[0] == as_json(in_language(mention_payload(first_screen.mention, first_screen.labels,
                                                         first_screen.opportunity), ""))
    assert got[0]["sentiment"] == "positive" and got[0]["opportunity"]["key"] == record.key
    stored = queries.get_opportunity(scene.desk.store, record.key)
    assert stored is not None and got[1] == as_json(opportunity_payload(stored))
    assert got[2] == as_json(moment_payload(blackout(now)))  # as `hub.publish("moment", alert)`

    assert scene.follower.poll() == 0 and scene.events() == []  # once, never twice
    assert scene.follower.stats.published == {"mention": 1, "opportunity": 1, "moment": 1}


def test_a_row_committed_late_by_a_concurrent_writer_is_still_delivered_once(
        scene: Scene) -> None:
    scene.follower.poll()
    slow = scene.writer  # stamped its batch first, commits last
    slow.clock.advance(1)  # type: ignore[attr-defined]
    fast = open_store(scene.url, clock=ManualClock(slow.clock.now() + 5))
    try:
        fast.write_mentions([mention("Fiori", post(601, "fiori di giulia, che meraviglia",
                                                   at=fast.clock.now()))])
        assert [e["uri"][-6:] for e in _polled(scene)] == ["000601"]
        slow.write_mentions([mention("Fiori", post(600, "fiori di giulia per la mamma",
                                                   at=slow.clock.now()))])
        assert [e["uri"][-6:] for e in _polled(scene)] == ["000600"]
        assert _polled(scene) == []
        # A row stamped further back than follow_lookback (30 s) is history: not delivered.
        stale = open_store(scene.url, clock=ManualClock(fast.clock.now() - 31))
        stale.write_mentions([mention("Fiori", post(602, "fiori di giulia", at=now_of(stale)))])
        stale.close()
        assert _polled(scene) == []
    finally:
        fast.close()


def test_an_opportunity_read_again_is_delivered_again_with_its_new_score(scene: Scene) -> None:
    scene.follower.poll()
    scene.writer.clock.advance(1)  # type: ignore[attr-defined]
    ask = post(700, "@auto.bsky.social la Nova arriva in Italia?", at=now_of(scene.writer))
    record = record_of(opportunity_of("Auto", ask, intent="question", intent_confidence=0.6),
                       network="bluesky")
    scene.writer.write_batch([mention("Auto", ask), record])
    assert [e["type"] for e in _polled(scene)] == ["mention", "opportunity"]
    scene.writer.clock.advance(20)  # type: ignore[attr-defined]
    better = msgspec.structs.replace(record, score=0.97, updated_at=record.updated_at + 20)
    scene.writer.write_batch([better])
    again = _polled(scene)
    assert [(e["type"], e["key"], e["score"]) for e in again] == [
        ("opportunity", record.key, 0.97)]


def test_a_moment_read_again_as_part_of_a_tragedy_is_delivered_again_stricter(
        scene: Scene) -> None:
    scene.follower.poll()
    scene.writer.clock.advance(1)  # type: ignore[attr-defined]
    town = msgspec.structs.replace(blackout(now_of(scene.writer)), term="valleverde")
    scene.writer.write_batch([MomentRecord.of(town)])
    assert [(e["term"], e["verdict"]) for e in _polled(scene)] == [("valleverde", "safe")]
    scene.writer.clock.advance(15)  # type: ignore[attr-defined]
    linked = msgspec.structs.replace(town, safety=SafetyRead(
        verdict="avoid", reasons=("part of the #terremoto moment (avoid)",), posts=42,
        linked_to="#terremoto"))
    scene.writer.write_batch([MomentRecord.of(linked)])
    again = _polled(scene)
    assert [(e["id"], e["verdict"]) for e in again] == [(MomentRecord.of(town).id, "avoid")]
    scene.writer.write_batch([MomentRecord.of(town)])  # the first read replayed: never softer
    assert _polled(scene) == []


def test_more_rows_than_the_cap_send_the_newest_and_count_the_skip(scene: Scene) -> None:
    scene.follower.poll()
    for n in range(150):  # 150 batches, one mention each, a tenth of a second apart
        scene.writer.clock.advance(0.1)  # type: ignore[attr-defined]
        scene.writer.write_mentions([mention("Petali", post(1000 + n, "petali", at=now_of(scene.writer)))])
    got = _polled(scene)
    assert len(got) == 100  # follow_cap
    assert got[0]["uri"].endswith("001050") and got[-1]["uri"].endswith("001149")
    assert scene.follower.stats.capped == 1
    assert _polled(scene) == []


def test_a_store_that_fails_is_retried_after_a_back_off_on_the_injected_clock(
        tmp_path: Any) -> None:
    s = open_scene(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    s.follower.poll()
    s.desk.store.close()  # every read now fails
    assert s.follower.poll() == 0
    assert (s.follower.stats.errors, s.follower.stats.polls) == (1, 2)
    assert "closed" in s.follower.stats.last_error
    s.follower.poll()  # within the back-off: the store is not even asked
    assert s.follower.stats.polls == 2
    s.desk.clock.advance(1.0)
    s.follower.poll()
    assert (s.follower.stats.errors, s.follower.stats.polls) == (2, 3)
    s.writer.close()


def test_a_dropped_postgresql_connection_loses_nothing(fresh_postgres_url: str) -> None:
    import psycopg

    s = open_scene(fresh_postgres_url)
    try:
        s.follower.poll()
        s.writer.clock.advance(1)  # type: ignore[attr-defined]
        s.writer.write_mentions([mention("Fiori", post(800, "fiori di giulia", at=now_of(s.writer)))])
        assert len(_polled(s)) == 1
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:  # a server restart
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        written = False
        for _ in range(2):  # the writer's own retry (a Kafka worker retries StoreUnavailable)
            try:
                s.writer.write_mentions([mention("Fiori", post(801, "fiori di giulia, sì",
                                                               at=now_of(s.writer)))])
                written = True
                break
            except StoreUnavailable:
                continue
        assert written
        got: list[dict[str, Any]] = []
        for _ in range(4):  # a poll may meet a dead pooled connection: it backs off and retries
            got += _polled(s)
            s.desk.clock.advance(60)
        assert [e["uri"][-6:] for e in got] == ["000801"]
        assert s.follower.stats.errors <= 2  # a read meets at most two dead pooled connections
    finally:
        s.writer.close()
        s.desk.store.close()


def labels(uri: str, **fields: Any) -> LabelledPost:
    return LabelledPost(uri, labels_from(fields))


def test_labels_that_land_after_their_mention_update_its_row_once(scene: Scene) -> None:
    """On Kafka the matcher stores a mention before a stages worker labels it: the row went out
    without labels, and when they land it is sent again, as an update, once per change."""
    scene.follower.poll()
    w = scene.writer
    w.clock.advance(1)  # type: ignore[attr-defined]
    p = post(950, "fiori di giulia, mai più: arrivati appassiti", at=now_of(w))
    w.write_batch([mention("Fiori", p), mention("Petali", p)])  # the matcher, two brands
    assert sorted((e["brand"], e["sentiment"], "update" in e) for e in _polled(scene)) == [
        ("Fiori", "", False), ("Petali", "", False)]

    w.clock.advance(2)  # type: ignore[attr-defined]
    w.write_batch([labels(p.uri, lang="it", sentiment=-0.7, intent="complaint")])  # a stages worker
    updates = sorted(_polled(scene), key=lambda e: str(e["brand"]))
    assert [(e["type"], e["brand"], e["uri"]) for e in updates] == [
        ("mention", "Fiori", p.uri), ("mention", "Petali", p.uri)]
    row = queries.feed(scene.desk.store, brand="Fiori", limit=1)[0]
    assert updates[0] == {**as_json(mention_payload(row.mention, row.labels, row.opportunity)),
                          "update": True}
    assert updates[0]["sentiment"] == "negative" and updates[0]["intent"] == "complaint"
    assert _polled(scene) == []  # once

    w.clock.advance(1)  # type: ignore[attr-defined]
    w.write_batch([labels(p.uri, lang="it", sentiment=-0.6, intent="complaint")])
    assert _polled(scene) == []  # stored again, nothing the row shows changed
    w.clock.advance(1)  # type: ignore[attr-defined]
    w.write_batch([labels(p.uri, lang="it", sentiment=0.1, intent="complaint")])  # relabelled
    assert sorted((e["brand"], e["sentiment"]) for e in _polled(scene)) == [
        ("Fiori", "neutral"), ("Petali", "neutral")]
    assert scene.follower.stats.updated == 4


def test_a_mention_sent_with_its_labels_is_not_sent_again(scene: Scene) -> None:
    """The embedded runner (and a stages worker that labels before the follower reads) stores
    a mention and its labels in one batch: the row goes out once, already labelled; labels of a
    post no row was sent for send nothing."""
    scene.follower.poll()
    w = scene.writer
    w.clock.advance(1)  # type: ignore[attr-defined]
    p = post(960, "grazie fiori di giulia!", at=now_of(w))
    w.write_batch([mention("Fiori", p), labels(p.uri, lang="it", sentiment=0.9)])
    assert [(e["sentiment"], "update" in e) for e in _polled(scene)] == [("positive", False)]
    w.clock.advance(1)  # type: ignore[attr-defined]
    w.write_batch([labels(post(961, "nessuna menzione", at=now_of(w)).uri, sentiment=0.5)])
    assert _polled(scene) == []
    assert scene.follower.stats.updated == 0


def test_label_updates_are_capped_per_poll_like_the_rest(scene: Scene) -> None:
    scene.follower.poll()
    w = scene.writer
    posts = []
    for n in range(150):
        w.clock.advance(0.1)  # type: ignore[attr-defined]
        posts.append(post(1200 + n, "petali", at=now_of(w)))
        w.write_mentions([mention("Petali", posts[-1])])
        if n in (99, 149):
            scene.follower.poll()  # every mention sent, a hundred at a time
    scene.events()
    capped = scene.follower.stats.capped
    for p in posts:  # labelled later, one batch each
        w.clock.advance(0.1)  # type: ignore[attr-defined]
        w.write_batch([labels(p.uri, sentiment=-0.8)])
    got = _polled(scene)
    assert len(got) == 100 and all(e["update"] for e in got)  # follow_cap
    assert got[0]["uri"].endswith("001250") and got[-1]["uri"].endswith("001349")
    assert scene.follower.stats.capped == capped + 1
    assert _polled(scene) == []


def test_marks_keep_a_window_of_keys_not_a_strict_maximum() -> None:
    m = Marks(lookback=10.0, cap=3)
    assert m.fresh([("a", 100.0)]) == [("a", 100.0)]
    m.update([("a", 100.0)])
    assert m.lower() == 90.0
    assert m.fresh([("b", 101.0), ("a", 100.0), ("late", 95.0)]) == [("late", 95.0), ("b", 101.0)]
    m.update([("b", 101.0), ("a", 100.0), ("late", 95.0)])  # three rows: the cap
    assert (m.floor, m.capped) == (95.0, 1)  # what the scan could not reach is skipped
    m.update([("c", 120.0)])
    assert m.lower() == 110.0 and len(m) == 1  # keys older than the window are forgotten
    assert m.fresh([("a", 121.0)]) == [("a", 121.0)]  # the same key stored again: fresh


def now_of(store: Store) -> float:
    return store.clock.now()


def _polled(scene: Scene) -> list[dict[str, Any]]:
    scene.follower.poll()
    return scene.events()


def test_reale_serve_streams_what_another_process_stores(tmp_path: Any) -> None:
    """The real thing: `reale serve` in its own process, this test as the other writer, a
    logged-in client on /live/stream."""
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "{url}"\n[[brands]]\nname = "Fiori"\nkeywords = ["fiori"]\n'
                      "[web]\nargon2_time_cost = 1\nargon2_memory_kib = 8\n"
                      "argon2_parallelism = 1\nlive_interval = 0.05\nfollow_interval = 0.1\n",
                      encoding="utf-8")
    run_cli("users", "add", "ada", "--role", "admin", "--password-stdin", "--config", str(config),
            stdin="a long password\n")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "reale", "serve", "--config", str(config),
                             "--port", str(port)], env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = open_store(url)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_follower(base, proc)
        with httpx.Client(base_url=base, timeout=10) as client:
            token = client.get("/login.json").json()["csrf"]
            client.post("/login", data={"user": "ada", "password": "a long password",
                                        "csrf": token})
            with client.stream("GET", "/live/stream") as stream:
                lines = stream.iter_lines()
                writer.write_mentions([mention("Fiori", post(900, "fiori di giulia!", at=now_of(writer)))])
                first = _until(lines, "000900")
                writer.write_mentions([mention("Fiori", post(901, "ancora fiori", at=now_of(writer)))])
                second = _until(lines, "000901")
        follow = httpx.get(base + "/healthz").json()["follow"]
    finally:
        writer.close()
        proc.terminate()
        proc.communicate(timeout=20)
    uris = [e["uri"][-6:] for e in first + second]
    assert uris == ["000900", "000901"]  # each once, in order
    assert first[0]["text"] == "fiori di giulia!" and first[0]["brand"] == "Fiori"
    assert follow["published"]["mention"] == 2 and follow["errors"] == 0


def _wait_for_follower(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:  # waiting for the server process to bind and take its start mark is I/O
        try:
            if httpx.get(base + "/healthz", timeout=1).json()["follow"]["polls"] >= 1:
                return
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "reale serve did not start following"
        time.sleep(0.1)


def _until(lines: Iterator[str], uri_end: str) -> list[dict[str, Any]]:
    """Events of the SSE batches read until one carries a post ending in ``uri_end``."""
    got: list[dict[str, Any]] = []
    for line in lines:  # the client's read timeout ends a stream that never delivers
        if line.startswith("data: "):
            got += msgspec.json.decode(line[6:])["events"]
            if any(e.get("uri", "").endswith(uri_end) for e in got):
                return got
    raise AssertionError(f"the stream ended before {uri_end}")


def test_every_web_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    for field in msgspec.structs.fields(WebSettings):
        forms = (f"\n{field.name} = ", f"`{field.name}`", f"[web.{field.name}]")
        assert any(form in doc for form in forms), (
            f"[web] {field.name} is not in docs/web.md")


def test_the_benchmark_measures_a_follower_that_loses_nothing(tmp_path: Any) -> None:
    from reale.bench.web_follow import measure

    rows = {r["name"]: r for r in measure(f"sqlite:///{tmp_path / 'b.sqlite'}", 2_000, 2, "t")}
    assert rows["web.follow.t.exactly_once"]["value"] == 1_000
    assert rows["web.follow.t.exactly_once"]["ok"]  # the speed rows are figures, not asserted here
    assert {"web.follow.t.start", "web.follow.t.idle", "web.follow.t.catch_up"} <= rows.keys()


def test_the_marks_example_runs() -> None:
    import doctest

    import reale.web.marks

    result = doctest.testmod(reale.web.marks)
    assert result.attempted > 0 and result.failed == 0
