"""The crisis label: a post about a disaster, an attack or a deadly accident, told apart from a
dead phone, a product complaint or a joke about a stadium blackout (the moments' safety read uses
it to keep brands out of tragedies)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reale.errors import ModelError
from reale.understand import crisis
from reale.understand.models import MODELS_DIR
from reale.understand.training import array_digest
from reale.understand.understander import Understander


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


TRAGIC = [
    ("Strong earthquake in central Italy, buildings collapsed and people under the rubble", "en"),
    ("Praying for the victims of the flood, entire neighbourhoods under water", "en"),
    ("Scossa fortissima adesso, crolli in paese, ci sono vittime #terremoto", "it"),
    ("Alluvione in Sardegna, strade chiuse, sfollati e dispersi", "it"),
]
EVERYDAY = [
    ("My laptop died again right before the meeting, great", "en"),
    ("@acme my new phone's screen cracked after three days and support wants £250 #AcmeFail", "en"),
    ("Someone forgot to pay the electric bill at the stadium 😂 #blackout", "en"),
    ("Mai più Mela, il mio è morto dopo un mese #MelaFail", "it"),
    ("Il mio pacco è disperso da una settimana, che servizio pessimo", "it"),
    ("Stasera pizza e finale di coppa sul divano, forza ragazzi!", "it"),
]


def test_disaster_talk_reads_as_crisis_and_everyday_trouble_does_not(u):
    tragic = u.annotate_batch([t for t, _ in TRAGIC], [lang for _, lang in TRAGIC])
    everyday = u.annotate_batch([t for t, _ in EVERYDAY], [lang for _, lang in EVERYDAY])
    assert all(x.crisis for x in tragic), [x.crisis_score for x in tragic]
    assert not any(x.crisis for x in everyday), [x.crisis_score for x in everyday]
    assert min(x.crisis_score for x in tragic) > max(x.crisis_score for x in everyday)


def test_the_label_says_what_drove_it_and_can_be_left_out(u):
    x = u.annotate("Earthquake: several dead, rescuers searching the rubble", "en")
    assert x.crisis and x.why["crisis"] == ["sentence embedding (crisis model)"]
    only = u.annotate("Earthquake: several dead", "en", tasks=("language", "sentiment"))
    assert only.crisis is None and only.crisis_score is None


def test_the_shipped_weights_are_the_ones_the_manifest_describes():
    manifest = json.loads((MODELS_DIR / f"{crisis.CRISIS_NAME}.json").read_text("utf-8"))
    head = crisis.load(MODELS_DIR)
    assert array_digest(head.arrays()) == manifest["sha256"]
    held = manifest["metrics"]["held_out_events"]
    assert held["auc"] > 0.95 and held["false_alarms_everyday"] < 0.05


def test_a_missing_or_foreign_crisis_model_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ModelError, match="make train"):
        crisis.load(tmp_path)
    crisis.save(crisis.CrisisHead(np.zeros(3, dtype=np.float32), 0.0),
                tmp_path / f"{crisis.CRISIS_NAME}.npz")
    with pytest.raises(ModelError, match="expected"):
        crisis.load(tmp_path)
