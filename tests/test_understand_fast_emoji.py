"""The fast path (``annotate_batch(..., fast=True)``, used under overload) reads a post of emoji
alone by the emoji lexicon, as the full path does: "😡😡😡" is negative there too, not the
neutral its word n-grams (none) answered. Posts with words keep the n-grams' read."""

from __future__ import annotations

import pytest

from reale.understand.understander import Understander


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


CASES = {"😡😡😡": "negative", "@volta 🤬🤬": "negative", "💩": "negative", "😍😍": "positive",
         "🔥🔥🔥": "positive", "Mela 12 😍😍😍": "positive", "😂😂😂": "neutral"}


def test_emoji_alone_read_the_same_in_the_fast_and_the_full_path(u: Understander) -> None:
    texts = list(CASES)
    fast = u.annotate_batch(texts, fast=True)
    full = u.annotate_batch(texts, tasks=("language", "sentiment"))
    for text, f, g in zip(texts, fast, full, strict=True):
        assert f.mode == "fast" and f.sentiment == CASES[text] == g.sentiment, (text, f.sentiment_scores)
        assert f.why["sentiment"][0].startswith("emoji only: "), f.why
        assert f.why["sentiment"][-1] == "word n-grams only (fast mode, under load)"


def test_posts_with_words_keep_the_n_grams_read_in_the_fast_path(u: Understander) -> None:
    texts = ["I love it, best phone ever 😡", "worst service ever, never again", "che ridere 😂😂😂"]
    for x in u.annotate_batch(texts, fast=True):
        assert x.why["sentiment"] == ["word n-grams only (fast mode, under load)"]
    assert [x.sentiment for x in u.annotate_batch(texts[:2], fast=True)] == ["positive", "negative"]
