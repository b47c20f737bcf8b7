"""The moments' safety read with the understanding models: the crisis model decides what is a
tragedy, and a model's unsure emotion is not counted (a joke read as 0.4 "anger" is no angry
crowd). It asks the models for the three labels it reads, and gets the same ones as from the
labeller that computes them all."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from reale.signals.safety import SAFETY_TASKS, safety_read, understanding_labeller
from reale.simulate.scenarios.moments import BLACKOUT, EARTHQUAKE
from reale.understand.data import crisislex_related
from reale.understand.understander import TASKS, Understander


@pytest.fixture(scope="module")
def understander():
    return Understander.load()


@pytest.fixture(scope="module")
def labeller(understander):
    return understanding_labeller(understander.annotate_batch)


def real_posts(data: Path) -> list[str]:
    """Everyday tweets (English, Italian) and crisis tweets, as moments' sample posts come."""
    texts = []
    for lang in ("en", "it"):
        with (data / "sentiment" / lang / "val.jsonl").open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in itertools.islice(f, 60)]
    for tweets in itertools.islice(crisislex_related(data).values(), 0, None, 4):
        texts += tweets[:12]
    return texts + list(BLACKOUT["it"].crowd) + list(EARTHQUAKE["en"].crowd)


def test_the_safety_read_asks_only_for_its_labels_and_gets_those_of_the_full_labeller(
        understander, labeller, data_dir):
    texts = real_posts(data_dir)
    full = understander.annotate_batch(texts, [None] * len(texts))
    some = understander.annotate_batch(texts, [None] * len(texts), tasks=SAFETY_TASKS)
    fields = ("sentiment", "sentiment_scores", "emotion", "emotion_scores", "crisis_score")
    assert [[getattr(u, f) for f in fields] for u in some] == \
        [[getattr(u, f) for f in fields] for u in full]
    assert all(u.intent is None and u.irony is None and u.offensive is None for u in some)
    assert all(u.intent is not None for u in full)
    everything = understanding_labeller(understander.annotate_batch, tasks=TASKS)
    rows = labeller(texts)
    assert rows == everything(texts)
    assert {r["emotion"] for r in rows} >= {"fear", ""}, "the sure and the unsure both occur"


def test_an_earthquake_is_a_tragedy_to_stay_out_of(labeller):
    for lang in ("it", "en"):
        read = safety_read(["#terremoto"], list(EARTHQUAKE[lang].crowd), labeller)
        assert read.verdict == "avoid"
        assert read.crisis is not None and read.crisis >= 0.5
        assert any("crisis model" in r for r in read.reasons)


def test_a_stadium_blackout_is_a_moment_a_brand_may_join(labeller):
    read = safety_read(["#blackout"], list(BLACKOUT["it"].crowd), labeller)
    assert read.verdict == "safe", read.reasons
    assert read.crisis is not None and read.crisis < 0.35


def test_the_labeller_keeps_only_the_labels_the_models_are_sure_of(labeller):
    rows = labeller(["Qualcuno ha dimenticato di pagare la bolletta #blackout",
                     "Ancora una scossa adesso, più leggera ma che paura #terremoto"])
    assert set(rows[0]) == {"sentiment", "emotion", "crisis"}
    assert float(rows[1]["crisis"]) > 0.9 > float(rows[0]["crisis"])
    assert rows[1]["emotion"] == "fear"


def test_crisis_talk_below_the_avoid_line_still_asks_for_caution():
    def half_crisis(texts):
        return [{"sentiment": "", "emotion": "", "crisis": "0.4"} for _ in texts]

    read = safety_read(["ospedali"], ["Servono donatori negli ospedali della zona"] * 5, half_crisis)
    assert read.verdict == "caution"
    assert "crisis model: 0.40" in " ".join(read.reasons)


def test_with_a_crisis_reading_anger_alone_is_caution_not_avoid():
    def angry_calm(texts):
        return [{"sentiment": "negative", "emotion": "anger", "crisis": "0.05"} for _ in texts]

    def angry_no_models(texts):
        return [{"sentiment": "negative", "emotion": "anger"} for _ in texts]

    texts = ["Arbitro venduto, partita rubata #finale"] * 6
    assert safety_read(["#finale"], texts, angry_calm).verdict == "caution"
    assert safety_read(["#finale"], texts, angry_no_models).verdict == "avoid"


def test_the_bench_row_puts_every_label_and_the_safety_labels_side_by_side(understander):
    from reale.bench.signals_safety import speed_row

    groups = [list(BLACKOUT["it"].crowd)[:12], list(EARTHQUAKE["it"].crowd)[:12]]
    row = speed_row(understander, groups, rounds=1)
    assert row["unit"] == "moments/s" and row["value"] > 0
    assert "every label (language, sentiment, emotion, intent" in row["note"]
    assert "sentiment, emotion, crisis only" in row["note"]
    assert row["note"].endswith("same sentiment, emotion, crisis labels: yes")
