"""Reach: influencer tiers, and an author's percentile among the brand's last 30 days of authors."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.events import Author, Mention, Post
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.profiles import Profile
from reale.signals.reach import BrandAudience, ReachConfig, ReachSignal, tier

DAY = 86400.0
T0 = 1_700_000_000.0


def test_tiers_follow_the_industry_convention() -> None:
    assert [tier(n) for n in (0, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000)] == [
        "nano", "nano", "micro", "micro", "macro", "macro", "mega"]
    assert tier(None) == "unknown"


def test_an_author_counts_once_with_their_latest_followers() -> None:
    a = BrandAudience(window=30 * DAY, max_authors=100)
    a.update("ann", 100, T0)
    a.update("ann", 5_000, T0 + 10)
    a.update("bob", 1_000, T0 + 20)
    assert len(a) == 2
    assert a.percentile(5_000, T0 + 30) == 75.0  # above bob, tied with herself


def test_authors_expire_after_the_window_and_memory_is_bounded() -> None:
    a = BrandAudience(window=30 * DAY, max_authors=3)
    for i, n in enumerate([10, 100, 1000, 10_000]):
        a.update(f"u{i}", n, T0 + i * DAY)
    assert len(a) == 3  # u0 pushed out
    assert a.percentile(50, T0 + 4 * DAY) == 0.0
    assert a.percentile(50_000, T0 + 32.5 * DAY) == 100.0  # u1, u2 expired; only u3 left
    assert len(a) == 1


def _mention(brand: str, author: str, followers: int | None, t: float) -> Mention:
    post = Post(network="x", uri=f"x://tweet/{author}{t}", author=Author(id=author, followers=followers),
                text="ciao", created_at=t)
    return Mention(brand=brand, query="q", post=post)


def test_reach_reads_tier_and_percentile_per_brand() -> None:
    clock = ManualClock(T0)
    signal = ReachSignal(ReachConfig(), clock, ProfileCache(ProfileCacheConfig(), clock))
    for i, n in enumerate([50, 500, 5_000, 50_000]):
        signal.update(_mention("florist", f"u{i}", n, T0))
    signal.update(_mention("cars", "u3", 50_000, T0))
    reading = signal.get("florist", "x", "u3")
    assert (reading.followers, reading.tier, reading.audience) == (50_000, "micro", 4)
    assert reading.percentile == pytest.approx(87.5)
    assert signal.get("cars", "x", "u3").percentile == 50.0
    assert signal.get("nobody", "x", "u3").percentile is None


def test_a_mention_waits_for_its_authors_profile_then_joins_the_audience() -> None:
    clock = ManualClock(T0)
    cache = ProfileCache(ProfileCacheConfig(), clock)
    signal = ReachSignal(ReachConfig(), clock, cache)
    signal.update(_mention("florist", "did:plc:x", None, T0))
    assert signal.get("florist", "x", "did:plc:x").audience == 0
    cache.put(Profile(network="x", id="did:plc:x", followers=2_000, fetched_at=T0))
    assert signal.resolve() == 1
    reading = signal.get("florist", "x", "did:plc:x")
    assert reading.audience == 1 and reading.tier == "nano"


def test_reach_survives_a_restart() -> None:
    clock = ManualClock(T0)
    cache = ProfileCache(ProfileCacheConfig(), clock)
    signal = ReachSignal(ReachConfig(), clock, cache)
    for i, n in enumerate([10, 20, 30]):
        signal.update(_mention("b", f"u{i}", n, T0))
    again = ReachSignal(ReachConfig(), clock, cache)
    again.restore(signal.snapshot())
    assert again.get("b", "x", "u1") == signal.get("b", "x", "u1")
