"""Whole-stream moments on Kafka without a broker: posts counted per ``posts`` partition (and
replies and quotes per ``interactions`` partition, once per conversation) into cumulative term
partials, merged per term and bucket, scored by the embedded detector's code with its cool-down
and safety read. A partial sent again adds nothing; the outcome does not depend on where a burst
falls against the 30-second buckets."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec
import pytest

from reale.alerts import parse_alerts_config
from reale.clock import ManualClock
from reale.config import Config
from reale.events import Author, Interaction, Post
from reale.run.kafka import codec
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.moment_counts import (
    TermCounts,
    TermPartial,
    conversation_source,
    decode_partial,
)
from reale.run.kafka.moment_merge import MomentMerge
from reale.run.kafka.moments import MomentCountStage, MomentMergeStage
from reale.run.kafka.outbox import PendingAlert
from reale.run.kafka.settings import KafkaSettings
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.settings import signals_config
from reale.store import open_store
from reale.web.records import MomentRecord
from tests.kafka_helpers import Consumed as Record

T0 = 1_767_225_600.0  # a bucket boundary (divisible by 30)
CFG = MomentConfig(warmup=0.0)
GRACE = 30.0
FILLER = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris",
          "juniper", "kestrel", "lagoon", "meadow", "nectar", "orchid", "prairie")


def post(i: int, text: str, at: float, lang: str = "en") -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social"), text=text,
                created_at=at, langs=(lang,))


def burst(start: float, n: int = 12, tag: str = "#blackout") -> list[Post]:
    """``n`` authors, a post each over a minute, sharing only ``tag`` (one word of their own)."""
    return [post(i, f"{tag} {FILLER[i % len(FILLER)]}{i}", start + i * 60.0 / n)
            for i in range(n)]


def count_partitions(posts: Iterable[Post], partitions: int = 3) -> list[TermPartial]:
    """Count ``posts`` as ``partitions`` posts partitions would (author i on partition i % n),
    one post per batch; every partial each partition sends, in order."""
    states = [TermCounts(CFG, GRACE) for _ in range(partitions)]
    offsets = [0] * partitions
    out: list[TermPartial] = []
    for p in posts:
        part = int(p.author.id.removeprefix("did:plc:u")) % partitions
        states[part].update(p, part, offsets[part], now=p.created_at)
        offsets[part] += 1
        out.extend(decode_partial(v) for _, v in states[part].take())
    return out


def merged(partials: Sequence[TermPartial], merge: MomentMerge | None = None) -> list[MomentAlert]:
    m = merge or MomentMerge(CFG, GRACE)
    alerts: list[MomentAlert] = []
    for p in partials:
        m.add(p)
        alerts.extend(m.close())
    return alerts


def before(posts: Iterable[Post], at: float) -> int:
    """Posts of a burst (its first minute) before ``at``: what a moment raised then counts."""
    return sum(1 for p in posts if p.created_at < at)


def chatter(start: float, end: float) -> list[Post]:
    """A quiet stream, a post every 30 s: an hour of it gives the scope its baseline."""
    return [post(2000 + k, "quiet weather report", start + 30.0 * k)
            for k in range(int((end - start) // 30))]


def tail(at: float) -> list[Post]:
    """A later post with the burst's tag: moves every partition's time past the grace."""
    return [post(1000 + j, f"#blackout later {FILLER[j]}", at) for j in range(3)]


def test_a_burst_from_many_authors_over_partitions_is_one_moment_with_its_safety_read() -> None:
    alerts = merged(count_partitions([*burst(T0), *tail(T0 + 200)]))
    assert [a.term for a in alerts] == ["#blackout"]
    [moment] = alerts
    # raised when the first bucket closed: its posts from all three partitions, counted once
    assert moment.scope == GLOBAL and moment.count == before(burst(T0), moment.at) == 6
    assert moment.safety is not None and moment.safety.verdict == "safe"
    assert moment.examples and all("#blackout" in e.text for e in moment.examples)


def test_a_tragic_burst_reads_avoid() -> None:
    posts = [post(i, f"#quake killed {i} people, tragedy and grief, the dead mourned", T0 + 4 * i)
             for i in range(12)]
    alerts = merged(count_partitions([*posts, *tail(T0 + 200)]))
    verdicts = {a.term: a.safety.verdict for a in alerts if a.safety}
    assert verdicts and set(verdicts.values()) == {"avoid"}


@pytest.mark.parametrize("offset", [0.0, 7.0, 15.0, 22.5, 29.9])
def test_a_burst_is_found_wherever_it_falls_against_the_buckets(offset: float) -> None:
    posts = burst(T0 + offset, n=8)
    alerts = merged(count_partitions([*chatter(T0 - 3600, T0), *posts, *tail(T0 + 300)]))
    assert [a.term for a in alerts] == ["#blackout"]
    assert alerts[0].count == before(posts, alerts[0].at) >= CFG.min_count


def test_a_partial_sent_again_adds_nothing() -> None:
    partials = count_partitions(burst(T0))
    merge = MomentMerge(CFG, GRACE)
    for p in partials:
        assert merge.add(p)
    bucket = partials[0].bucket
    counted = merge.count("#blackout", bucket)
    assert counted > 0
    assert not any(merge.add(p) for p in partials)  # every one repeated: nothing changes
    assert merge.count("#blackout", bucket) == counted and merge.repeated == len(partials)
    alerts = merged(count_partitions(tail(T0 + 200)), merge)
    assert [(a.term, a.count) for a in alerts] == [("#blackout", before(burst(T0), T0 + 30))]


def test_a_partition_counted_again_only_brings_counts_up_to_date() -> None:
    """As after a SIGKILL: a partition's posts are counted again from an older snapshot, and its
    partials, cumulative with the same offsets, repeat or replace rather than add."""
    first = count_partitions(burst(T0))
    again = count_partitions(burst(T0))
    assert first == again  # the same posts at the same offsets give the same partials
    # counted again from a few posts in, as from a snapshot taken then
    alerts = merged([*first, *again[4:], *count_partitions(tail(T0 + 200))])
    assert [(a.term, a.count) for a in alerts] == [("#blackout", before(burst(T0), T0 + 30))]


def test_a_late_partial_is_dropped_and_counted() -> None:
    merge = MomentMerge(CFG, GRACE)
    merged(count_partitions([*burst(T0), *tail(T0 + 200)]), merge)
    late = TermPartial("#blackout", int(T0 // 30), source=7, version=0, count=50, watermark=T0)
    assert not merge.add(late) and merge.late == 1
    assert merge.close() == []


@pytest.mark.parametrize(("tail_at", "waited"), [(100.0, True), (200.0, False)])
def test_a_lagging_partition_holds_its_buckets_open_unless_it_stalls(tail_at: float,
                                                                     waited: bool) -> None:
    """Partition 0 has counted the burst's first posts, then lags (its worker died and its
    partitions are moving); the others run ahead to ``tail_at``. Within grace + stall (90 s
    here) of the others, the bucket waits for partition 0; further behind, it is not waited for
    and its partials come too late."""
    partials = count_partitions([*burst(T0), *tail(T0 + tail_at)])
    lagging = [p for p in partials if p.source == 0]
    early, rest = lagging[:2], lagging[2:]
    merge = MomentMerge(CFG, GRACE)
    ahead = merged([*early, *(p for p in partials if p.source != 0)], merge)
    assert (ahead == []) is waited  # nothing closed while partition 0 is waited for
    alerts = ahead + merged(rest, merge)
    [moment] = alerts
    assert (moment.count == before(burst(T0), moment.at)) is waited
    assert (merge.late > 0) is not waited


def test_the_cool_down_holds_a_second_burst_of_the_same_term() -> None:
    alerts = merged(count_partitions([*burst(T0), *burst(T0 + 600), *tail(T0 + 900)]))
    assert [a.term for a in alerts] == ["#blackout"]


def test_the_same_terms_alert_as_with_the_embedded_detector() -> None:
    posts = [*burst(T0), *burst(T0 + 120, tag="#derby"), *tail(T0 + 400)]
    embedded = MomentDetector(CFG, ManualClock(T0 + 1000))
    seen = {a.term for p in posts for a in embedded.update(p)}
    assert {a.term for a in merged(count_partitions(posts))} == seen == {"#blackout", "#derby"}


def test_counts_and_merge_restore_from_their_snapshots() -> None:
    counts = TermCounts(CFG, GRACE)
    for i, p in enumerate(burst(T0)[:6]):
        counts.update(p, 0, i, now=p.created_at)
    sent = counts.take()
    again = TermCounts(CFG, GRACE)
    again.restore(counts.snapshot())
    assert again.take() == sent  # the batch in flight when the snapshot was taken is re-sent
    merge = MomentMerge(CFG, GRACE)
    for _, v in sent:
        merge.add(decode_partial(v))
    copy = MomentMerge(CFG, GRACE)
    copy.restore(merge.snapshot())
    assert copy.count("#blackout", int(T0 // 30)) == merge.count("#blackout", int(T0 // 30)) == 6



def test_the_stages_turn_posts_into_a_moment_record_and_an_alert(tmp_path: Path) -> None:
    clock = ManualClock(T0 + 300)
    settings = KafkaSettings(snapshot_interval=0.0)
    config = Config(extra={"signals": {"moments": {"warmup": 0.0}}})
    alerts = parse_alerts_config({"channels": [{"name": "hook", "kind": "webhook",
                                                "url": "http://127.0.0.1:9/hook",
                                                "secret_env": "HOOK_SECRET"}],
                                  "rules": [{"name": "all", "channels": ["hook"]}]})
    desk = KafkaDesk(config, clock, alerts=alerts)
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        signals = signals_config(config.extra)
        counter = MomentCountStage(settings, store, clock, signals=signals, snapshot_interval=0.0)
        merger = MomentMergeStage(settings, store, clock, signals=signals, desk=desk,
                                  snapshot_interval=0.0)
        posts = [*burst(T0), *tail(T0 + 200)]
        records = [Record("posts", i % 2, i // 2, codec.encode(p)) for i, p in enumerate(posts)]
        out = counter.process(records, clock.now())
        assert out.events_in == len(posts) and out.records
        terms = [Record(r.topic, 0, i, r.value) for i, r in enumerate(out.records)]
        items = merger.process(terms, clock.now()).items
        again = merger.process(terms, clock.now()).items  # re-sent: late now, nothing new
    [record] = [i for i in items if isinstance(i, MomentRecord)]
    assert record.alert.term == "#blackout" and record.alert.scope == GLOBAL
    assert record.alert.safety is not None
    [pending] = [i for i in items if isinstance(i, PendingAlert)]
    assert pending.alert.dedup_key.startswith("moment:")
    assert not [i for i in again if isinstance(i, MomentRecord | PendingAlert)]


# -- the once-per-conversation rule ---------------------------------------------------------------
ROOT = "at://did:plc:star/app.bsky.feed.post/root"


def reply(i: int, text: str, at: float, root: str = ROOT) -> Post:
    """A reply by author ``i`` in the conversation under ``root``."""
    return msgspec.structs.replace(post(i, text, at), reply_root=root, reply_parent=root)


def count_stream(posts: Iterable[Post], partitions: int = 3,
                 counts: list[TermCounts] | None = None) -> list[TermPartial]:
    """Count ``posts`` as the count stage reads them: every post on ``posts`` (author i on
    partition i % n), and replies and quotes again on ``interactions``, keyed by their
    conversation's root as the source publishes them; one record per batch."""
    states = counts or [TermCounts(CFG, GRACE) for _ in range(partitions)]
    offsets: dict[tuple[str, int], int] = {}
    out: list[TermPartial] = []
    for p in posts:
        author = int(p.author.id.removeprefix("did:plc:u")) % partitions
        records = [("posts", author)]
        if codec.is_conversation_post(p):
            records.append(("interactions", zlib.crc32(codec.conversation_key(p)) % partitions))
        for topic, part in records:
            offset = offsets.get((topic, part), 0)
            offsets[topic, part] = offset + 1
            update = states[part].update if topic == "posts" else states[part].update_conversation
            update(p, part, offset, p.created_at)
            out.extend(decode_partial(v) for _, v in states[part].take())
    return out


def counted(partials: Iterable[TermPartial], term: str) -> dict[int, int]:
    """Bucket -> posts with ``term``, over every input partition (its latest partial each)."""
    latest = {(p.bucket, p.source): p.count for p in partials if p.term == term}
    out: dict[int, int] = {}
    for (b, _), n in latest.items():
        out[b] = out.get(b, 0) + n
    return out


def test_a_thread_of_many_replies_counts_its_terms_once_as_the_embedded_detector_does() -> None:
    """Twenty fans reply "#blackout" under one post within a minute: their authors are spread
    over every ``posts`` partition, but the conversation is one, so the term counts once in the
    short window (and the thread is no moment); twelve posts in twelve conversations count
    twelve times."""
    thread = [reply(i, f"#blackout {FILLER[i % len(FILLER)]}{i}", T0 + 3.0 * i) for i in range(20)]
    merge = MomentMerge(CFG, GRACE)
    merged(count_stream(thread), merge)
    b = int(T0 // 30)
    assert merge.count("#blackout", b) == 1 and merge.count("#blackout", b + 1) == 0
    spread = [reply(i, f"#blackout {FILLER[i]}{i}", T0 + 2.0 * i, root=f"at://root/{i}")
              for i in range(12)]
    other = MomentMerge(CFG, GRACE)
    merged(count_stream(spread), other)
    assert other.count("#blackout", b) == 12
    embedded = MomentDetector(CFG, ManualClock(T0 + 1000))
    raised = {a.term for p in [*thread, *tail(T0 + 200)] for a in embedded.update(p)}
    assert raised == {a.term for a in merged(count_stream([*thread, *tail(T0 + 200)]))} == set()


def test_a_thread_counts_again_once_the_short_window_has_passed() -> None:
    window = CFG.window_buckets * CFG.bucket
    thread = [reply(i, "#blackout again", T0 + k * window + i) for k in range(3) for i in range(4)]
    per_bucket = counted(count_stream(thread), "#blackout")
    assert per_bucket == {int((T0 + k * window) // 30): 1 for k in range(3)}


def test_a_thread_counted_again_from_a_snapshot_sends_the_same_partials() -> None:
    """As after a SIGKILL: the interactions partition is counted again from a snapshot taken
    mid-thread. The snapshot keeps which terms the conversation has counted, so the replay's
    partials equal the first run's (the merger ignores them), rather than counting the thread's
    terms once more."""
    thread = [reply(i, f"#blackout {FILLER[i]}", T0 + 3.0 * i) for i in range(12)]
    states = [TermCounts(CFG, GRACE) for _ in range(3)]
    first = count_stream(thread[:6], counts=states)
    snaps = [s.snapshot() for s in states]
    first += count_stream(thread[6:], counts=states)
    restored = [TermCounts(CFG, GRACE) for _ in range(3)]
    for s, blob in zip(restored, snaps, strict=True):
        s.restore(blob)
        s.take()  # the batch in flight at the snapshot, re-sent
    again = count_stream(thread[6:], counts=restored)
    conversation = [p for p in again if p.source < 0]
    assert conversation and all(p.count == 1 for p in conversation if p.term == "#blackout")
    merge = MomentMerge(CFG, GRACE)
    merged(first, merge)
    assert not any(merge.add(p) for p in again if p.source < 0 and p.term == "#blackout")


def test_the_count_stage_counts_replies_from_interactions_and_skips_likes(tmp_path: Path) -> None:
    """A thread as the source publishes it: each reply on ``posts`` (by its author's partition)
    and on ``interactions`` (by its root), likes between them; the stage counts the thread's
    term once, and a like, which has no text to count, changes nothing."""
    clock = ManualClock(T0 + 300)
    thread = [reply(i, "#blackout at the stadium", T0 + 2.0 * i) for i in range(10)]
    like = Interaction(network="bluesky", uri="at://like/1", kind="like", subject=ROOT,
                       author=Author(id="did:plc:liker", handle="liker"), created_at=T0 + 5)
    records = [Record("posts", i % 2, i // 2, codec.encode(p)) for i, p in enumerate(thread)]
    records += [Record("interactions", 1, i, codec.encode_conversation(e))
                for i, e in enumerate([like, *thread, like])]
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        counter = MomentCountStage(KafkaSettings(), store, clock, snapshot_interval=0.0)
        out = counter.process(records, clock.now())
    assert out.events_in == len(records) and out.bad == 0
    partials = [decode_partial(r.value) for r in out.records]
    assert counted(partials, "#blackout") == {int(T0 // 30): 1}
    assert {p.source for p in partials} == {conversation_source(1)}  # none from posts


def test_both_stages_count_a_record_that_does_not_decode_and_read_the_rest(tmp_path: Path) -> None:
    clock = ManualClock(T0 + 300)
    settings = KafkaSettings(snapshot_interval=0.0)
    signals = signals_config({"signals": {"moments": {"warmup": 0.0}}})
    posts = [*burst(T0), *tail(T0 + 200)]
    records = [Record("posts", i % 2, i // 2, codec.encode(p)) for i, p in enumerate(posts)]
    records += [Record("posts", 0, 999, b"{not json"), Record("interactions", 1, 0, b"\xff\xfe")]
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        counter = MomentCountStage(settings, store, clock, signals=signals, snapshot_interval=0.0)
        merger = MomentMergeStage(settings, store, clock, signals=signals, snapshot_interval=0.0)
        counted_out = counter.process(records, clock.now())
        terms = [Record(r.topic, 0, i, r.value) for i, r in enumerate(counted_out.records)]
        broken = Record(counted_out.records[0].topic, 0, len(terms), b"[1, 2")
        merged_out = merger.process([*terms, broken], clock.now())
    assert (counted_out.events_in, counted_out.bad) == (len(records), 2)
    assert len(counted_out.items) == 2  # both partitions it read are snapshotted
    assert (merged_out.events_in, merged_out.bad) == (len(terms) + 1, 1)
    assert [a.term for a in merger.raised] == ["#blackout"]
