"""On Kafka the conversation stage's cascades (every reply, quote, repost and like of a followed
root post, keyed by root) are kept when they leave memory, as the embedded runner keeps its
evicted cascades: the batch that evicts one (cold for ``cold_after``, or the least recently active
past ``max_cascades``) writes its final stats as ``conversation-cascade:<root>`` in its
transaction, beside, never over, the brand stage's ``cascade:<root>`` of the same post. PostgreSQL
as the store; the stages' batches are fed by hand (no broker)."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.events import Author, Interaction, Mention, Post
from reale.run.cascade_archive import CONVERSATION_PREFIX, archived
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.conversations import ConversationStage
from reale.run.kafka.settings import INTERACTIONS, MENTIONS, TRACKED, KafkaSettings
from reale.run.kafka.snapshots import NamedBlob
from reale.run.kafka.snapshots import register as register_snapshots
from reale.signals.cascades import CascadeConfig
from reale.store import Store, open_store
from tests.kafka_helpers import Consumed

pytestmark = [pytest.mark.postgres]

T0 = 1_767_225_600.0
SETTINGS = KafkaSettings()


def root(i: int) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social", followers=900),
                text="can Volta lend me a car?", created_at=T0, langs=("en",))


def repost(of: Post, k: int) -> Interaction:
    return Interaction(network="bluesky", uri=f"at://did:plc:r{k}/app.bsky.feed.repost/{k}",
                       kind="repost", subject=of.uri, author=Author(id=f"did:plc:r{k}"),
                       created_at=T0 + k)


def record(topic: str, offset: int, value: bytes) -> Consumed:
    return Consumed(SETTINGS.topic(topic), 0, offset, value)


def followed(post: Post, reposts: int, start: int = 0) -> list[Consumed]:
    """The mentioned post's marker on ``tracked`` and its reposts on ``interactions``."""
    return [record(TRACKED, start, codec.encode_marker(post, mentioned=True)),
            *(record(INTERACTIONS, start + k, codec.encode_conversation(repost(post, k)))
              for k in range(reposts))]


def stage(store: Store, clock: ManualClock, **cascades: int) -> ConversationStage:
    return ConversationStage(SETTINGS, store, clock, group="reale-conversations",
                             snapshot_interval=3600, cascades=CascadeConfig(**cascades))


def rows(items: list[object]) -> dict[str, NamedBlob]:
    return {i.name: i for i in items if isinstance(i, NamedBlob)}


def test_a_cold_cascade_is_stored_by_the_batch_that_evicts_it(fresh_postgres_url: str) -> None:
    clock = ManualClock(T0)
    with open_store(fresh_postgres_url) as store:
        register_snapshots(store)
        conversations = stage(store, clock)
        first = conversations.process(followed(root(1), reposts=3), clock.now())
        assert not rows(first.items)  # still warm: in memory only
        store.write_batch(first.items)
        clock.advance(7 * 3600)  # idle past cold_after (6 h): the next batch evicts it
        later = conversations.process([], clock.now())
        assert list(rows(later.items)) == [CONVERSATION_PREFIX + root(1).uri]
        store.write_batch(later.items)
        doc = archived(store, root(1).uri, CONVERSATION_PREFIX)
    assert doc is not None
    assert doc["stats"]["size"] == 3 and doc["stats"]["root_author"] == "did:plc:u1"
    assert doc["momentum"] is None  # momentum is the brand stage's (its cascade:<root> row)


def test_past_max_cascades_the_least_recently_active_is_stored(fresh_postgres_url: str) -> None:
    clock = ManualClock(T0)
    with open_store(fresh_postgres_url) as store:
        register_snapshots(store)
        conversations = stage(store, clock, max_cascades=1)
        first = conversations.process(followed(root(1), reposts=2), clock.now())
        assert not rows(first.items)
        store.write_batch(first.items)
        out = conversations.process(followed(root(2), reposts=1, start=10), clock.now())
        assert list(rows(out.items)) == [CONVERSATION_PREFIX + root(1).uri]
        store.write_batch(out.items)
        doc = archived(store, root(1).uri, CONVERSATION_PREFIX)
    assert doc is not None and doc["stats"]["size"] == 2


def test_the_brand_stage_and_the_conversation_stage_keep_a_root_each_under_its_own_name(
        fresh_postgres_url: str) -> None:
    """The same mentioned post is a cascade on both stages (the brand stage's with its
    momentum, the conversation stage's with its reposts): evicted by both, both rows stay."""
    clock = ManualClock(T0)
    post = root(1)
    mention = record(MENTIONS, 0, codec.encode(Mention(brand="Volta", query="volta", post=post)))
    with open_store(fresh_postgres_url) as store:
        register_snapshots(store)
        brands = BrandStage(SETTINGS, store, clock, group="reale-brands", snapshot_interval=3600)
        conversations = stage(store, clock)
        store.write_batch(brands.process([mention], clock.now()).items)
        store.write_batch(conversations.process(followed(post, reposts=4), clock.now()).items)
        clock.advance(7 * 3600)
        store.write_batch(conversations.process([], clock.now()).items)
        store.write_batch(brands.process([], clock.now()).items)
        mine = archived(store, post.uri, CONVERSATION_PREFIX)
        theirs = archived(store, post.uri)
    assert mine is not None and mine["stats"]["size"] == 4
    assert theirs is not None and theirs["stats"]["size"] == 0  # the brand stage saw no reposts
