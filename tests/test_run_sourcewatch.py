"""A live source that is down reaches the team: the runner notices a source that failed for good
at once, and one that keeps reconnecting after ``down_after`` seconds without a message."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.run.app import EmbeddedApp
from reale.run.sourcewatch import SourceWatch
from reale.sources.base import SourceStats
from reale.sources.local.mastodon_server import MastodonServer
from reale.sources.mastodon_client import MastodonClient
from tests.conftest import WIRE
from tests.sources_helpers import NoWait


class Live:
    """What the watch reads of a live client: its id and its counters."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        self.stats = SourceStats()


def test_a_source_reconnecting_without_a_message_for_a_minute_is_reported_once() -> None:
    told: list[dict[str, Any]] = []
    watch = SourceWatch([told.append], down_after=60)
    jet = Live("jetstream")
    jet.stats.messages = 500
    watch.update(1000, [jet])
    jet.stats.disconnects, jet.stats.last_error = 1, "ConnectionClosedError: no close frame"
    watch.update(1010, [jet])
    watch.update(1069, [jet])
    assert told == []  # 59 s: a reconnect may still succeed
    jet.stats.disconnects = 4
    watch.update(1070, [jet])
    watch.update(1200, [jet])
    assert told == [{"source": "jetstream", "state": "down", "since": 1010,
                     "error": "ConnectionClosedError: no close frame"}]
    jet.stats.messages = 501  # back: a later outage is a new alert
    watch.update(1300, [jet])
    jet.stats.disconnects = 5
    watch.update(1310, [jet])
    watch.update(1400, [jet])
    assert [t["since"] for t in told] == [1010, 1310]


def test_a_short_blip_is_not_an_outage() -> None:
    told: list[dict[str, Any]] = []
    watch = SourceWatch([told.append], down_after=60)
    x = Live("x")
    x.stats.disconnects = 1
    watch.update(0, [x])
    x.stats.messages = 3
    watch.update(5, [x])
    watch.update(500, [x])
    assert told == []


def test_a_refused_token_is_reported_while_the_other_sources_run_on() -> None:
    """A Mastodon instance refuses the token (a fatal error): the alert hook hears of it during
    the run, not only in the summary printed when the desk is stopped."""
    recording = WIRE / "mastodon" / "statuses.jsonl"
    if not recording.exists():
        pytest.skip("wire recordings are not present")
    lines = sorted(recording.read_bytes().splitlines(), key=lambda x: int(json.loads(x)["id"]))
    told: list[dict[str, Any]] = []

    async def scenario() -> tuple[list[dict[str, Any]], list[str]]:
        async with MastodonServer(lines, token="right") as server:
            app = EmbeddedApp(Config(brands=(BrandConfig(name="Any", keywords=("the",)),)),
                              clock=ManualClock(1_767_225_600.0), store_url="sqlite://:memory:")
            app.source_watch.notify.append(told.append)
            async with app:
                right = MastodonClient("mastodon:ok", base_url=server.base_url, token="right",
                                       sleep=NoWait())  # stays connected: the run goes on
                wrong = MastodonClient(base_url=server.base_url, token="wrong", sleep=NoWait())
                stop = asyncio.Event()
                run = asyncio.create_task(app.run([right, wrong], stop))
                for _ in range(300):
                    if told:
                        break
                    await asyncio.sleep(0.01)
                during = list(told)
                stop.set()
                summary = await run
                return during, summary.errors

    during, errors = asyncio.run(scenario())
    assert [(t["source"], t["state"]) for t in during] == [("mastodon:public", "down")]
    assert told == during  # said once
    assert "HTTP 401" in told[0]["error"] and "wrong" not in told[0]["error"]
    assert len(errors) == 1 and "HTTP 401" in errors[0]


def test_the_pipeline_sends_a_source_alert_to_the_configured_webhook() -> None:
    """End to end: a `source` rule, a signed webhook on 127.0.0.1, and a source refused by its
    server: the receiver gets 'Source … is down' with the reason."""
    from reale.alerts import parse_alerts_config, resolve_credentials
    from reale.alerts.receiver import LocalReceiver
    from reale.run.wiring import Pipeline

    recording = WIRE / "mastodon" / "statuses.jsonl"
    if not recording.exists():
        pytest.skip("wire recordings are not present")
    lines = recording.read_bytes().splitlines()
    with LocalReceiver(secret="hook-secret") as receiver:
        cfg = parse_alerts_config({
            "channels": [{"name": "ops", "kind": "webhook", "url": receiver.url,
                          "secret_env": "HOOK_SECRET"}],
            "rules": [{"name": "sources", "kinds": ["source"], "channels": ["ops"]}]})
        secrets = resolve_credentials(cfg, {"HOOK_SECRET": "hook-secret"})

        async def scenario() -> None:
            async with MastodonServer(lines, token="right") as server:
                app = EmbeddedApp(Config(brands=(BrandConfig(name="Any", keywords=("x",)),)),
                                  store_url="sqlite://:memory:")
                async with app, Pipeline(app, clock=app.clock, alerts=cfg,
                                         alert_secrets=secrets):
                    wrong = MastodonClient(base_url=server.base_url, token="wrong",
                                           sleep=NoWait())
                    await app.run([wrong])

        asyncio.run(scenario())
        [got] = [r.json() for r in receiver.accepted]
    assert got["alert"]["kind"] == "source" and got["alert"]["severity"] == "high"
    assert got["alert"]["title"] == "Source mastodon:public is down"
    assert "HTTP 401" in got["alert"]["body"]


def test_a_source_behind_the_clock_for_a_minute_is_lagging_once_then_caught_up() -> None:
    told: list[dict[str, Any]] = []
    watch = SourceWatch([told.append], lag_after=120, lag_for=60)
    jet = Live("jetstream")

    def arrive(now: float, behind: float) -> None:
        jet.stats.events += 10
        jet.stats.newest_at = now - behind
        watch.update(now, [jet])

    arrive(1000, 5)
    arrive(1010, 300)  # behind: the episode starts
    arrive(1069, 300)
    assert told == []  # not for a minute yet
    arrive(1070, 310)
    arrive(1100, 400)
    assert told == [{"source": "jetstream", "state": "lagging", "since": 1010,
                     "lag_seconds": 310, "error": "the newest event is 310 s old"}]
    watch.update(1200, [jet])  # no events this round: no evidence, nothing said
    arrive(1300, 3)
    assert [(t["state"], t["since"]) for t in told] == [("lagging", 1010), ("caught up", 1010)]
    assert told[1]["severity"] == "low"
    arrive(1400, 500)  # a new episode is a new alert, after its own minute
    arrive(1460, 500)
    assert [(t["state"], t["since"]) for t in told][2:] == [("lagging", 1400)]


def test_a_quiet_stream_is_not_lagging() -> None:
    told: list[dict[str, Any]] = []
    watch = SourceWatch([told.append], lag_after=120, lag_for=0)
    tag = Live("mastodon:hashtag:fiat")
    tag.stats.events, tag.stats.newest_at = 3, 1000
    watch.update(1001, [tag])
    for now in range(2000, 9000, 500):  # hours without a post: quiet, not behind
        watch.update(now, [tag])
    assert told == []


def test_a_live_client_replaying_old_events_is_reported_lagging_by_the_runner() -> None:
    """A real Jetstream client on a local server whose events are ten minutes older than the
    runner's clock: the runner raises the lagging alert (and exports the lag gauge)."""
    from reale.sources.jetstream_client import JetstreamClient
    from reale.sources.local.jetstream_server import JetstreamServer

    recording = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
    if not recording.exists():
        pytest.skip("wire recordings are not present")
    lines = recording.read_bytes().splitlines()
    newest = max(json.loads(x)["time_us"] for x in lines if x.strip()) / 1e6
    told: list[dict[str, Any]] = []

    async def scenario(clock_at: float) -> float:
        async with JetstreamServer(lines) as server:
            app = EmbeddedApp(Config(brands=(BrandConfig(name="Any", keywords=("the",)),)),
                              clock=ManualClock(clock_at), store_url="sqlite://:memory:")
            app.source_watch.notify.append(told.append)
            app.source_watch.lag_after, app.source_watch.lag_for = 120, 0
            async with app:
                client = JetstreamClient(url=server.url, sleep=NoWait(), close_timeout=0.1)
                stop = asyncio.Event()
                run = asyncio.create_task(app.run([client], stop))
                for _ in range(300):
                    if told or client.stats.events > 200:
                        break
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.3)  # a commit round or two
                stop.set()
                await run
                return app.metrics.value("reale_source_lag_seconds", source="jetstream")

    assert asyncio.run(scenario(newest + 5)) < 120 and told == []  # live: not lagging
    gauge = asyncio.run(scenario(newest + 600))
    assert [(t["source"], t["state"]) for t in told] == [("jetstream", "lagging")]
    assert told[0]["lag_seconds"] > 590 and gauge >= 590


def test_skipped_messages_oversized_included_are_counted_on_the_metrics() -> None:
    from reale.run.metrics import Metrics

    metrics = Metrics()
    watch = SourceWatch(metrics=metrics)
    jet = Live("jetstream")
    jet.stats.bad, jet.stats.extra["oversized"] = 2, 1
    watch.update(10, [jet])
    jet.stats.extra["oversized"] = 3
    watch.update(20, [jet])
    watch.update(30, [jet])  # counted once
    assert metrics.value("reale_skipped_total", source="jetstream") == 5
