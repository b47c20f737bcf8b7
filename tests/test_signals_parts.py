"""The small building blocks: windows, token bucket, bounded indexes, sketch, Poisson tail, terms,
lexicons, and the snapshot contract every state object follows."""

from __future__ import annotations

import math

import pytest

from reale.clock import ManualClock
from reale.errors import StoreError
from reale.signals.cascades import CascadeConfig, CascadeTracker
from reale.signals.moment_scope import MomentConfig
from reale.signals.moments import MomentDetector
from reale.signals.momentum import MomentumConfig, MomentumTracker
from reale.signals.network import BoundedIndex
from reale.signals.poisson import poisson_log10_sf
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.reach import ReachConfig, ReachSignal
from reale.signals.sketch import DecayingCountMin
from reale.signals.snapshot import MemorySnapshots, load, pack, save, unpack
from reale.signals.terms import terms
from reale.signals.windows import SlidingCounter
from reale.token_bucket import TokenBucket


def test_a_sliding_counter_forgets_what_left_the_window() -> None:
    c = SlidingCounter(window=60.0, buckets=6)
    for t in (0.0, 1.0, 30.0, 59.0):
        c.add(t)
    assert c.total(59.0) == 4
    assert c.total(65.0) == 2  # the first ten seconds have left
    assert c.rate_per_minute(65.0) == 2.0
    assert SlidingCounter.from_state(c.state()).total(65.0) == 2


def test_the_token_bucket_refills_with_the_clock_and_obeys_a_block() -> None:
    clock = ManualClock(0.0)
    b = TokenBucket(rate=2.0, burst=4, clock=clock)
    assert sum(b.try_take() for _ in range(10)) == 4
    assert b.wait_time() == pytest.approx(0.5)
    clock.advance(1.0)
    assert sum(b.try_take() for _ in range(10)) == 2
    b.block_for(30.0)
    clock.advance(29.0)
    assert not b.try_take()
    clock.advance(1.0)
    assert b.try_take()


def test_a_bounded_index_keeps_first_seen_times_and_forgets_the_least_recent() -> None:
    ix = BoundedIndex(max_keys=2, max_members=2)
    ix.add("a", "x", 1.0)
    ix.add("b", "y", 2.0)
    ix.add("c", "z", 3.0)  # "a" goes
    assert ix.first_seen("a", "x") is None and ix.first_seen("c", "z") == 3.0
    again = BoundedIndex(2, 2)
    again.load(ix.state())
    assert again.members("b") == ["y"]


def test_the_sketch_never_underestimates_and_decays() -> None:
    cm = DecayingCountMin(width=32, depth=4, alpha=0.5)
    counts = {f"t{i}": i for i in range(200)}  # far more terms than cells: collisions
    cm.fold(counts)
    assert all(cm.estimate(t) >= 0.5 * n - 1e-9 for t, n in counts.items())
    before = cm.estimate("t199")
    cm.fold({}, buckets=2)
    assert cm.estimate("t199") == pytest.approx(before / 4)


def test_poisson_tail_matches_direct_sums() -> None:
    direct = 1 - sum(math.exp(-2.0) * 2.0 ** k / math.factorial(k) for k in range(7))
    assert poisson_log10_sf(7, 2.0) == pytest.approx(math.log10(direct), rel=1e-6)
    assert poisson_log10_sf(1, 3.0) == pytest.approx(math.log10(1 - math.exp(-3.0)), rel=1e-6)
    assert poisson_log10_sf(0, 3.0) == 0.0


def test_terms_are_bounded_for_hostile_posts() -> None:
    huge = "<script>alert(1)</script> " + " ".join(f"word{i}" for i in range(100_000))
    out = terms(huge, limit=32)
    assert len(out) == 32 and "script" in out
    assert terms("\udcff\x00 ", ()) == []
    assert terms("Il #Terremoto a Modena", ("terremoto",)) == ["#terremoto", "modena"]


def _parts() -> list[object]:
    clock = ManualClock(0.0)
    cache = ProfileCache(ProfileCacheConfig(), clock)
    return [cache, ReachSignal(ReachConfig(), clock, cache), CascadeTracker(CascadeConfig(), clock),
            MomentumTracker(MomentumConfig(), clock), MomentDetector(MomentConfig(), clock)]


@pytest.mark.parametrize("part", _parts(), ids=lambda p: type(p).__name__)
def test_every_state_object_round_trips_and_refuses_foreign_or_corrupt_snapshots(part: object) -> None:
    store = MemorySnapshots()
    save(part, store, "x")  # type: ignore[arg-type]
    assert load(part, store, "x")  # type: ignore[arg-type]
    assert part.snapshot() == store.get_snapshot("x")  # type: ignore[attr-defined]
    assert not load(part, store, "missing")  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        part.restore(pack("something-else", {}))  # type: ignore[attr-defined]
    with pytest.raises(StoreError):
        part.restore(b"\xc1")  # type: ignore[attr-defined]


def test_unpack_names_what_it_expected() -> None:
    with pytest.raises(StoreError, match="not a momentum"):
        unpack("momentum", pack("cascades", []))


def test_moment_terms_skip_handles_and_keep_the_word_after_an_italian_elision() -> None:
    from reale.signals.terms import terms

    got = terms("Ma @mela-mobile.bsky.social rispondete a Sara, non è l'unica, tre settimane")
    assert got == ["rispondete", "sara", "unica", "settimane"]
