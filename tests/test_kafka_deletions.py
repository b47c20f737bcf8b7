"""Deletions through the Kafka runner: they travel on ``posts`` keyed by their author (a post's
deletion follows it on its partition), the matcher writes them, and the store erases the posts,
on a real broker (tansu) and the embedded PostgreSQL; the codec and the matcher stage alone too."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from reale.events import Deletion, Post
from reale.match import Matcher
from reale.run.kafka import codec
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.check import (
    brands_toml,
    reference_mentions,
    simulated_brands,
    simulated_events,
    stored_mentions,
)
from reale.run.kafka.matcher import MatcherStage
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import POSTS, KafkaSettings
from reale.store import open_store
from tests.kafka_helpers import Consumed, wait_until, worker_command, workers


def gone(post: Post) -> Deletion:
    return Deletion(network=post.network, uri=post.uri, author_id=post.author.id,
                    deleted_at=post.created_at + 60)


def test_deletions_share_the_posts_topic_with_their_posts_key_and_decode_apart() -> None:
    post = next(e for e in simulated_events(5) if isinstance(e, Post))
    unsaid = Deletion(network="mastodon", uri="mastodon://m.social/statuses/7", deleted_at=0.0)
    assert codec.deletion_key(gone(post)) == codec.post_key(post)
    assert codec.deletion_key(unsaid) == unsaid.uri.encode()
    events, bad = codec.decode_posts([codec.encode(post), codec.encode(gone(post)), b"\xc1junk",
                                      codec.encode(unsaid)])
    assert events == [post, gone(post), unsaid] and bad == 1
    assert codec.decode_post_or_deletion(codec.encode(gone(post))) == gone(post)


def test_the_matcher_stage_hands_deletions_to_the_store_and_counts_them() -> None:
    events = simulated_events(200, seed=5)
    posts = [e for e in events if isinstance(e, Post)]
    settings = KafkaSettings(bootstrap="127.0.0.1:1")
    matcher = Matcher.from_brands(simulated_brands())
    stage = MatcherStage(settings, lambda: matcher)
    records = [Consumed(settings.topic(POSTS), 0, i, codec.encode(e)) for i, e in
               enumerate([*posts, gone(posts[0]), gone(posts[1])])]
    out = stage.process(records, 0.0)
    assert out.deletions == 2 and out.bad == 0
    assert [i for i in out.items if isinstance(i, Deletion)] == [gone(posts[0]), gone(posts[1])]


@pytest.mark.kafka
@pytest.mark.postgres
def test_a_matcher_worker_erases_deleted_posts_in_the_shared_store(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    events = simulated_events(1500, seed=3)
    brands = simulated_brands()
    mentioned = sorted({uri for _, uri, _, _ in reference_mentions(events, brands)})
    assert len(mentioned) >= 5
    by_uri = {e.uri: e for e in events if isinstance(e, Post)}
    deleted = [gone(by_uri[uri]) for uri in mentioned[:3]]
    early = gone(by_uri[mentioned[3]])  # its delete is published before the post
    unknown = Deletion(network="bluesky", uri="at://did:plc:nobody/app.bsky.feed.post/1",
                       author_id="did:plc:nobody", deleted_at=1.0)
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=4)
    init_topics(settings)
    config = tmp_path / "reale.toml"
    config.write_text(brands_toml(brands))
    publisher = Publisher(settings)
    records = 0
    with workers([worker_command("matcher", kafka_bootstrap, fresh_postgres_url, config,
                                 "--batch-size", "100")], tmp_path) as (matcher,):
        for ev in [early, unknown, *events, *deleted, deleted[0]]:  # one delete comes twice
            publisher.publish(ev)
            records += isinstance(ev, (Post, Deletion))
        publisher.flush()
        publisher.close()
        wait_until(lambda: sum(r.committed or 0 for r in consumer_lag(settings, ("matcher",)))
                   >= records, 90, "the matcher to read every post and deletion", step=0.2)
        matcher.send_signal(signal.SIGTERM)
        assert matcher.wait(30) == 0
    log = (tmp_path / "worker0.log").read_text()
    assert '"deletions": 6' in log and '"deletions_applied": 4' in log, log[-2000:]
    with open_store(fresh_postgres_url) as store:
        assert len(stored_mentions(store)) == len(mentioned)  # every mention stays
        for d in [*deleted, early]:
            post = store.get_post(d.uri)
            assert post is not None and post.text == "" and post.deleted_at == d.deleted_at
        kept = store.get_post(mentioned[4])
        assert kept is not None and kept.text == by_uri[mentioned[4]].text
        assert store.table_counts()["deletions"] == 5


def test_a_deletion_reaches_the_aftermath_watch_of_its_conversation_on_interactions(
        tmp_path: Path) -> None:
    """The source publishes a deletion on ``interactions`` too, keyed by the deleted post as
    the conversation it roots: the conversation stage's watch records it, after the act."""
    from reale.clock import ManualClock
    from reale.config import Config
    from reale.run.kafka.conversations import ConversationStage
    from reale.run.kafka.desk import KafkaDesk
    from reale.web.data import AftermathRecord
    from tests.test_kafka_desk_parts import VOLTA, Raw, opened

    root = "at://did:plc:matteo/app.bsky.feed.post/1"
    clock = ManualClock(1_000_000.0)
    deletion = Deletion(network="bluesky", uri=root, author_id="did:plc:matteo",
                        deleted_at=clock.now() + 600)
    assert codec.deleted_post_key(deletion) == codec.watch_key(codec.Watch("Volta", root))
    assert codec.decode_conversation(codec.encode_conversation(deletion)) == deletion
    assert codec.decode_conversation_post(codec.encode_conversation(deletion)) is None
    desk = KafkaDesk(Config(brands=(VOLTA,)), clock)
    with opened(tmp_path) as store:
        stage = ConversationStage(KafkaSettings(), store, clock, group="reale-conversations",
                                  snapshot_interval=0, desk=desk, poll_every=0)
        watch = codec.encode_watch(codec.Watch("Volta", root, clock.now()))
        store.write_batch(stage.process([Raw("tracked", watch, 0)], clock.now()).items)
        watches = stage.keyed.state(0).watches
        assert watches is not None
        watches.stage.aftermath.acted(f"Volta|{root}", "at://did:plc:volta/reply", clock.now())
        clock.advance(600)
        out = stage.process([Raw("interactions", codec.encode_conversation(deletion), 1)],
                            clock.now())
        assert out.bad == 0 and out.events_out == 0  # nothing of it is stored as a reaction
        (record,) = [i for i in out.items if isinstance(i, AftermathRecord)]
        assert record.status.deleted_at == deletion.deleted_at
        store.write_batch(out.items)
        [(body,)] = store.query("SELECT body FROM aftermath")
        assert '"deleted_at":1000600.0' in body
