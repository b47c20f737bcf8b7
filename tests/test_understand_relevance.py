"""Brand relevance learned from a handful of the team's decisions, explained by the nearest ones."""

from __future__ import annotations

import json

import msgspec
import numpy as np
import pytest

from reale.errors import DecodeError
from reale.understand.relevance import RelevanceModel, Remembered
from reale.understand.understander import Understander

BRAND = ["Apple should fix the battery drain in the new iPhone update",
         "Just bought the new MacBook from the Apple store, the M4 chip is fast",
         "Apple Watch keeps losing connection to my phone, any fix?",
         "Tim Cook announced the new Apple iPad at the keynote"]
WORD = ["Baked an apple pie with cinnamon for grandma this afternoon",
        "An apple a day keeps the doctor away, eat your fruit",
        "Picked a basket of red apples at the orchard this weekend",
        "Apple crumble with vanilla ice cream is the best dessert"]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def _trained(u: Understander):
    model = u.relevance_model("Apple", ["apple"])
    for text in BRAND:
        model.update(text, True)
    for text in WORD:
        model.update(text, False)
    return model


def test_before_any_decision_it_does_not_pretend_to_know(u):
    model = u.relevance_model("Apple", ["apple"])
    assert model.predict("apple") == 0.5 and len(model) == 0


def test_a_few_decisions_separate_the_brand_from_the_fruit(u):
    model = _trained(u)
    assert model.predict("My Apple iPhone screen cracked, does AppleCare cover it?") > 0.5
    assert model.predict("Granny Smith apples make the best apple tart") < 0.5


def test_explanations_name_the_decisions_that_decided(u):
    verdict = _trained(u).explain("Warm apple pie recipe with fresh apples")
    assert not verdict.relevant
    assert verdict.nearest[0].text in WORD and verdict.nearest[0].relevant is False
    assert verdict.nearest[0].similarity >= verdict.nearest[-1].similarity


def test_snapshot_is_plain_json_and_restores_the_same_model(u):
    model = _trained(u)
    state = json.loads(json.dumps(model.snapshot()))
    again = type(model).restore(state, u.embed_for_relevance)
    probe = ["apple juice for breakfast", "new Apple laptop announced"]
    assert np.allclose([v.score for v in model.predict_batch(probe)],
                       [v.score for v in again.predict_batch(probe)])
    assert state["decisions"][0] == {"text": BRAND[0], "relevant": True}


def test_with_only_one_kind_of_decision_it_leans_but_stays_unsure(u):
    model = u.relevance_model("Apple", ["apple"])
    model.update(BRAND[0], True)
    assert 0.5 < model.predict("anything at all") < 0.9


# --- bounded memory: a model remembers the most recent decisions only ----------------------------


def test_a_model_remembers_only_its_most_recent_decisions(u):
    model = u.relevance_model("Apple", ["apple"], remember=4)
    for text in BRAND:  # four kept …
        model.update(text, True)
    for text in WORD[:3]:  # … then three dismissed: the three oldest kept ones are forgotten
        model.update(text, False)
    assert len(model) == 4 and model.kinds() == {True, False}
    kept = [d["text"] for d in model.snapshot()["decisions"]]
    assert kept == [BRAND[3], *WORD[:3]]
    assert model.explain("Apple crumble").nearest[0].text in kept


def test_a_capped_model_reads_as_one_that_only_ever_saw_the_recent_decisions(u):
    """Forgetting is exact: the oldest rows go, whether one at a time or in one batch."""
    capped = u.relevance_model("Apple", ["apple"], remember=5)
    for text, y in [*((t, True) for t in BRAND), *((t, False) for t in WORD)]:
        capped.update(text, y)
    batch = u.relevance_model("Apple", ["apple"], remember=5)
    batch.update_many([*BRAND, *WORD], [True] * 4 + [False] * 4)
    fresh = u.relevance_model("Apple", ["apple"], remember=500)
    fresh.update_many([BRAND[3], *WORD], [True, False, False, False, False])
    probe = ["My Apple iPhone screen cracked", "Granny Smith apples make the best tart"]
    for model in (capped, batch):
        assert model.snapshot() == fresh.snapshot()
        assert [v.score for v in model.predict_batch(probe)] == pytest.approx(
            [v.score for v in fresh.predict_batch(probe)], abs=1e-5)


def test_the_cap_survives_a_snapshot_and_must_be_positive(u):
    from reale.errors import ConfigError
    from reale.understand.relevance import RelevanceModel

    model = _trained(u)
    again = RelevanceModel.restore(model.snapshot(), u.embed_for_relevance, remember=3)
    assert len(again) == 3 and [d["text"] for d in again.snapshot()["decisions"]] == WORD[1:]
    with pytest.raises(ConfigError, match="at least 1"):
        u.relevance_model("Apple", ["apple"], remember=0)


def test_a_remembered_model_is_recalled_exactly_without_the_encoder(u):
    model = _trained(u)
    memory = model.remembered()
    embedded: list[str] = []

    def encoder(texts):
        embedded.extend(texts)
        return u.embed_for_relevance(texts)

    again = RelevanceModel("Apple", ["apple"], encoder)
    again.recall(msgspec.msgpack.decode(msgspec.msgpack.encode(memory), type=Remembered))
    assert embedded == [] and len(again) == len(model) == 8
    probe = ["apple juice for breakfast", "new Apple laptop announced", *BRAND, *WORD]
    assert again.predict_batch(probe) == model.predict_batch(probe)


def test_a_recalled_memory_keeps_the_models_cap_and_must_add_up(u):
    memory = _trained(u).remembered()
    small = u.relevance_model("Apple", ["apple"], remember=3)
    small.recall(memory)
    assert len(small) == 3 and small.snapshot()["decisions"][-1]["text"] == WORD[-1]
    broken = Remembered(memory.texts, memory.relevant[:-1], memory.vectors, memory.dim)
    with pytest.raises(DecodeError, match="does not add up"):
        small.recall(broken)
