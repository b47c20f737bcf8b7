"""The simulated accounts: follower counts are heavy-tailed like a real network's, and the
directory is served as Bluesky profiles (Jetstream itself carries none)."""

from __future__ import annotations

import numpy as np

from reale.simulate import Simulator
from reale.simulate.authors import follower_counts

PROFILE_KEYS = {"did", "handle", "displayName", "description", "followersCount",
                "followsCount", "postsCount", "indexedAt", "createdAt", "labels"}


def test_most_accounts_are_small_and_a_few_are_huge() -> None:
    followers = follower_counts(np.random.default_rng(0), 200_000)
    assert 50 < np.median(followers) < 500
    assert (followers < 1_000).mean() > 0.8
    assert (followers > 1_000_000).sum() >= 3
    top = np.sort(followers)[::-1]
    assert top[: len(top) // 100].sum() > 0.5 * top.sum()  # the top 1% hold most followers


def test_the_directory_reaches_macro_and_mega_accounts() -> None:
    sim = Simulator(seed=2, authors=5000)
    counts = [p["followersCount"] for p in sim.profiles()]
    assert max(counts) > 1_000_000  # news outlets, a singer
    assert sorted(counts)[len(counts) // 2] < 1_000


def test_profiles_look_like_profile_view_detailed() -> None:
    sim = Simulator(seed=2, authors=3000)
    sim.add_scenario("car", at=10)
    profiles = sim.profiles()
    assert all(set(p) == PROFILE_KEYS for p in profiles)
    assert len({p["did"] for p in profiles}) == len({p["handle"] for p in profiles}) == len(profiles)
    by_handle = {p["handle"]: p for p in profiles}
    assert by_handle["matteogalli.bsky.social"]["followersCount"] == 152_000  # the car story's author
    assert "volta-auto.bsky.social" in by_handle and "fiorella.bsky.social" in by_handle
    assert sim.profile("@matteogalli.bsky.social") == by_handle["matteogalli.bsky.social"]


def test_authors_follow_the_language_mix() -> None:
    sim = Simulator(seed=4, authors=4000, langs={"it": 0.8, "en": 0.2})
    langs = sim.directory.langs[:4000]
    assert 0.75 < langs.count("it") / 4000 < 0.85
    assert set(langs) == {"it", "en"}
