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
