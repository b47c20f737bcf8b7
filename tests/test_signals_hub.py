"""The signals stage end to end, as the runner drives it: the car-request story (friends amplify
first, then the hashtag crowd), read by the desk, saved and restored across a restart."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.errors import ConfigError
from reale.events import Author, Interaction, Mention, Post
from reale.signals import MemorySnapshots, Signals, SignalsConfig, signals_config
from reale.signals.cascades import CascadeStats
from reale.signals.momentum import MomentumReading

T0 = 1_700_000_000.0
AUTHOR = Author(id="did:plc:author", handle="author.bsky.social", followers=40_000)


def _appeal() -> Post:
    return Post(network="bluesky", uri="at://did:plc:author/post/car", author=AUTHOR,
                text="Qualcuno mi presta un'auto? La mia è distrutta #unamacchinaper", created_at=T0,
                hashtags=("unamacchinaper",))


def _repost(i: int, who: str, t: float, followers: int) -> Interaction:
    return Interaction(network="bluesky", uri=f"at://{who}/repost/{i}", kind="repost",
                       author=Author(id=who, followers=followers), subject=_appeal().uri,
                       created_at=t)


def _story(signals: Signals, clock: ManualClock) -> None:
    # last week, friends chatted with the author
    clock.set(T0 - 7 * 86400)
    old = Post(network="bluesky", uri="at://did:plc:author/post/old", author=AUTHOR, text="ciao",
               created_at=T0 - 7 * 86400)
    signals.track(old)
    for f in range(8):
        signals.on_interaction(Interaction(network="bluesky", uri=f"at://like/{f}", kind="like",
                                           author=Author(id=f"friend{f}"), subject=old.uri,
                                           created_at=T0 - 7 * 86400 + f))
    clock.set(T0)
    post = _appeal()
    signals.on_post(post)
    signals.on_mention(Mention(brand="Citycar", query="auto OR macchina", post=post))
    for f in range(8):  # friends first, in the first minutes
        clock.set(T0 + 20 * (f + 1))
        signals.on_interaction(_repost(f, f"friend{f}", clock.now(), 900))
    for s in range(40):  # then strangers who had been using the hashtag
        who = f"crowd{s}"
        t = T0 + 200 + 15 * s
        clock.set(t - 5)
        signals.on_post(Post(network="bluesky", uri=f"at://{who}/p", author=Author(id=who),
                             text="#unamacchinaper chi gliela presta?", created_at=t - 5,
                             hashtags=("unamacchinaper",)))
        clock.set(t)
        signals.on_interaction(_repost(100 + s, who, t, 300))


def test_the_desk_reads_reach_cascade_and_momentum_for_the_appeal() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    _story(signals, clock)
    uri = _appeal().uri
    reach = signals.reach("Citycar", "bluesky", AUTHOR.id)
    assert reach.tier == "micro" and reach.followers == 40_000 and reach.audience == 1
    cascade = signals.cascade(uri)
    assert cascade is not None
    assert cascade.size == 48 and cascade.reposts == 48
    assert (cascade.close_network, cascade.hashtag_strangers) == (8, 40)
    assert cascade.close_share == pytest.approx(8 / 48)
    assert cascade.velocity_per_min > 3
    momentum = signals.momentum(uri)
    assert momentum is not None and momentum.observed == 49
    assert momentum.gathering_speed and momentum.median_final >= 2 * 49


def test_everything_survives_a_restart_through_snapshots() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    _story(signals, clock)
    store = MemorySnapshots()
    signals.save(store)
    restarted = Signals(SignalsConfig(), clock)
    assert len(restarted.load(store)) == 5
    uri = _appeal().uri
    assert restarted.cascade(uri) == signals.cascade(uri)
    assert restarted.momentum(uri) == signals.momentum(uri)
    assert restarted.reach("Citycar", "bluesky", AUTHOR.id) == signals.reach(
        "Citycar", "bluesky", AUTHOR.id)
    restarted.on_interaction(_repost(999, "late", clock.now() + 1, 50))
    later = restarted.cascade(uri)
    assert later is not None and later.size == 49


def test_cold_cascades_leave_with_their_last_momentum_reading() -> None:
    clock = ManualClock(T0)
    gone: list[tuple[CascadeStats, MomentumReading | None]] = []
    signals = Signals(SignalsConfig(), clock, on_evict=lambda s, m: gone.append((s, m)))
    _story(signals, clock)
    clock.advance(7 * 3600)
    evicted = signals.tick()
    assert _appeal().uri in [s.root for s in evicted]
    stats, reading = next(g for g in gone if g[0].root == _appeal().uri)
    assert stats.size == 48 and reading is not None and reading.observed == 49
    assert signals.momentum(_appeal().uri) is None


def test_the_signals_section_of_the_config_is_checked() -> None:
    cfg = signals_config({"signals": {"moments": {"cooldown": 600.0}, "default_followers": 50}})
    assert cfg.moments.cooldown == 600.0 and cfg.default_followers == 50
    assert signals_config({}) == SignalsConfig()
    with pytest.raises(ConfigError, match="cooldwn"):
        signals_config({"signals": {"moments": {"cooldwn": 1}}})
    with pytest.raises(ConfigError):
        signals_config({"signals": {"reach": {"window": "a month"}}})


def test_hostile_and_odd_events_are_absorbed_without_crashing() -> None:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    post = _appeal()
    signals.on_mention(Mention(brand="Citycar", query="q", post=post))
    odd = [
        Post(network="bluesky", uri="at://x/1", author=Author(id="x"),
             text="<script>alert('x')</script>" * 50_000, created_at=float("nan")),
        Post(network="bluesky", uri="at://x/2", author=Author(id="x", followers=-5), text="\udcff",
             created_at=1e18, reply_parent=post.uri, reply_root=post.uri),
    ]
    for p in odd:
        signals.on_post(p)
    for kind in ("bookmark", "repost", "like"):
        signals.on_interaction(Interaction(network="bluesky", uri=f"at://i/{kind}", kind=kind,
                                           author=Author(id="y", followers=None),
                                           subject=post.uri, created_at=float("inf")))
    signals.on_interaction(Interaction(network="bluesky", uri="at://i/loop", kind="repost",
                                       author=Author(id="z"), subject="at://i/loop"))
    stats = signals.cascade(post.uri)
    assert stats is not None and stats.size == 2  # the reply and the repost
    reading = signals.momentum(post.uri)
    assert reading is not None and reading.observed == 2
