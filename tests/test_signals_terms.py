"""Moment terms: hashtags, content words and adjacent-word pairs ("stadio olimpico"), with links,
@handles, numbers, emoji and stop words dropped; the English and Italian stop words are learned
from ../shared/data by a script whose output ships with the package."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest

import reale.signals.terms
from reale.signals.lexicons import lexicon
from reale.signals.terms import stopwords, terms, word_of
from tests.conftest import DATA, ROOT


def test_a_post_yields_its_hashtags_then_its_name_like_pairs_then_its_words() -> None:
    text = ("Tutti parlano del blackout allo Stadio Olimpico stamattina, 20 minuti al buio! 😱 "
            "https://t.co/x @sky.bsky.social #blackout")
    assert terms(text, ("blackout",)) == [
        "#blackout",
        "stadio olimpico", "olimpico stamattina",  # "blackout allo": a stop word breaks a pair
        "parlano", "blackout", "stadio", "olimpico", "stamattina", "minuti", "buio"]


def test_links_handles_numbers_and_emoji_are_not_terms() -> None:
    got = terms("Power outage 🔌 @grid.bsky.social https://t.co/a www.x.it 2026 3rd 10k 5pm <URL>")
    assert got == ["power outage", "power", "outage"]
    assert word_of("covid19") == "covid19" and word_of("ps5") == "ps5"  # a name with a number


def test_punctuation_between_two_words_keeps_them_apart() -> None:
    assert terms("grandine, traffico") == ["grandine", "traffico"]
    assert terms("grandine traffico") == ["grandine traffico", "grandine", "traffico"]


def test_ordinary_words_of_both_languages_are_stop_words_but_cue_words_and_names_are_not() -> None:
    stop = stopwords()
    assert {"the", "people", "still", "che", "sono", "tutti", "alle"} <= stop
    assert terms("Everyone is talking about it, people still think so") == ["talking"]
    cues = [w for w in stop if any(w in lexicon(n) for n in ("tragic", "violent", "divisive"))]
    assert cues == []  # "earthquake", "terremoto", "guerra" stay terms
    assert "italia" not in stop and "roma" not in stop  # written capitalised: names


def test_terms_stay_bounded_and_pairs_take_at_most_half() -> None:
    got = terms(" ".join(f"parola{i}" for i in range(10_000)), limit=32)
    assert len(got) == 32 and sum(" " in t for t in got) == 16


def test_the_examples_in_the_module_hold() -> None:
    result = doctest.testmod(reale.signals.terms)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data missing")
def test_the_shipped_stop_words_are_what_the_training_script_derives(tmp_path: Path) -> None:
    out = tmp_path / "stopwords.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_stopwords.py"), "--out",
                           str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    shipped = ROOT / "src" / "reale" / "signals" / "stopwords.json"
    assert out.read_bytes() == shipped.read_bytes()
    doc = json.loads(out.read_text("utf-8"))
    assert {c["path"].split("/")[0] for c in doc["languages"]["it"]["corpora"]} == {
        "sentiment", "emotion", "bursts"}
