"""Whole-stream moments on Kafka, against the real tansu broker and PostgreSQL: a burst of posts
by many authors, spread over the ``posts`` partitions (and a thread of replies, counted once),
becomes one moment "a brand could join", with its safety read, in the web desk's table and one
alert delivered to a webhook; partials published a second time (as after a SIGKILL) change
nothing."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reale.alerts import LocalReceiver
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.events import Author, Post
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.deps import confluent_kafka
from reale.run.kafka.moment_counts import TermPartial, conversation_source, decode_partial
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import MOMENT_TERMS, KafkaSettings, consumer_config
from reale.store import Store, open_store
from reale.web import queries as web
from tests.kafka_helpers import wait_until, worker_command, workers
from tests.test_kafka_desk import DESK, publish, running
from tests.test_kafka_moment_owner import embedded, owners
from tests.test_kafka_moment_owner import stream as owner_stream

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

SECRET = "kafka-moments-hook-secret"
AUTHORS = 12
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris",
         "juniper", "kestrel", "lagoon", "meadow", "nectar")


def post(i: int, text: str, at: float) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:fan{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:fan{i}", handle=f"fan{i}.bsky.social"), text=text,
                created_at=at, langs=("en",))


def burst(start: float) -> list[Post]:
    """One post per author over 40 seconds (wherever that falls against the buckets), sharing
    only the hashtag."""
    return [post(i, f"#blackout {WORDS[i]}{i}", start + i * 40.0 / AUTHORS)
            for i in range(AUTHORS)]


def thread(start: float) -> list[Post]:
    """Twelve more fans replying "#blackout" under one post in the same 40 seconds: one
    conversation, so the term counts once (the embedded detector's rule)."""
    root = "at://did:plc:stadium/app.bsky.feed.post/root"
    return [msgspec.structs.replace(post(300 + i, f"#blackout {WORDS[i]} again", start + 1 + 3 * i),
                                    reply_root=root, reply_parent=root) for i in range(AUTHORS)]


def chatter(start: float) -> list[Post]:
    """The hour before: a post every 30 s of words of its own. The detector has a baseline then
    (without one it takes its first bucket as the baseline, and a burst that spills over a bucket
    boundary would not stand out of it)."""
    return [post(500 + k, f"{WORDS[k % len(WORDS)]}{k} {WORDS[(k + 5) % len(WORDS)]}x{k}",
                 start - 3600 + 30.0 * k) for k in range(120)]


class Partials:
    """Reads ``moment-terms`` from the beginning in a group of its own (not the merger's)."""

    def __init__(self, settings: KafkaSettings) -> None:
        conf = consumer_config(settings, "test-moment-terms-reader", "test-reader")
        self.consumer: Any = confluent_kafka().Consumer(conf)
        self.consumer.subscribe([settings.topic(MOMENT_TERMS)])
        self.raw: list[tuple[bytes, bytes]] = []

    def read(self) -> list[TermPartial]:
        for m in self.consumer.consume(500, 0.2):
            if m.error() is None:
                self.raw.append((m.key(), m.value()))
        return [decode_partial(v) for _, v in self.raw]

    def close(self) -> None:
        self.consumer.close()


def latest_counts(partials: list[TermPartial], term: str) -> dict[int, int]:
    """Input partition -> posts with ``term`` it counted (its latest partial per bucket)."""
    latest: dict[tuple[int, int], TermPartial] = {}
    for p in partials:
        if p.term == term and p.version >= latest.get((p.source, p.bucket), p).version:
            latest[(p.source, p.bucket)] = p
    out: dict[int, int] = {}
    for (source, _), p in latest.items():
        out[source] = out.get(source, 0) + p.count
    return out


def moment_rows(store: Store) -> list[tuple[Any, ...]]:
    return store.query("SELECT dedup_key, channel FROM alert_outbox WHERE dedup_key LIKE 'moment:%'")


def test_a_whole_stream_burst_is_one_moment_with_its_safety_read_and_one_alert(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                             heartbeat_ms=200, snapshot_interval=0.0)
    assert "moment-terms" in {r.topic for r in init_topics(settings)}
    start = float(int(time.time()) // 30 * 30) - 5.0  # straddles a bucket boundary, on purpose
    posts = burst(start)
    replies = thread(start)
    with LocalReceiver(secret=SECRET) as receiver, open_store(fresh_postgres_url) as store:
        config = tmp_path / "reale.toml"
        config.write_text(DESK.format(url=receiver.url))
        secrets = {"hook": ChannelSecrets(url=receiver.url, secret=Secret(SECRET))}
        reader = Partials(settings)
        try:
            with running(config, settings, fresh_postgres_url, "moments", alert_secrets=secrets):
                publish(settings, [*chatter(start), *posts, *replies])
                wait_until(lambda: sum(latest_counts(reader.read(), "#blackout").values())
                           == AUTHORS + 1, 60, "the burst's partials")
                # the authors' posts were counted on both posts partitions, the thread once on
                # the interactions partition of its root, then merged
                sources = set(latest_counts(reader.read(), "#blackout"))
                assert sources - {0, 1} in ({conversation_source(0)}, {conversation_source(1)})
                # As after a SIGKILL between publishing and committing: every partial again.
                again = Publisher(settings)
                for key, value in list(reader.raw):
                    again.send_raw(settings.topic(MOMENT_TERMS), key, value)
                again.flush()
                again.close()
                # Later posts move the stream's time past the burst's buckets and their grace.
                publish(settings, [post(100 + j, f"#blackout the lights are back {WORDS[j]}",
                                        start + 200 + j) for j in range(3)])
                wait_until(lambda: bool(web.moments(store, scope="*")), 60, "the moment")
                wait_until(lambda: any(r.json()["alert"]["kind"] == "moment"
                                       for r in receiver.accepted), 60, "the moment's alert")
        finally:
            reader.close()
        [moment] = web.moments(store, scope="*")
        alert = moment.alert
        assert alert.term == "#blackout"
        # counted once per post and once for the thread: the partials sent twice did not
        # double it
        assert alert.count == sum(1 for p in posts if p.created_at < alert.at) + 1 >= 5
        assert alert.safety is not None and alert.safety.verdict == "safe"
        assert alert.safety.posts >= 3  # example posts read for sentiment and emotion
        assert all("#blackout" in e.text for e in alert.examples)
        assert moment_rows(store) == [(f"moment::*:#blackout:{int(alert.at)}", "hook")]
        [delivered] = [r for r in receiver.accepted if r.json()["alert"]["kind"] == "moment"]
        assert delivered.verified and receiver.duplicates == 0


def test_a_moments_worker_killed_mid_stream_neither_loses_nor_doubles_a_count(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2)
    init_topics(settings)
    monkeypatch.setenv("HOOK_SECRET", SECRET)  # the workers' alert channel (nobody listens)
    config = tmp_path / "reale.toml"
    config.write_text(DESK.format(url="http://127.0.0.1:9/hook"))
    # ten minutes ago (a post timed far in the future would be taken as posted now)
    start = float(int(time.time() - 600) // 30 * 30) - 5.0
    posts = burst(start)
    stream = [*chatter(start), *posts]
    half = len(stream) // 2
    # A grace longer than the burst; the later posts come once the survivor has counted the
    # stream (else, far enough ahead, they would close the burst's buckets without the posts
    # of the dead worker's partition: late, by design).
    cmd = worker_command("moments", kafka_bootstrap, fresh_postgres_url, config,
                         "--batch-size", "20", "--snapshot-interval", "0.2", "--grace", "120")
    with workers([cmd, cmd], tmp_path) as (doomed, _survivor), \
            open_store(fresh_postgres_url) as store:
        publish(settings, stream[:half])
        wait_until(lambda: any(r.committed for r in consumer_lag(settings, ("moment-counts",))),
                   90, "the count stage to commit a batch")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        publish(settings, stream[half:])
        wait_until(lambda: sum(r.committed or 0 for r in consumer_lag(settings, (
            "moment-counts",))) >= len(stream), 90, "the survivor to count the whole stream")
        publish(settings, [post(100 + j, f"#blackout the lights are back {WORDS[j]}",
                                start + 500 + j) for j in range(3)])
        wait_until(lambda: bool(web.moments(store, scope="*")), 120, "the moment")
        [moment] = web.moments(store, scope="*")
        assert moment.alert.term == "#blackout"
        assert moment.alert.count == sum(1 for p in posts if p.created_at < moment.alert.at)
        assert moment_rows(store) == [(f"moment::*:#blackout:{int(moment.alert.at)}", "hook")]


OWNED = """
[[brands]]
name = "Volta"
handles = ["volta-auto.bsky.social"]
keywords = ["volta"]

[signals.moments]
warmup = 0.0
"""


def test_a_brands_own_wave_is_labelled_its_own_as_on_the_embedded_runner(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    """The ``moments`` role matches each post with the config's watch-queries: the complaint
    wave addressed to Volta by its handle is Volta's (read avoid, never offered to join), the
    stadium blackout that tags Volta twice in twelve posts is nobody's: the owners the embedded
    runner gives the same stream (tests/test_kafka_moment_owner.py)."""
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                             heartbeat_ms=200, snapshot_interval=0.0)
    init_topics(settings)
    posts = owner_stream(float(int(time.time()) // 30 * 30) - 4800)
    assert owners(embedded(posts)) == {"#brakegate": "Volta", "#blackout": ""}
    config = tmp_path / "reale.toml"
    config.write_text(OWNED)
    with open_store(fresh_postgres_url) as store:
        with running(config, settings, fresh_postgres_url, "moments"):
            publish(settings, posts)
            wait_until(lambda: len(web.moments(store, scope="*")) >= 2, 60, "the two moments")
        stored = {m.alert.term: m.alert for m in web.moments(store, scope="*")}
    assert stored["#brakegate"].owner == "Volta" and stored["#blackout"].owner == ""
    # terms of either story on other ``moment-terms`` partitions (so merged elsewhere: "failed",
    # "stadium lights") get the owner of their story's posts
    for a in stored.values():
        assert (a.owner == "Volta") == any("#brakegate" in e.text for e in a.examples), a.term
    wave = stored["#brakegate"]
    assert wave.safety is not None and wave.safety.verdict == "avoid"
    assert wave.safety.reasons[0].startswith("Volta's own mentions:")
