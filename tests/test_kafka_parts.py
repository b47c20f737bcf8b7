"""The scale-out runner's pure parts, no broker needed: the wire codec and keys, the keyed state
of the brand and conversation stages (counted once, snapshotted, restored), and the optional
dependency's install hint."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reale.clock import ManualClock
from reale.errors import DecodeError
from reale.events import Author, Interaction, Mention, Post, Span
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandState
from reale.run.kafka.conversations import ConversationState
from reale.run.kafka.settings import KafkaSettings
from tests.conftest import ROOT

ANNA = Author(id="did:plc:anna", handle="anna.bsky.social")
BRUNO = Author(id="did:plc:bruno")


def post(uri: str, text: str = "ciao", *, author: Author = ANNA, root: str | None = None,
         at: float = 100.0) -> Post:
    return Post(network="bluesky", uri=uri, author=author, text=text, created_at=at,
                reply_parent=root, reply_root=root, received_at=at)


def like(uri: str, subject: str, at: float = 100.0) -> Interaction:
    return Interaction(network="bluesky", uri=uri, kind="like", author=BRUNO, subject=subject,
                       created_at=at, received_at=at)


def test_events_survive_the_wire_and_land_by_their_keys() -> None:
    p = post("at://a/1", "Volta ti amo", root="at://z/0")
    m = Mention(brand="Volta", query="volta", post=p, spans=(Span(0, 5, "volta"),))
    assert codec.decode_post(codec.encode(p)) == p
    assert codec.decode_mention(codec.encode(m)) == m
    assert codec.decode_conversation(codec.encode_conversation(p)) == p
    assert codec.decode_marker(codec.encode_marker(p, mentioned=True)) == (True, p)
    assert codec.post_key(p) == b"did:plc:anna"
    assert codec.mention_key(m) == b"Volta"
    assert codec.conversation_key(p) == b"at://z/0"  # a reply lands with its thread's root
    assert codec.conversation_key(like("at://b/1", "at://a/1")) == b"at://a/1"


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe", b"not msgpack at all", codec.encode(
    Mention(brand="x", query="x", post=post("at://a/1")))])
def test_bad_records_raise_decode_error_naming_the_topic(raw: bytes) -> None:
    with pytest.raises(DecodeError, match="posts"):
        codec.decode_post(raw)


def test_brand_state_counts_a_redelivered_mention_once_and_survives_a_snapshot() -> None:
    clock = ManualClock(1000.0)
    state = BrandState(clock)
    m = Mention(brand="Volta", query="volta", post=post("at://a/1", "Volta nuova"))
    assert state.update(m) is not None
    assert state.update(m) is None  # the matcher published it again after a crash
    copy = BrandState(clock)
    copy.restore(state.snapshot())
    assert copy.counts == {"Volta": 1}
    assert copy.update(m) is None


def test_an_interaction_waits_for_its_posts_marker_then_is_kept() -> None:
    state = ConversationState(ManualClock(1000.0), grace=30.0)
    state.interactions_tp = "interactions:0"
    early = like("at://b/1", "at://a/1", at=100.0)
    state.expire(early.received_at)
    assert not state.touches(early)
    state.wait(7, early)
    assert state.replay_from("interactions:0", 9) == 7  # a new owner must read it again
    assert state.replay_from("tracked:0", 4) == 4
    released = state.follow(post("at://a/1"), root=True)
    assert released == [early]
    assert state.touches(like("at://b/2", "at://a/1"))


def test_waiting_interactions_are_forgotten_after_the_grace_period() -> None:
    state = ConversationState(ManualClock(1000.0), grace=30.0)
    state.interactions_tp = "interactions:0"
    state.wait(1, like("at://b/1", "at://nobody/1", at=100.0))
    assert state.expire(129.0) == 0
    assert state.expire(131.0) == 1
    assert state.replay_from("interactions:0", 5) == 5
    assert state.follow(post("at://nobody/1"), root=True) == []


def test_conversation_state_restores_followed_posts() -> None:
    state = ConversationState(ManualClock(1000.0), grace=30.0)
    state.follow(post("at://a/1"), root=True)
    copy = ConversationState(ManualClock(1000.0), grace=30.0)
    copy.restore(state.snapshot())
    assert copy.touches(like("at://b/1", "at://a/1"))
    assert "at://a/1" in copy.cascades


def test_settings_refuse_a_bootstrap_without_a_port() -> None:
    from reale.errors import ConfigError

    with pytest.raises(ConfigError, match="HOST:PORT"):
        KafkaSettings(bootstrap="localhost").validate()
    assert KafkaSettings(prefix="acme-").topic("posts") == "acme-posts"
    assert KafkaSettings(prefix="acme-").group("matcher") == "acme-reale-matcher"


def test_without_the_kafka_extra_the_embedded_default_imports_and_kafka_says_what_to_install(
) -> None:
    code = ("import sys; sys.modules['confluent_kafka'] = None\n"
            "import reale.run.kafka, reale.run.embedded\n"
            "from reale.cli import main\n"
            "sys.exit(main(['kafka', 'init', '--bootstrap', '127.0.0.1:9']))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, timeout=60)
    assert out.returncode == 2, out.stderr
    assert "pip install 'reale[kafka]'" in out.stderr


class _Record:
    """The part of a Kafka message the matcher stage reads."""

    def __init__(self, value: bytes | None) -> None:
        self._value = value

    def value(self) -> bytes | None:
        return self._value


def test_a_batch_of_posts_decodes_in_one_call_skipping_and_counting_bad_records() -> None:
    good = [post("at://a/1"), post("at://a/2", "Volta")]
    raws = [codec.encode(good[0]), b"\xff", None, codec.encode(good[1])]
    assert codec.decode_posts(raws) == (good, 2)


def test_the_matcher_stage_stores_exactly_the_single_process_mentions_over_many_slices() -> None:
    from reale.match import Matcher
    from reale.run.kafka.check import key, reference_mentions, simulated_brands, simulated_events
    from reale.run.kafka.matcher import CHUNK, MatcherStage

    posts = [e for e in simulated_events(3 * CHUNK + 7, seed=5) if isinstance(e, Post)]
    matcher = Matcher.from_brands(simulated_brands())
    stage = MatcherStage(KafkaSettings(), lambda: matcher)
    records = [_Record(codec.encode(p)) for p in posts] + [_Record(b"junk")]
    out = stage.process(records, now=1.0)
    assert {key(m) for m in out.items} == reference_mentions(posts, simulated_brands())
    assert (out.events_in, out.bad, out.events_out) == (len(posts) + 1, 1, len(out.items))
    assert out.items, "the simulated stream mentions the simulated brands"
