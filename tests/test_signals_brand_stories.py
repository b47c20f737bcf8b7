"""A brand scope's stories as the brand stage publishes them for the Kafka merge stage: open
ones with when they opened and were last joined; a closed one with when its scope closed it, kept
for a cool-down; and the reader's question, "had the brand a story open before this bucket?"."""

from __future__ import annotations

import pytest

from reale.errors import DecodeError
from reale.signals.brand_stories import (
    BrandStories,
    StoryMark,
    decode_stories,
    encode_stories,
    marks_of,
    open_at,
)
from reale.signals.moment_scope import Example, MomentConfig, ScopeDetector

T0 = 1_767_225_600.0  # a bucket boundary
CFG = MomentConfig(warmup=0.0)


def post(scope: ScopeDetector, t: float, *terms: str) -> None:
    scope.update(t, list(terms), Example(f"at://p/{t}", " ".join(terms)))


def wave(scope: ScopeDetector, start: float) -> None:
    for k in range(120):  # an hour of quiet chatter first: a baseline
        post(scope, start - 3600 + 30.0 * k, f"chatter{k}")
    for i in range(12):
        post(scope, start + 5.0 * i, "#brakegate", f"word{i}")


def test_a_story_is_published_open_then_closed_when_its_scope_closes_it() -> None:
    scope = ScopeDetector("Volta", CFG)
    wave(scope, T0 + 3600)
    opened = marks_of("Volta", scope, None)
    [story] = opened.stories
    assert (story.head, story.closed) == ("#brakegate", None)
    assert T0 + 3600 <= story.opened <= story.seen <= T0 + 3660
    later = T0 + 3600 + CFG.cooldown + 1800  # past its cool-down, its head long quiet
    post(scope, later, "chatter")  # the scope rolls to this bucket and closes the story
    closed = marks_of("Volta", scope, opened)
    [mark] = closed.stories
    assert mark.closed == closed.until == (later // CFG.bucket) * CFG.bucket
    gone = marks_of("Volta", scope, closed)
    assert gone.stories == closed.stories, "kept for a cool-down after it closed"
    post(scope, later + CFG.cooldown, "chatter")
    assert marks_of("Volta", scope, closed).stories == ()


def test_open_at_asks_for_a_story_raised_in_an_earlier_bucket_and_not_closed_by_then() -> None:
    story = StoryMark("#brakegate", opened=T0 + 15, seen=T0 + 100)
    row = BrandStories("Volta", until=T0 + 600, stories=(story,))
    assert not open_at(row, T0, CFG.cooldown)  # its own bucket: the same wave
    assert open_at(row, T0 + 30, CFG.cooldown)
    closed = BrandStories("Volta", until=T0 + 600,
                          stories=(StoryMark("#brakegate", T0 + 15, T0 + 100, closed=T0 + 300),))
    assert open_at(closed, T0 + 270, CFG.cooldown) and not open_at(closed, T0 + 300, CFG.cooldown)
    # a row older than the bucket (no mention since): closed once the cool-down has passed
    assert open_at(row, T0 + 100 + CFG.cooldown - 30, CFG.cooldown)
    assert not open_at(row, T0 + 100 + CFG.cooldown, CFG.cooldown)


def test_a_published_row_round_trips_and_garbage_is_a_clear_error() -> None:
    row = BrandStories("Volta", until=T0, stories=(StoryMark("#x", T0 - 60, T0 - 30),))
    assert decode_stories(encode_stories(row)) == row
    with pytest.raises(DecodeError):
        decode_stories(b"\xc1not msgpack")
