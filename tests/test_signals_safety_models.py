"""The moments' safety read with the understanding models: the crisis model decides what is a
tragedy, and a model's unsure emotion is not counted (a joke read as 0.4 "anger" is no angry
crowd)."""

from __future__ import annotations

import pytest

from reale.signals.safety import safety_read, understanding_labeller
from reale.simulate.scenarios.moments import BLACKOUT, EARTHQUAKE
from reale.understand.understander import Understander


@pytest.fixture(scope="module")
def labeller():
    u = Understander.load()
    return understanding_labeller(lambda texts, langs, fast: u.annotate_batch(texts, langs))


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
