"""Delivery you can trust, shown against a real HTTP receiver on 127.0.0.1 with faults injected:
down, slow, 500s, 429s, refusals. Time is a ManualClock (back-off and rate limits never wait on
the wall clock): nothing is lost, nothing is accepted twice, and each brand's alerts arrive in
the order they were raised."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import pytest

from reale.alerts import AlertDispatcher, LocalReceiver, SQLiteDatabase, ensure_schema
from reale.alerts.secrets import ChannelSecrets
from reale.clock import ManualClock
from tests.alerts_helpers import (
    SECRET,
    T0,
    alert,
    config,
    dispatcher,
    hook_secrets,
    webhook_channel,
)


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def drain(d: AlertDispatcher, clock: ManualClock, *, limit: float = 3600.0) -> None:
    """Step, and jump the clock to whatever is due next, until nothing waits (or ``limit``)."""
    end = clock.now() + limit
    while clock.now() <= end:
        wake = await d.step()
        if wake is None:
            return
        clock.set(max(clock.now(), wake))
    raise AssertionError("the outbox did not drain")


def order_by_brand(receiver: LocalReceiver) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in receiver.accepted:
        body = r.json()
        out[body["brand"]].append(body["alert"]["id"])
    return dict(out)


RULES = [{"name": "all", "channels": ["hook"]}]


def setup(receiver: LocalReceiver, clock: ManualClock, **channel: object) -> AlertDispatcher:
    cfg = config([webhook_channel(url=receiver.url, **channel)], RULES)
    return dispatcher(cfg, clock, hook_secrets(receiver.url))


def test_a_signed_alert_reaches_the_receiver() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock)
        assert [e.outcome for e in d.submit(alert(1))] == ["queued"]
        assert run(d.step()) is None
        [got] = receiver.accepted
        assert got.verified is True and got.delivery_id == "a00001.hook"
        assert got.json()["alert"]["title"] == "Alert 1"
        assert got.headers["X-Reale-Event"] == "alert.created"
        assert d.outbox.counts()["sent"] == 1
        run(d.aclose())


def test_500s_are_retried_with_backoff_until_the_receiver_recovers() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock)
        receiver.fail_next(3, status=503)
        d.submit(alert(1))
        wake = run(d.step())
        assert isinstance(wake, float) and T0 + 1 <= wake <= T0 + 2  # base 2 s, equal jitter
        row = d.outbox.get("a00001.hook")
        assert row is not None and row.attempts == 1 and "HTTP 503" in row.last_error
        run(drain(d, clock))
        assert len(receiver.requests) == 4 and len(receiver.accepted) == 1
        assert d.stats.retried == 3 and d.stats.sent == 1
        run(d.aclose())


def test_a_slow_receiver_times_out_and_the_retry_is_recognised_by_its_delivery_id() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock, timeout=0.2)
        receiver.hang_next(1, 3.0)  # does the work, answers after the client gave up
        d.submit(alert(1))
        run(d.step())
        row = d.outbox.get("a00001.hook")
        assert row is not None and row.state == "pending" and "no answer within 0.2 s" in row.last_error
        run(drain(d, clock))
        assert [r.delivery_id for r in receiver.requests] == ["a00001.hook", "a00001.hook"]
        assert len(receiver.accepted) == 1 and receiver.duplicates == 1
        run(d.aclose())


def test_a_failing_alert_holds_back_its_brand_but_not_the_others() -> None:
    clock = ManualClock(T0)
    receiver = LocalReceiver(secret=SECRET, clock=clock).start()
    try:
        d = setup(receiver, clock)
        receiver.fail_next(1)
        d.submit(alert(1, brand="Acme"))
        run(d.step())  # Acme's first alert failed and waits for its retry
        d.submit(alert(2, brand="Acme"))
        d.submit(alert(3, brand="Bolt"))
        run(d.step())
        assert order_by_brand(receiver) == {"Bolt": ["a00003"]}
        run(drain(d, clock))
        assert order_by_brand(receiver) == {"Bolt": ["a00003"], "Acme": ["a00001", "a00002"]}
        run(d.aclose())
    finally:
        receiver.stop()


def test_receiver_down_for_ten_minutes_then_back_every_alert_exactly_once_in_order() -> None:
    clock = ManualClock(T0)
    receiver = LocalReceiver(secret=SECRET, clock=clock).start()
    brands = ["Acme", "Bolt", "Cora"]
    try:
        d = setup(receiver, clock)
        receiver.stop()  # down: connections refused on its port
        sent: dict[str, list[str]] = defaultdict(list)
        for n in range(120):  # one alert every 5 s for 10 minutes, across three brands
            a = alert(n, brand=brands[n % 3], at=clock.now())
            d.submit(a)
            sent[a.brand].append(a.id)
            run(d.step())
            clock.advance(5.0)
        assert receiver.accepted == [] and d.outbox.counts()["dead"] == 0
        receiver.start()  # back, on the same port
        back = clock.now()
        run(drain(d, clock))
        assert order_by_brand(receiver) == dict(sent)
        assert receiver.duplicates == 0 and len(receiver.accepted) == 120
        assert all(r.verified for r in receiver.accepted)
        assert d.outbox.counts() == {"held": 0, "pending": 0, "sent": 120, "dead": 0, "digested": 0}
        assert clock.now() - back <= 60.0  # the heads' next retry is at most backoff_max away
        run(d.aclose())
    finally:
        receiver.stop()


def test_after_max_attempts_an_alert_is_dead_lettered_and_the_lane_moves_on() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock, max_attempts=3)
        receiver.fail_next(3)
        d.submit(alert(1))
        d.submit(alert(2))
        run(drain(d, clock))
        [dead] = d.outbox.list(["dead"])
        assert dead.alert_id == "a00001" and dead.attempts == 3 and "gave up after 3 tries" in dead.last_error
        assert [r.json()["alert"]["id"] for r in receiver.accepted] == ["a00002"]
        d.outbox.requeue(dead.delivery_id, clock.now())  # what `reale alerts --retry ID` does
        run(drain(d, clock))
        assert [r.json()["alert"]["id"] for r in receiver.accepted] == ["a00002", "a00001"]
        run(d.aclose())


def test_a_refusal_is_not_retried() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock)
        receiver.fail_next(1, status=404)
        d.submit(alert(1))
        run(d.step())
        [dead] = d.outbox.list(["dead"])
        assert "HTTP 404" in dead.last_error and "reale alerts --retry" in dead.last_error
        assert len(receiver.requests) == 1
        run(d.aclose())


def test_a_wrong_secret_is_refused_by_the_receiver() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret="the-receivers-key", clock=clock) as receiver:
        d = setup(receiver, clock)
        d.submit(alert(1))
        run(d.step())
        assert receiver.accepted == [] and receiver.requests[0].verified is False
        assert "HTTP 401" in d.outbox.list(["dead"])[0].last_error
        run(d.aclose())


def test_the_channel_rate_limit_spreads_a_burst() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock, rate_per_minute=6, burst=2)
        for n in range(5):
            d.submit(alert(n, brand=f"B{n}"))
        wake = run(d.step())
        assert len(receiver.accepted) == 2 and wake == pytest.approx(T0 + 10)
        run(drain(d, clock))
        times = [r.json()["sent_at"] for r in receiver.accepted]
        assert times == [T0, T0, T0 + 10, T0 + 20, T0 + 30]
        run(d.aclose())


def test_a_429_pauses_the_channel_for_as_long_as_the_receiver_asks() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock)
        receiver.fail_next(1, status=429, retry_after=30)
        d.submit(alert(1))
        assert run(d.step()) == pytest.approx(T0 + 30)
        run(drain(d, clock))
        assert receiver.accepted[0].json()["sent_at"] == pytest.approx(T0 + 30)
        run(d.aclose())


def test_credentials_never_reach_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(T0)
    token = "T0001/B0002/XyZsecretTokenValue123"
    with LocalReceiver(clock=clock) as receiver:
        url = receiver.url + "/" + token
        receiver.fail_next(1, status=500, text=f"no such hook {token}")
        receiver.fail_next(1, status=404, text=f"no such hook {token}")
        cfg = config([{"name": "slack", "kind": "slack", "url_env": "SLACK_URL"}],
                     [{"name": "r", "channels": ["slack"]}])
        d = dispatcher(cfg, clock, {"slack": ChannelSecrets(url=url)})
        caplog.set_level(logging.DEBUG)
        d.submit(alert(1))
        run(drain(d, clock))
        receiver.stop()
        d.outbox.requeue("1", clock.now())
        run(d.step())  # connection refused, with the URL in httpx's own error
        row = d.outbox.get("1")
        assert row is not None and row.attempts == 1 and row.last_error
        everything = caplog.text + " ".join(r.last_error for r in d.outbox.list(STATES_ALL))
        assert "XyZsecretTokenValue123" not in everything and "***" in everything
        run(d.aclose())


STATES_ALL = ["held", "pending", "sent", "dead", "digested"]


def test_the_run_loop_delivers_as_soon_as_an_alert_is_submitted() -> None:
    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        arrived = asyncio.Event()
        with LocalReceiver(secret=SECRET,
                           on_receive=lambda r: loop.call_soon_threadsafe(arrived.set)) as receiver:
            cfg = config([webhook_channel(url=receiver.url)], RULES, poll_interval=30.0)
            db = SQLiteDatabase(":memory:")
            ensure_schema(db)
            d = AlertDispatcher(cfg, db, secrets=hook_secrets(receiver.url))  # the real clock
            stop = asyncio.Event()
            task = asyncio.create_task(d.run(stop))
            await asyncio.sleep(0)
            start = loop.time()
            d.raise_opportunity_alert({"id": "o1", "brand": "Acme", "score": 0.9, "text": "hi"})
            await asyncio.wait_for(arrived.wait(), timeout=10)
            took = loop.time() - start
            stop.set()
            await asyncio.wait_for(task, timeout=10)
            await d.aclose()
            assert receiver.accepted[0].json()["alert"]["dedup_key"] == "opportunity:o1"
            return took

    assert run(scenario()) < 10  # woken by submit, not by the 30 s poll


def test_a_long_burst_drains_at_the_channel_rate() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(secret=SECRET, clock=clock) as receiver:
        d = setup(receiver, clock, rate_per_minute=600, burst=60)
        for n in range(300):
            d.submit(alert(n, brand=f"B{n % 5}"))
        run(drain(d, clock))  # float slivers of a token must not stall the clock
        assert len(receiver.accepted) == 300
        assert clock.now() - T0 == pytest.approx(24.0, abs=0.5)  # 60 at once, then 10 a second
        run(d.aclose())


def test_the_demo_wiring_prints_one_line_per_alert() -> None:
    from reale.alerts.admin import local_webhook, summary

    clock = ManualClock(T0)
    lines: list[str] = []
    with LocalReceiver(secret="demo", clock=clock, on_receive=lambda r: lines.append(summary(r.json()))) as receiver:
        cfg, secrets = local_webhook(receiver.url, "demo")
        db = SQLiteDatabase(":memory:")
        ensure_schema(db)
        d = AlertDispatcher(cfg, db, secrets=secrets, clock=clock)
        d.raise_opportunity_alert({"id": "car", "brand": "Auto", "score": 0.95, "kind": "appeal",
                                   "author": "influencer", "text": "@auto give me a car\nplease"})
        d.raise_moment_alert({"term": "#blackout", "rate": 50, "baseline": 2})
        run(d.step())
        run(d.aclose())
    assert sorted(lines) == [  # two brands, two lanes: they may arrive in either order
        "[Auto] high opportunity: Appeal from @influencer — @auto give me a car please",
        "[Reale] high moment: Moment: #blackout is rising (25x its usual rate)"]


def test_a_long_post_in_the_one_line_summary_ends_with_an_ellipsis() -> None:
    from reale.alerts.admin import summary

    line = summary({"alert": {"brand": "Lampo", "severity": "high", "kind": "opportunity",
                              "title": "Complaint from @a", "post": {"text": "word " * 40}}})
    assert line.endswith("word…")
    assert len(line.split(" — ", 1)[1]) == 80
