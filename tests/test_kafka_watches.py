"""The Kafka runner's watches, as the embedded runner has them, on a real broker and PostgreSQL:
the brand stage's worker raises response-time (``sla``) alerts as time passes, also while no
record arrives, and the source role raises ``source`` alerts (lagging, down) into the outbox
that the stages role delivers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reale.alerts import parse_alerts_config
from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.errors import SourceError
from reale.events import Author, Mention, Post
from reale.run.kafka import codec
from reale.run.kafka.admin import init_topics
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.outbox import register as register_alerts
from reale.run.kafka.publish import Publisher
from reale.run.kafka.runner import run_kafka
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import register as register_snapshots
from reale.run.kafka.worker import Worker
from reale.run.wiring import Understanding
from reale.sources.jetstream_client import JetstreamClient
from reale.sources.local.jetstream_server import JetstreamServer
from reale.store import Store, open_store
from reale.web.data import register_writers
from tests.conftest import WIRE
from tests.kafka_helpers import wait_until
from tests.sources_helpers import NoWait

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

VOLTA = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",))
T0 = 1_767_225_600.0
ALERTS = {"channels": [{"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook",
                        "secret_env": "HOOK_SECRET"}],
          "rules": [{"name": "all", "channels": ["hook"]}]}


def settings_for(bootstrap: str) -> KafkaSettings:
    settings = KafkaSettings(bootstrap=bootstrap, partitions=1, session_timeout_ms=2000,
                             heartbeat_ms=200, snapshot_interval=0.0)
    init_topics(settings)
    return settings


def opened(url: str) -> Store:
    store = open_store(url)
    register_snapshots(store)
    register_writers(store)
    register_alerts(store)
    return store


def outbox_keys(store: Store, prefix: str) -> set[str]:
    rows = store.query("SELECT dedup_key FROM alert_outbox WHERE dedup_key LIKE ?",
                       (prefix + "%",))
    return {str(r[0]) for r in rows}


def appeal() -> Mention:
    post = Post(network="bluesky", uri="at://did:plc:u0/app.bsky.feed.post/0",
                author=Author(id="did:plc:u0", handle="u0.bsky.social"),
                text="@volta-auto.bsky.social can we get a Volta for our charity rally? "
                     "pretty please", created_at=T0, langs=("en",),
                mentions=("volta-auto.bsky.social",))
    return Mention(brand="Volta", query="volta", post=post)


def test_the_brand_worker_raises_response_time_alerts_while_idle(
        kafka_bootstrap: str, fresh_postgres_url: str) -> None:
    settings = settings_for(kafka_bootstrap)
    publisher = Publisher(settings)
    m = appeal()
    publisher.send_raw(settings.topic("mentions"), codec.mention_key(m), codec.encode(m))
    publisher.flush()
    publisher.close()
    clock = ManualClock(T0 + 60)
    config = Config(brands=(VOLTA,))
    desk = KafkaDesk(config, clock, understanding=Understanding((VOLTA,)),
                     alerts=parse_alerts_config(ALERTS), min_alert_score=0.0, background=False)
    with opened(fresh_postgres_url) as store:
        stage = BrandStage(settings, store, clock, group=settings.group("brands"),
                           snapshot_interval=0, desk=desk)
        worker = Worker(settings, stage, store, clock=clock)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            wait_until(lambda: bool(outbox_keys(store, "opportunity:")), 60, "the opportunity")
            [queued] = next(iter(stage.keyed.states.values())).queue.get(limit=5)
            assert not outbox_keys(store, "sla:")
            clock.advance(queued.target * 0.85)  # no record arrives: the tick alone sees it
            wait_until(lambda: bool(outbox_keys(store, "sla:")), 30, "the sla alert")
            assert outbox_keys(store, "sla:") == {f"sla:{queued.opportunity.id}"}
        finally:
            worker.stop()
            thread.join(60)
        desk.close()


@pytest.fixture
def jetstream_lines() -> list[bytes]:
    recording = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
    if not recording.exists():
        pytest.skip("wire recordings are not present")
    return recording.read_bytes().splitlines()


class ServerThread:
    """The local Jetstream server on its own event loop, stopped by ``stop()``."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.url = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with JetstreamServer(self.lines) as server:
            self.url = server.url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def ticking() -> Iterator[ManualClock]:
    """A clock ten minutes past the recording's newest event, moving a second every 20 ms."""
    clock = ManualClock(0.0)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.02):
            clock.advance(1.0)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    yield clock
    stop.set()
    thread.join(5)


def test_the_source_role_raises_lagging_and_down_alerts_into_the_outbox(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path,
        jetstream_lines: list[bytes], ticking: ManualClock) -> None:
    settings = settings_for(kafka_bootstrap)
    newest = max(json.loads(x)["time_us"] for x in jetstream_lines if x.strip()) / 1e6
    ticking.set(newest + 600)
    alerts = {**ALERTS, "source_lag_after": 120.0, "source_lag_for": 0.0}
    config = Config(brands=(VOLTA,), extra={"alerts": alerts})
    errors: list[BaseException] = []
    with ServerThread(jetstream_lines) as server, opened(fresh_postgres_url) as store:
        client = JetstreamClient(url=server.url, sleep=NoWait(), close_timeout=0.1,
                                 max_reconnects=0)

        def source_role() -> None:
            try:
                run_kafka(config, bootstrap=kafka_bootstrap, store_url=fresh_postgres_url,
                          role="source", settings=settings, sources=[client], clock=ticking,
                          install_signals=False)
            except SourceError as exc:  # the server went away and reconnecting is not allowed
                errors.append(exc)

        thread = threading.Thread(target=source_role, daemon=True)
        thread.start()
        try:
            wait_until(lambda: bool(outbox_keys(store, "source:jetstream:")), 60,
                       "the lagging alert")
        finally:
            server.stop()  # the source fails for good: that is reported too
            thread.join(60)
        assert not thread.is_alive() and errors
        wait_until(lambda: len(outbox_keys(store, "source:jetstream:")) == 2, 10, "down")
        messages = " ".join(str(r[0]) for r in store.query(
            "SELECT message FROM alert_outbox WHERE dedup_key LIKE 'source:%'"))
        assert "Source jetstream is lagging" in messages
        assert "Source jetstream is down" in messages
