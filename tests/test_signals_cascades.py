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


# -- hashtags the conversation adds ------------------------------------------------------------
# The car story: the appeal has no hashtag; a friend's quote coins one; a crowd of strangers takes
# the hashtag up in posts of their own, and more strangers repost the appeal while it trends.

def _coin_and_crowd(tracker: CascadeTracker, clock: ManualClock, crowd: int) -> None:
    """friend0 (close) quotes the appeal with #carplease at T0+60; then ``crowd`` strangers post
    with the hashtag, one a minute from T0+120 (posts of their own, not part of the cascade)."""
    clock.set(T0 + 60)
    tracker.update(Post(network="bluesky", uri="at://friend0/quote", author=Author(id="friend0"),
                        text="Spread this! #CarPlease", created_at=T0 + 60, quote_of=ROOT,
                        hashtags=("CarPlease",)))
    for i in range(crowd):
        clock.set(T0 + 120 + 60 * i)
        tracker.observe(Post(network="bluesky", uri=f"at://fan{i}/p", author=Author(id=f"fan{i}"),
                             text="#carplease!", created_at=clock.now(), hashtags=("carplease",)))


def _with_friend(clock: ManualClock, cfg: CascadeConfig | None = None) -> CascadeTracker:
    """A tracker where friend0 replied to the author last week, and the appeal (no hashtag)."""
    tracker = CascadeTracker(cfg or CascadeConfig(), clock)
    clock.set(T0 - 7 * 86400)
    tracker.update(_repost(0, "friend0", subject="at://author/app.bsky.feed.post/old",
                           t=clock.now()))
    clock.set(T0)
    tracker.track(_root(tags=()))
    return tracker


def test_a_hashtag_coined_by_a_quote_joins_the_cascade_and_a_stranger_carrying_it_came_through_it(
        ) -> None:
    clock = ManualClock(T0)
    tracker = _with_friend(clock)
    _coin_and_crowd(tracker, clock, crowd=0)
    clock.set(T0 + 300)
    joined = tracker.update(_reply("at://newbie/r", "newbie", ROOT, tags=("CARPLEASE",),
                                   t=T0 + 300))
    plain = tracker.update(_reply("at://other/r", "other", ROOT, t=T0 + 310))
    assert joined is not None and joined.amplifier == "hashtag"
    assert plain is not None and plain.amplifier == "stranger"
    stats = tracker.get(ROOT)
    assert stats is not None
    assert (stats.close_network, stats.hashtag_strangers, stats.other_strangers) == (1, 1, 1)


def test_strangers_arriving_while_the_cascades_hashtag_trends_came_through_it() -> None:
    clock = ManualClock(T0)
    tracker = _with_friend(clock)  # trend_users = 5 new users, half-life 30 min by default
    _coin_and_crowd(tracker, clock, crowd=2)  # #carplease: friend0, fan0, fan1: not trending yet
    early = tracker.update(_repost(1, "early", t=clock.now()))
    _coin_and_crowd(tracker, clock, crowd=6)  # fan2 .. fan5 join: 7 new users in minutes
    late = tracker.update(_repost(2, "late", t=clock.now()))
    assert early is not None and early.amplifier == "stranger"
    assert late is not None and late.amplifier == "hashtag"
    clock.advance(4 * 3600)  # the hashtag cools: 7 users halved 8 times is under one
    cold = tracker.update(_repost(3, "after", t=clock.now()))
    assert cold is not None and cold.amplifier == "stranger"


def test_a_trending_hashtag_explains_only_arrivals_after_it_joined_the_cascade() -> None:
    clock = ManualClock(T0)
    tracker = _with_friend(clock)
    for i in range(10):  # #carplease was already lively elsewhere
        tracker.observe(Post(network="bluesky", uri=f"at://fan{i}/p", author=Author(id=f"fan{i}"),
                             text="#carplease", created_at=T0 - 10, hashtags=("carplease",)))
    before = tracker.update(_repost(1, "before", t=T0 + 30))  # nobody tied it to the appeal yet
    _coin_and_crowd(tracker, clock, crowd=0)
    after = tracker.update(_repost(2, "after", t=T0 + 90))
    assert before is not None and before.amplifier == "stranger"
    assert after is not None and after.amplifier == "hashtag"


def test_a_cascade_learns_a_bounded_number_of_hashtags_and_keeps_them_through_a_snapshot() -> None:
    clock = ManualClock(T0)
    tracker = _with_friend(clock, CascadeConfig(max_cascade_tags=2))
    coiners = [tracker.update(_reply(f"at://r{i}", f"u{i}", ROOT, tags=(tag,)))
               for i, tag in enumerate(("one", "two", "three"))]
    assert [j.amplifier for j in coiners if j] == ["stranger"] * 3  # coining is not arriving by it
    late = tracker.update(_reply("at://r9", "u9", ROOT, tags=("three",)))
    assert late is not None and late.amplifier == "stranger"  # "three" was one too many
    _coin_and_crowd(tracker, clock, crowd=0)  # a third hashtag is not learned either
    again = CascadeTracker(CascadeConfig(max_cascade_tags=2), clock)
    again.restore(tracker.snapshot())
    joined = again.update(_reply("at://r10", "u10", ROOT, tags=("Two",)))
    assert joined is not None and joined.amplifier == "hashtag"


def test_hashtag_heat_survives_a_snapshot() -> None:
    clock = ManualClock(T0)
    tracker = _with_friend(clock)
    _coin_and_crowd(tracker, clock, crowd=6)
    again = CascadeTracker(CascadeConfig(), clock)
    again.restore(tracker.snapshot())
    joined = again.update(_repost(5, "late", t=clock.now()))
    assert joined is not None and joined.amplifier == "hashtag"


def test_the_hashtag_activity_examples_hold() -> None:
    import doctest

    import reale.signals.hashtags

    result = doctest.testmod(reale.signals.hashtags)
    assert result.failed == 0 and result.attempted > 0
