"""A process that writes nothing (``reale serve`` on its own) still keeps the store's upkeep:
retention erases the words of posts older than kept, and the rollups' chores run, on a timer
(reale.store.upkeep.Upkeep), as a writing store does after each write."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from reale.clock import ManualClock
from reale.store import Store, open_store
from reale.store.retention import DAY
from reale.store.upkeep import Upkeep
from reale.web.data import register_writers
from tests.store_helpers import store_url
from tests.web_helpers import mention, post

T0 = 1_780_000_000.0
__all__ = ["store_url"]  # the fixture, imported for pytest


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url, clock=ManualClock(T0)) as s:
        register_writers(s)
        yield s


def test_a_store_nobody_writes_to_still_erases_the_words_of_expired_posts(store: Store) -> None:
    old = post(1, "ordine mai arrivato", at=T0 - 40 * DAY, author="anna")
    store.write_mentions([mention("Fiori", old)])  # written before retention was set
    store.keep_text_days = 30
    upkeep = Upkeep(store)
    upkeep.step()  # no write: the timer's round
    kept = store.get_post(old.uri)
    assert kept is not None and kept.text == "" and kept.erased_at == T0
    assert upkeep.rounds == 1


def test_the_upkeep_thread_runs_its_rounds_until_the_block_ends(store: Store) -> None:
    calls: list[float] = []
    store.register_chore("count", calls.append, 0.0)
    with Upkeep(store, every=0.01) as upkeep:
        deadline = time.monotonic() + 10
        while upkeep.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    rounds = upkeep.rounds
    assert rounds >= 2 and len(calls) >= 2
    time.sleep(0.05)
    assert upkeep.rounds == rounds  # stopped with the block
