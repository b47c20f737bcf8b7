"""Cascades link replies, quotes and reposts to the tracked posts they descend from, measure them,
tell the author's close network from strangers who came through a hashtag, and stay bounded."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.errors import StoreError
from reale.events import Author, Interaction, Post
from reale.signals.cascades import CascadeConfig, CascadeStats, CascadeTracker

T0 = 1_700_000_000.0
ROOT = "at://did:plc:author/app.bsky.feed.post/car"


def _root(tags: tuple[str, ...] = ("carplease",)) -> Post:
    return Post(network="bluesky", uri=ROOT, author=Author(id="author", followers=40_000),
                text="Someone wrecked my car. Anyone lending me one? #carplease", created_at=T0,
                hashtags=tags)


def _repost(i: int, who: str, subject: str = ROOT, t: float = T0) -> Interaction:
    return Interaction(network="bluesky", uri=f"at://{who}/repost/{i}", kind="repost",
                       author=Author(id=who), subject=subject, created_at=t)


def _reply(uri: str, who: str, parent: str, tags: tuple[str, ...] = (), t: float = T0) -> Post:
    return Post(network="bluesky", uri=uri, author=Author(id=who), text="!", created_at=t,
                reply_parent=parent, reply_root=ROOT, hashtags=tags)


def test_replies_quotes_and_reposts_join_the_cascade_with_size_and_depth() -> None:
    clock = ManualClock(T0)
    tracker = CascadeTracker(CascadeConfig(), clock)
    assert tracker.track(_root())
    tracker.update(_reply("at://r1", "ann", ROOT))
    tracker.update(_reply("at://r2", "bob", "at://r1"))  # a reply to a reply: depth 2
    tracker.update(Post(network="bluesky", uri="at://q1", author=Author(id="cat"), text="lol",
                        created_at=T0, quote_of="at://r2"))  # a quote of that reply: depth 3
    tracker.update(_repost(1, "dan", subject="at://q1"))  # a repost of the quote: depth 4
    tracker.update(Interaction(network="bluesky", uri="at://like/1", kind="like",
                               author=Author(id="eve"), subject=ROOT))
    stats = tracker.get(ROOT)
    assert stats is not None
    assert (stats.size, stats.replies, stats.quotes, stats.reposts, stats.likes) == (4, 2, 1, 1, 1)
    assert stats.depth == 4
    assert stats.unique_amplifiers == 4


def test_an_event_seen_twice_counts_once_and_unrelated_events_are_ignored() -> None:
    tracker = CascadeTracker(CascadeConfig(), ManualClock(T0))
    tracker.track(_root())
    quote = Post(network="mastodon", uri="https://m/q", author=Author(id="ann"), text="see",
                 created_at=T0, quote_of=ROOT)
    assert tracker.update(quote) is not None
    same = Interaction(network="mastodon", uri="https://m/q", kind="quote", author=Author(id="ann"),
                       subject=ROOT)
    assert tracker.update(same) is None
    assert tracker.update(_repost(9, "zed", subject="at://elsewhere")) is None
    stats = tracker.get(ROOT)
    assert stats is not None and stats.size == 1


def test_close_network_is_who_interacted_with_the_author_before_and_strangers_come_by_hashtag() -> None:
    clock = ManualClock(T0 - 86400)
    tracker = CascadeTracker(CascadeConfig(), clock)
    # yesterday: two friends replied to an older post of the author's
    old = Post(network="bluesky", uri="at://old", author=Author(id="author"), text="hi",
               created_at=T0 - 86400)
    tracker.track(old)
    for who in ("friend1", "friend2"):
        tracker.update(Post(network="bluesky", uri=f"at://old/{who}", author=Author(id=who),
                            text="ciao", created_at=T0 - 86000, reply_parent="at://old",
                            reply_root="at://old"))
    # a stranger had been posting with the hashtag before joining
    clock.set(T0 - 600)
    tracker.observe(Post(network="bluesky", uri="at://tagpost", author=Author(id="tagfan"),
                         text="#carplease is trending", created_at=T0 - 600, hashtags=("CarPlease",)))
    clock.set(T0)
    tracker.track(_root())
    kinds = [tracker.update(_repost(i, who, t=T0 + 60 * i)) for i, who in
             enumerate(["friend1", "friend2", "tagfan", "random", "author"])]
    assert [j.amplifier for j in kinds if j] == ["close", "close", "hashtag", "stranger", "self"]
    stats = tracker.get(ROOT)
    assert stats is not None
    assert (stats.close_network, stats.hashtag_strangers, stats.other_strangers) == (2, 1, 1)
    assert stats.close_share == pytest.approx(0.5)


def test_a_stranger_whose_reply_carries_the_hashtag_came_through_it() -> None:
    tracker = CascadeTracker(CascadeConfig(), ManualClock(T0))
    tracker.track(_root())
    joined = tracker.update(_reply("at://r", "newbie", ROOT, tags=("carplease",)))
    assert joined is not None and joined.amplifier == "hashtag"


def test_velocity_is_events_per_minute_over_the_sliding_window() -> None:
    clock = ManualClock(T0)
    tracker = CascadeTracker(CascadeConfig(velocity_window=300.0), clock)
    tracker.track(_root())
    for i in range(30):  # 30 reposts in the first minute
        clock.set(T0 + 2 * i)
        tracker.update(_repost(i, f"u{i}", t=T0 + 2 * i))
    stats = tracker.get(ROOT)
    assert stats is not None and stats.velocity_per_min == pytest.approx(6.0)
    clock.set(T0 + 400)
    later = tracker.get(ROOT)
    assert later is not None and later.velocity_per_min == 0.0


def test_cold_cascades_are_evicted_and_handed_to_the_callback() -> None:
    clock = ManualClock(T0)
    evicted: list[CascadeStats] = []
    tracker = CascadeTracker(CascadeConfig(cold_after=3600.0), clock, on_evict=evicted.append)
    tracker.track(_root())
    tracker.update(_repost(1, "ann"))
    clock.advance(3599)
    assert tracker.evict_cold() == []
    clock.advance(2)
    gone = tracker.evict_cold()
    assert [s.root for s in gone] == [ROOT] and evicted == gone
    assert tracker.get(ROOT) is None
    assert tracker.update(_repost(2, "bob")) is None
    assert tracker.state_for_tests()["nodes"] == 0


def test_memory_stays_bounded_under_many_cascades_and_a_huge_one() -> None:
    clock = ManualClock(T0)
    cfg = CascadeConfig(max_cascades=50, max_nodes=100, max_amplifiers=100, max_authors=200,
                        max_interactors=10)
    tracker = CascadeTracker(cfg, clock)
    for i in range(500):
        tracker.track(Post(network="sim", uri=f"sim://p/{i}", author=Author(id=f"a{i}"), text="x",
                           created_at=T0))
    assert len(tracker) == 50
    root = "sim://p/499"
    for i in range(5000):
        tracker.update(Post(network="sim", uri=f"sim://r/{i}", author=Author(id=f"u{i}"), text="r",
                            created_at=T0, reply_parent=root, reply_root=root))
    sizes = tracker.state_for_tests()
    assert sizes["nodes"] <= 50 + 100 and sizes["authors"] <= 200
    stats = tracker.get(root)
    assert stats is not None and stats.size == 5000 and stats.unique_amplifiers == 100


def test_a_snapshot_brings_back_links_counts_and_the_close_network() -> None:
    clock = ManualClock(T0)
    tracker = CascadeTracker(CascadeConfig(), clock)
    tracker.track(_root())
    tracker.update(_reply("at://r1", "ann", ROOT))
    blob = tracker.snapshot()
    again = CascadeTracker(CascadeConfig(), clock)
    again.restore(blob)
    assert again.get(ROOT) == tracker.get(ROOT)
    joined = again.update(_reply("at://r2", "bob", "at://r1"))
    assert joined is not None and joined.root == ROOT
    stats = again.get(ROOT)
    assert stats is not None and stats.depth == 2
    with pytest.raises(StoreError):
        again.restore(b"\x00not a snapshot")
