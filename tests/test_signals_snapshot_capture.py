"""The runner saves the signals without holding up the stream: the state is captured on the event
loop at one instant and encoded on a thread. What is encoded later is the state as captured,
whatever the stream changed meanwhile; a cascade's row is re-encoded only when it changed, and
the snapshot is the same bytes as one made all at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec

from reale.clock import ManualClock
from reale.events import Author, Interaction, Mention, Post
from reale.run.signals_state import restore_signals, save_signals
from reale.signals import MemorySnapshots, Signals, SignalsConfig
from reale.signals.network import BoundedIndex
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.reach import ReachConfig, ReachSignal
from reale.signals.snapshot import pack
from reale.store import open_store

T0 = 1_700_000_000.0


def post(i: int, t: float) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:a{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:a{i}", followers=100 * (i + 1)),
                text=f"volta #tag{i % 3} numero {i}", created_at=t, hashtags=(f"tag{i % 3}",))


def stream(signals: Signals, clock: ManualClock, start: int, posts: int, shares: int) -> None:
    """``posts`` mentioned posts from ``start`` on, each reposted and replied to ``shares`` times,
    a second apart."""
    for i in range(start, start + posts):
        clock.advance(1.0)
        p = post(i, clock.now())
        signals.on_post(p)
        signals.on_mention(Mention(brand="Volta", query="volta", post=p))
        for k in range(shares):
            clock.advance(1.0)
            signals.on_interaction(Interaction(
                network="bluesky", uri=f"at://did:plc:f{k}/repost/{i}-{k}", kind="repost",
                author=Author(id=f"did:plc:f{k}", followers=50), subject=p.uri,
                created_at=clock.now()))
            signals.on_post(Post(network="bluesky", uri=f"at://did:plc:r{k}/post/{i}-{k}",
                                 author=Author(id=f"did:plc:r{k}"), text="anche io #tag0",
                                 created_at=clock.now(), reply_parent=p.uri, reply_root=p.uri,
                                 hashtags=("tag0",)))


def test_what_is_encoded_later_is_the_state_as_captured() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    stream(signals, clock, 0, 20, 3)
    at_once = MemorySnapshots()
    signals.save(at_once)
    encode = signals.capture()  # the same instant
    stream(signals, clock, 0, 5, 4)  # the stream goes on: old cascades grow ...
    stream(signals, clock, 20, 10, 2)  # ... and new ones start
    assert encode() == at_once.blobs  # as captured, byte for byte
    changed = MemorySnapshots()
    signals.save(changed)
    assert changed.blobs["signals.cascades"] != at_once.blobs["signals.cascades"]


def test_only_changed_cascades_are_reencoded_and_the_bytes_match_a_whole_snapshot() -> None:
    clocks = ManualClock(T0), ManualClock(T0)
    saved_often, saved_once = Signals(SignalsConfig(), clocks[0]), Signals(SignalsConfig(), clocks[1])
    stream(saved_often, clocks[0], 0, 30, 2)
    saved_often.save(MemorySnapshots())  # every row encoded once, then kept
    stream(saved_often, clocks[0], 3, 4, 3)  # four cascades change
    assert saved_often.cascades.rows_to_encode == 4  # only those will be encoded again
    incremental = MemorySnapshots()
    saved_often.save(incremental)
    stream(saved_once, clocks[1], 0, 30, 2)  # the same stream, never saved in between
    stream(saved_once, clocks[1], 3, 4, 3)
    whole = MemorySnapshots()
    saved_once.save(whole)
    assert incremental.blobs == whole.blobs


def test_a_restored_runner_reads_what_was_saved_while_the_stream_went_on(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    stream(signals, clock, 0, 10, 3)
    uri = post(4, 0).uri
    before = signals.cascade(uri)

    async def save_while_streaming() -> None:
        with open_store(f"sqlite:///{tmp_path}/r.sqlite") as store:
            saving = asyncio.ensure_future(save_signals(signals, store))
            await asyncio.sleep(0)  # the capture ran; the encoding and writing are on a thread
            stream(signals, clock, 4, 1, 5)  # cascade 4 grows meanwhile
            await saving

    asyncio.run(save_while_streaming())
    assert signals.cascade(uri) != before
    again = Signals(SignalsConfig(), ManualClock(clock.now()))

    async def restore() -> list[str]:
        with open_store(f"sqlite:///{tmp_path}/r.sqlite") as store:
            return await restore_signals(again, store)

    assert "signals.cascades" in asyncio.run(restore())
    restored = again.cascade(uri)
    assert restored is not None and before is not None
    assert (restored.size, restored.reposts) == (before.size, before.reposts)


def test_a_bounded_index_captured_piecemeal_encodes_as_its_whole_state() -> None:
    ix = BoundedIndex(max_keys=3, max_members=2)
    for step, (key, member) in enumerate([("a", "x"), ("b", "y"), ("a", "z"), ("c", "x"),
                                          ("a", "w"), ("d", "y"), ("b", "x"), ("a", "x")]):
        ix.add(key, member, float(step))
        if step % 3 == 0:
            ix.capture()  # rows kept; later changes must re-encode them
        assert msgspec.msgpack.encode(ix.capture()) == msgspec.msgpack.encode(ix.state())


def test_kept_rows_encode_as_the_whole_state_built_now() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    stream(signals, clock, 0, 12, 2)
    signals.cascades.capture()
    stream(signals, clock, 5, 3, 4)
    signals.momentum_tracker.capture()
    stream(signals, clock, 8, 3, 5)  # more cascades change after the kept rows
    assert pack("cascades", signals.cascades.capture()) == \
        pack("cascades", signals.cascades.state())
    assert pack("momentum", signals.momentum_tracker.capture()) == \
        pack("momentum", signals.momentum_tracker.state())


def test_the_save_benchmark_reports_its_rows() -> None:
    from reale.bench import signals_save

    rows = {r["name"]: r for r in signals_save.run(quick=True)}
    assert set(rows) == {"signals.save.loop_ms", "signals.save.whole_snapshot_ms",
                         "signals.save.reach_loop_ms", "signals.save.thread_ms",
                         "signals.save.bytes"}
    for r in rows.values():
        assert set(r) == {"name", "value", "unit", "target", "ok", "note"}
    assert rows["signals.save.bytes"]["value"] > 100_000


def test_kept_profile_rows_encode_as_the_profiles_built_now() -> None:
    """A profile's row is encoded at the first capture after it was put, and dropped with it:
    the kept rows always encode as the cache's profiles in their order (least recent first)."""
    clock = ManualClock(T0)
    cache = ProfileCache(ProfileCacheConfig(max_entries=4), clock)
    for step in range(9):
        clock.advance(120.0)  # past the minute within which observe keeps a known profile
        cache.observe("bluesky", Author(id=f"did:plc:a{step % 6}", followers=10 * step + 1))
        cache.get("bluesky", f"did:plc:a{(step + 3) % 6}")  # reordering, not a change
        if step % 2 == 0:
            cache.capture()  # rows kept; later puts must re-encode theirs
        whole = [msgspec.to_builtins(p) for p in cache._entries.values()]
        assert pack("profiles", cache.capture()) == pack("profiles", whole)
    again = ProfileCache(ProfileCacheConfig(max_entries=4), clock)
    again.restore(cache.snapshot())
    assert again.snapshot() == cache.snapshot()


def test_the_moments_captured_are_encoded_as_they_were_whatever_the_stream_does_next() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    stream(signals, clock, 0, 20, 3)
    at_once = signals.moments_detector.snapshot()
    captured = signals.moments_detector.capture()
    clock.advance(95.0)  # buckets roll: every term's ring and baseline move
    stream(signals, clock, 20, 10, 3)
    assert pack("moments", captured()) == at_once
    assert signals.moments_detector.snapshot() != at_once


def reach_mention(i: int, followers: int, t: float) -> Mention:
    return Mention(brand=f"B{i % 2}", query="b", post=Post(
        network="bluesky", uri=f"at://did:plc:a{i}/app.bsky.feed.post/{t}", text="b",
        author=Author(id=f"did:plc:a{i}", followers=followers), created_at=t))


def test_the_reach_captured_is_encoded_as_it_was_whatever_the_stream_does_next() -> None:
    """The reach's capture copies each brand's authors at once; the rows are built later (on
    the thread), from the copy: authors seen again, evicted or expired afterwards change nothing
    in them. The rows kept for the copy list each audience in its own order (oldest first)."""
    clock = ManualClock(T0)
    reach = ReachSignal(ReachConfig(window=600.0, max_authors_per_brand=6), clock,
                        ProfileCache(ProfileCacheConfig(), clock))
    for step in range(20):
        clock.advance(30.0)
        reach.update(reach_mention(step % 9, 10 * step + 1, clock.now()))
    at_once = reach.snapshot()
    captured = reach.capture()
    for step in range(20, 30):  # seen again, new ones evicting the oldest ...
        clock.advance(30.0)
        reach.update(reach_mention(step % 11, 10 * step + 1, clock.now()))
    clock.advance(500.0)
    reach.get("B0", "bluesky", "did:plc:a0")  # ... and the window expiring some
    assert pack("reach", captured()) == at_once
    assert reach.snapshot() != at_once
    for audience in reach._brands.values():
        assert audience.state() == [[a, n, t] for a, (n, t) in audience._authors.items()]
    again = ReachSignal(ReachConfig(window=600.0, max_authors_per_brand=6), clock,
                        ProfileCache(ProfileCacheConfig(), clock))
    again.restore(reach.snapshot())
    assert again.snapshot() == reach.snapshot()
