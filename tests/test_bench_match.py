"""The matcher benchmark's workload is deterministic and realistic, and its rows are well formed.
(The speed targets themselves are checked by ``make bench``, not here.)"""

from __future__ import annotations

import msgspec
import pytest

from reale.bench import match as bench
from reale.bench._match_corpus import build
from reale.match import Matcher


def test_the_workload_is_deterministic_with_10000_terms() -> None:
    first, second = build(500), build(500)
    assert first.lines == second.lines
    assert len(first.terms) == 10_000
    entries = sum(len(b.handles) + len(b.hashtags) + len(b.keywords) for b in first.brands)
    assert entries == 10_000 + len(first.brands)  # plus one DID per brand, for replies
    kinds = {t[0] if t[0] in "#@" else ("phrase" if " " in t else "word") for t in first.terms}
    assert kinds == {"#", "@", "word", "phrase"}


def test_about_two_percent_of_posts_match_and_every_planted_term_is_found() -> None:
    work = build(5000)
    assert 0.01 <= work.injected / len(work.lines) <= 0.03
    matcher = Matcher.from_brands(work.brands)
    posts = [bench._to_post(msgspec.json.decode(line, type=bench._Event)) for line in work.lines]
    matched = sum(1 for post in posts if post is not None and matcher.match(post))
    assert work.injected <= matched <= 2 * work.injected


@pytest.mark.slow
def test_run_returns_one_row_per_figure() -> None:
    rows = bench.run(quick=True)
    names = {row["name"] for row in rows}
    assert {"match.decode_match", "match.ratio_to_ceiling", "match.ceiling",
            "match.naive_regex", "match.match_rate"} <= names
    for row in rows:
        assert set(row) == {"name", "value", "unit", "target", "ok", "note"}
        assert row["value"] > 0
        assert row["ok"] == (row["target"] is None or row["value"] >= row["target"])
