"""The desk on Kafka, against the real tansu broker and PostgreSQL: posts go in through the
``posts`` topic, and the web desk's tables fill as they do with the embedded runner — an appeal
addressed to the brand becomes an opportunity, a burst becomes a moment whose alert is delivered
to a webhook; a batch read again adds nothing; an edited watch-query matches without a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reale.alerts import LocalReceiver
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.config import load_config
from reale.events import Author, Post
from reale.run.kafka import codec
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.publish import Publisher
from reale.run.kafka.runner import run_kafka
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.worker import Worker
from reale.store import Store, open_store
from reale.web import queries as web
from tests.kafka_helpers import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

SECRET = "kafka-desk-hook-secret"
VOLTA_POSTS = 9  # in desk_stream: the appeal and the burst
APPEAL = "@volta-auto.bsky.social can we get a Volta for our charity rally? pretty please"
BRAND = """
[[brands]]
name = "Volta"
handles = ["volta-auto.bsky.social"]
keywords = ["volta"]
"""
DESK = """
[signals.moments]
warmup = 0.0

[alerts]
poll_interval = 0.2

[[alerts.channels]]
name = "hook"
kind = "webhook"
url = "{url}"
secret_env = "HOOK_SECRET"

[[alerts.rules]]
name = "all"
channels = ["hook"]
"""


def post(i: int, text: str, at: float, *, to_brand: bool = False) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social"), text=text,
                created_at=at, langs=("en",),
                mentions=("volta-auto.bsky.social",) if to_brand else ())


def desk_stream(now: float) -> list[Post]:
    """Chatter, an appeal to the brand, and a burst of posts about a recall (within one of the
    moment detector's 30-second buckets, as a burst must be to be told from its baseline at once)."""
    now = float(int(now) // 30 * 30)
    chatter = [post(100 + i, f"nice weather in Turin today {i}", now) for i in range(20)]
    burst = [post(i, f"Volta recall announced for the brakes, owner {i} asks what now", now + i)
             for i in range(1, 9)]
    return [*chatter, post(0, APPEAL, now, to_brand=True), *burst]


def publish(settings: KafkaSettings, posts: Sequence[Post]) -> None:
    publisher = Publisher(settings)
    publisher.publish_many(posts)
    publisher.flush()
    publisher.close()


@contextmanager
def running(config_path: Path, settings: KafkaSettings, store: str, role: str,
            **kw: Any) -> Iterator[list[Worker]]:
    """``run_kafka`` for one role in a thread, stopped (as SIGTERM does) when the block ends;
    yields the workers it started."""
    started: list[Worker] = []
    config = load_config(config_path)
    thread = threading.Thread(target=run_kafka, args=(config,), kwargs=dict(
        bootstrap=settings.bootstrap, store_url=store, role=role, settings=settings,
        install_signals=False, ready=started.extend, **kw), daemon=True)
    thread.start()
    try:
        wait_until(lambda: bool(started), 30, "the workers")
        yield started
    finally:
        for w in started:
            w.stop()
        thread.join(60)
    assert not thread.is_alive()


def committed(settings: KafkaSettings) -> int:
    """Records of ``mentions`` the brand stage has stored and committed."""
    return sum(r.committed or 0 for r in consumer_lag(settings, ("brands",)))


def count(store: Store, table: str) -> int:
    return int(store.query(f"SELECT COUNT(*) FROM {table}")[0][0])


def setup(kafka_bootstrap: str, tmp_path: Path, url: str) -> tuple[KafkaSettings, Path]:
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                             heartbeat_ms=200, snapshot_interval=0.0)
    init_topics(settings)
    config = tmp_path / "reale.toml"
    config.write_text(BRAND + DESK.format(url=url))
    return settings, config


def test_an_appeal_becomes_an_opportunity_and_a_burst_an_alert_delivered_to_the_team(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    with LocalReceiver(secret=SECRET) as receiver:
        settings, config = setup(kafka_bootstrap, tmp_path, receiver.url)
        publish(settings, desk_stream(time.time()))
        secrets = {"hook": ChannelSecrets(url=receiver.url, secret=Secret(SECRET))}
        with open_store(fresh_postgres_url) as store, \
                running(config, settings, fresh_postgres_url, "all", alert_secrets=secrets):
            wait_until(lambda: any(r.json()["alert"]["kind"] == "moment"
                                   for r in receiver.accepted), 60, "the moment's alert")
            wait_until(lambda: count(store, "opportunities") > 0, 30, "an opportunity")
        with open_store(fresh_postgres_url) as store:  # what the web desk reads
            [appeal] = [o for o in web.opportunities(store, brand="Volta") if o.text == APPEAL]
            assert appeal.kind == "appeal" and any("asks the brand" in r for r in appeal.reasons)
            assert web.labels_for(store, [appeal.post_uri])[appeal.post_uri].intent == "appeal"
            assert "volta recall" in {m.alert.term for m in web.moments(store, scope="Volta")}
        assert all(r.verified for r in receiver.accepted)  # signed as the embedded runner signs
        delivered = {r.json()["alert"]["dedup_key"] for r in receiver.accepted}
        assert "moment:Volta:Volta:volta recall:" in " ".join(delivered)
        assert receiver.duplicates == 0
        assert not store_rows(fresh_postgres_url, "SELECT brand FROM mentions WHERE brand <> 'Volta'")


def store_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with open_store(url) as store:
        return store.query(sql)


def test_a_batch_read_again_after_a_crash_adds_no_opportunity_record_or_alert(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings, config = setup(kafka_bootstrap, tmp_path, "http://127.0.0.1:9/hook")
    publish(settings, desk_stream(time.time()))
    env = {"alert_secrets": {"hook": ChannelSecrets(url="http://127.0.0.1:9/hook",
                                                    secret=Secret(SECRET))}}
    tables = ("opportunities", "labels", "moments", "alert_outbox", "mentions")
    with open_store(fresh_postgres_url) as store:
        with running(config, settings, fresh_postgres_url, "all", **env):
            wait_until(lambda: committed(settings) == VOLTA_POSTS, 60, "the brand stage")
        before = {t: count(store, t) for t in tables}
        assert before["mentions"] == before["opportunities"] == VOLTA_POSTS
        # As after a SIGKILL: the matcher publishes its mentions again, and the brand stage's
        # state is gone (no snapshot), so a new owner treats every mention as new.
        with store.transaction() as tx:
            tx.execute("DELETE FROM snapshots WHERE name LIKE 'kafka:reale-brands:%'")
        replay = Publisher(settings)
        for m in store.recent_mentions(limit=100):
            replay.send_raw(settings.topic("mentions"), codec.mention_key(m), codec.encode(m))
        replay.flush()
        replay.close()
        with running(config, settings, fresh_postgres_url, "stages", **env):
            wait_until(lambda: committed(settings) == 2 * VOLTA_POSTS, 60, "the replayed batch")
        assert {t: count(store, t) for t in tables} == before
        keys = store.query("SELECT channel, dedup_key, COUNT(*) FROM alert_outbox"
                           " GROUP BY channel, dedup_key HAVING COUNT(*) > 1")
        assert keys == []


def test_an_edited_watch_query_matches_without_restarting_the_matcher(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings, config = setup(kafka_bootstrap, tmp_path, "http://127.0.0.1:9/hook")
    config.write_text("reload_interval = 0.2\n" + BRAND)
    now = time.time()
    with open_store(fresh_postgres_url) as store, \
            running(config, settings, fresh_postgres_url, "matcher"):
        publish(settings, [post(1, "the new Zephyr scooter is out", now),
                           post(2, "my Volta is back from service", now)])
        wait_until(lambda: count(store, "mentions") == 1, 30, "the Volta mention")
        config.write_text("reload_interval = 0.2\n" + BRAND + '\n[[brands]]\nname = "Zephyr"\n'
                          'keywords = ["zephyr"]\n')
        n = 10

        def zephyr_matched() -> bool:
            nonlocal n
            n += 1
            publish(settings, [post(n, f"a Zephyr scooter, number {n}", time.time())])
            return bool(store.query("SELECT 1 FROM mentions WHERE brand = 'Zephyr'"))

        wait_until(zephyr_matched, 30, "the edited query to match", step=0.3)
    brands = store_rows(fresh_postgres_url, "SELECT brand, post_uri FROM mentions")
    assert ("Zephyr", post(1, "", 0).uri) not in brands  # matched before the edit: not again
    assert ("Volta", post(2, "", 0).uri) in brands
