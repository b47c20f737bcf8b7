"""A brand's relevance model changed by a decision or two is saved as its tail (the decisions
appended since the whole model was saved, a few KB) in the batch's transaction, not as the whole
model again (about 1 MB with a full memory); the next owner of the partition recalls the whole
model and its tail, and scores exactly as the model did. A tail that does not continue the saved
whole model is never used: the model is rebuilt instead (no broker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.relevance import (
    TAIL_MAX,
    Base,
    SavedTail,
    _enc,
    load_model,
    model_name,
    prune_models,
    read_model,
    tail_name,
)
from reale.run.kafka.snapshots import NamedBlob
from reale.run.wiring import Understanding
from reale.understand.relevance import Remembered
from tests.test_kafka_desk_parts import T0, VOLTA, opened, untaught
from tests.test_kafka_learning_parts import (
    PROBE,
    TEXTS,
    WORD,
    Partition,
    decided,
    first_worker,
    heir,
    posts,
    run,
)

GROUP = "reale-brands"


@pytest.fixture(scope="module")
def loaded() -> Understanding:
    return Understanding((VOLTA,))


@pytest.fixture
def understanding(loaded: Understanding) -> Understanding:
    return untaught(loaded)


def blobs(items: list[object]) -> dict[str, bytes]:
    return {i.name: i.blob for i in items if isinstance(i, NamedBlob)}


def test_a_decision_is_saved_as_the_tail_and_the_heir_recalls_model_and_tail(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)
        decided(store, opps[TEXTS[0]], "handled", clock.now() + 1)
        clock.advance(5)
        whole = blobs(run(first, store, posts()[4:5], clock.now()))
        assert list(whole) == [model_name(GROUP, "Volta")]  # the first save: the whole model
        decided(store, opps[TEXTS[2]], "irrelevant", clock.now() + 1)
        clock.advance(5)
        then = blobs(run(first, store, posts()[4:5], clock.now()))
        assert list(then) == [tail_name(GROUP, "Volta")]  # then only what it appended
        decided(store, opps[TEXTS[1]], "handled", clock.now() + 1)
        clock.advance(5)
        again = blobs(run(first, store, posts()[4:5], clock.now()))
        assert list(again) == [tail_name(GROUP, "Volta")]
        model = understanding.models["Volta"]
        assert len(model) == 3
        probe, word = model.explain(PROBE), model.explain(WORD)
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])

        moved, models = heir(store, clock)
        desk = moved.desk
        assert isinstance(desk, KafkaDesk) and (desk.recalled, desk.rebuilt) == (1, 0)
        assert models.models["Volta"].remembered().texts == [TEXTS[0], TEXTS[2], TEXTS[1]]
        assert models.models["Volta"].explain(PROBE) == probe
        assert models.models["Volta"].explain(WORD) == word
        # and the heir goes on with tails on the whole model it recalled
        decided(store, opps[TEXTS[3]], "irrelevant", clock.now() + 1)
        clock.advance(5)
        assert list(blobs(run(moved, store, posts()[4:5], clock.now()))) == [
            tail_name(GROUP, "Volta")]
        store.write_batch(moved.final_items())
        moved.revoked([Partition("mentions", 0)])
        third, last = heir(store, clock)
        assert len(last.models["Volta"]) == 4 and isinstance(third.desk, KafkaDesk)
        assert (third.desk.recalled, third.desk.rebuilt) == (1, 0)


def test_a_tail_is_a_few_kilobytes_where_the_whole_model_grows_with_its_memory(
        tmp_path: Path, understanding: Understanding) -> None:
    model = understanding.build("Volta", [f"{t} ({i})" for i in range(40) for t in TEXTS],
                                [i % 2 == 0 for i in range(200)])
    base = Base(1, model, model.learned)
    model.update(TEXTS[0], True)
    n = base.tail(model)
    assert n == 1
    tail = _enc.encode(SavedTail("Volta", 1, 2, "enc", 500, model.remembered_last(n)))
    whole = _enc.encode(model.remembered())
    assert len(tail) < 5_000 < 100 * len(tail) < len(whole)


def test_a_replaced_model_or_a_long_tail_is_saved_whole(understanding: Understanding) -> None:
    model = understanding.build("Volta", list(TEXTS[:2]), [True, False])
    base = Base(1, model, model.learned)
    assert base.tail(model) == 0
    other = understanding.build("Volta", list(TEXTS[:2]), [True, False])
    assert base.tail(other) is None  # rebuilt: another model
    model.update_many([TEXTS[0]] * (TAIL_MAX + 1), [True] * (TAIL_MAX + 1))
    assert base.tail(model) is None  # past TAIL_MAX


def test_a_tail_that_does_not_continue_the_saved_model_is_not_used(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)
        decided(store, opps[TEXTS[0]], "handled", clock.now() + 1)
        clock.advance(5)
        run(first, store, posts()[4:5], clock.now())
        saved = load_model(store, GROUP, "Volta")
        assert saved is not None
        stray = SavedTail("Volta", saved.mark - 1, saved.mark + 1, understanding.encoder_name,
                          understanding.remember, Remembered([], [], b"", 0))
        store.put_snapshot(tail_name(GROUP, "Volta"), _enc.encode(stray))
        assert read_model(store, understanding, GROUP, "Volta", saved.mark + 1) is None
        assert read_model(store, understanding, GROUP, "Volta", saved.mark) is not None


def test_a_brand_removed_from_the_config_loses_its_model_and_its_tail(tmp_path: Path) -> None:
    with opened(tmp_path) as store:
        for name in (model_name(GROUP, "Volta"), tail_name(GROUP, "Volta"),
                     model_name(GROUP, "Mela"), tail_name(GROUP, "Mela")):
            store.put_snapshot(name, b"x")
        assert prune_models(store, GROUP, {"Mela"}) == ["Volta"]
        left = {n for (n,) in store.query("SELECT name FROM snapshots WHERE name LIKE ?",
                                          ("kafka:%",))}
    assert left == {model_name(GROUP, "Mela"), tail_name(GROUP, "Mela")}
