"""The pieces behind exactly-once delivery and reconnects: the resume window, the persisted
cursor format, the back-off, and the text scanners."""

from __future__ import annotations

import random

import pytest

from reale.errors import DecodeError
from reale.sources.base import Backoff, MemoryCursorStore
from reale.sources.resume import ResumeWindow, id_hash, parse_cursor
from reale.sources.text import hashtags_in, links_in, mentions_in


def test_a_reconnect_rewinds_by_the_window_and_drops_what_was_delivered() -> None:
    w = ResumeWindow(span=100)
    assert w.resume_key() is None  # nothing yet: start live
    for key, eid in [(1000, "a"), (1050, "b"), (1020, "c")]:
        w.deliver(key, eid)
    assert w.resume_key() == 950
    assert w.is_duplicate("b") and not w.is_duplicate("d")


def test_the_last_deliveries_stay_known_however_old_their_keys() -> None:
    """A sparse stream (a quiet hashtag, a backfill of minutes of statuses) delivers ids whose
    keys are far apart: one of the last deliveries sent again by the server is still dropped,
    even when its key is older than the window."""
    w = ResumeWindow(span=100)
    w.deliver(1000, "a")
    w.deliver(5000, "b")
    assert w.is_duplicate("a") and w.is_duplicate("b")
    assert w.resume_key() == 4900  # the rewind itself still follows the window


def test_the_window_never_rewinds_below_an_id_it_had_to_forget() -> None:
    w = ResumeWindow(span=1000, max_ids=2)
    for key, eid in [(10, "a"), (20, "b"), (30, "c")]:
        w.deliver(key, eid)
    assert not w.is_duplicate("a")  # evicted for room…
    assert w.resume_key() == 11  # …so the replay starts after it


def test_the_cursor_holds_the_acked_floor_and_the_ids_above_it() -> None:
    w = ResumeWindow(span=100)
    tokens = {eid: w.deliver(key, eid) for key, eid in [(1000, "a"), (1150, "b"), (1120, "c")]}
    assert w.cursor() is None
    for key, eid in [(1000, "a"), (1150, "b"), (1120, "c")]:
        w.ack(key, tokens[eid])
    cursor = w.cursor()
    assert cursor is not None
    key, hashes = parse_cursor(cursor)
    assert key == 1050 and hashes == {id_hash("b"), id_hash("c")}
    restarted = ResumeWindow(span=100, cursor=cursor)
    assert restarted.resume_key() == 1050
    assert restarted.is_duplicate("b") and not restarted.is_duplicate("a")
    assert restarted.cursor() == cursor  # a restart without progress keeps the cursor


def test_a_plain_integer_cursor_is_accepted_and_junk_is_refused() -> None:
    assert ResumeWindow(span=5, cursor="1783175888000000").resume_key() == 1783175888000000
    with pytest.raises(DecodeError):
        parse_cursor("yesterday")
    with pytest.raises(DecodeError):
        parse_cursor("12~abc")


def test_backoff_grows_with_jitter_up_to_the_cap_and_resets() -> None:
    b = Backoff(base=1, factor=2, cap=8, rng=random.Random(7))
    delays = [b.next_delay() for _ in range(6)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    b.reset()
    assert b.next_delay() <= 1


def test_memory_cursor_store() -> None:
    store = MemoryCursorStore()
    assert store.get_cursor("x") is None
    store.set_cursor("x", "42")
    assert store.get_cursor("x") == "42" and store.writes == 1


def test_text_scanners() -> None:
    text = "Ciao @Brand.it e @user@mastodon.social! #Caffè #1 #l'auto a&#39; https://a.b/c?d=1)."
    assert hashtags_in(text) == ["Caffè", "l"]
    assert mentions_in(text) == ["Brand.it", "user@mastodon.social"]
    assert links_in(text) == ["https://a.b/c?d=1"]
