"""What the team taught a brand, after its partition moves to another worker (without a broker):
the learned weights come with the partition's snapshot, and the brand's relevance model is
rebuilt from the stored decisions the snapshot had learned; decisions taken since are learned
next, each once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.run.kafka.brands import BrandStage
from reale.run.wiring import Understanding
from reale.store import Store
from reale.web.queries import decide
from reale.web.records import OpportunityDecision, OpportunityRecord
from tests.test_kafka_desk_parts import T0, VOLTA, Record, mention, opened, stage

PROBE = "@volta-auto.bsky.social my Volta will not start this morning, can you help?"
WORD = "for once the train was on time, una volta tanto"


@dataclass
class Partition:
    """What a rebalance hands a stage (the part of ``confluent_kafka.TopicPartition`` it reads)."""

    topic: str
    partition: int
    offset: int = -1001


TEXTS = (
    "@volta-auto.bsky.social can we get a Volta for our charity rally? pretty please",
    "@volta-auto.bsky.social my Volta's charger stopped working, what should I do?",
    "@volta-auto.bsky.social una volta ho visto un film, can you recommend another?",
    "@volta-auto.bsky.social la volta celeste stanotte, do you like the stars?",
    "@volta-auto.bsky.social can you tell me when the new Volta ships?",
)


def posts() -> list[Record]:
    return [Record(mention(i, t, T0 + i), i) for i, t in enumerate(TEXTS)]


def decided(store: Store, rec: OpportunityRecord, action: str, at: float) -> None:
    decide(store, OpportunityDecision(opportunity_key=rec.key, action=action, actor="ada",
                                      role="responder", at=at))


def heir(store: Store, clock: ManualClock) -> tuple[BrandStage, Understanding]:
    """The worker that gets partition 0 next: its own process, its own models."""
    understanding = Understanding((VOLTA,))
    s = stage(store, clock, understanding)
    s.maintain_every = 0.0
    s.assigned([Partition("mentions", 0)])
    return s, understanding


@pytest.fixture(scope="module")
def loaded() -> Understanding:
    return Understanding((VOLTA,))


@pytest.fixture
def understanding(loaded: Understanding) -> Understanding:
    """The first worker's models (loaded once for the module; each test starts untaught)."""
    loaded.models.clear()
    return loaded


def test_a_rebalanced_partition_brings_back_the_brands_weights_and_relevance(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        first = stage(store, clock, understanding)
        first.maintain_every = 0.0
        out = first.process(records[:4], clock.now())
        store.write_batch(out.items)
        opps = {o.text: o for o in out.items if isinstance(o, OpportunityRecord)}
        assert len(opps) == 4, sorted(opps)
        ask, charger, film, stars = (opps[t] for t in TEXTS[:4])
        clock.advance(30)
        decided(store, ask, "handled", clock.now())
        decided(store, charger, "handled", clock.now() + 1)
        decided(store, film, "irrelevant", clock.now() + 2)
        decided(store, stars, "not_worth", clock.now() + 3)
        clock.advance(10)
        first.process(records[4:5], clock.now())  # learns before scoring the next mention
        state = first.keyed.states[0]
        assert state.learner.get("Volta").decisions == 4
        assert len(understanding.models["Volta"]) == 3  # not worth it: weights only
        probe = understanding.relevance("Volta", PROBE)
        word = understanding.relevance("Volta", WORD)
        assert probe is not None and word is not None and probe > word
        store.write_batch(first.final_items())  # the partition's snapshot, as on revocation
        first.revoked([Partition("mentions", 0)])
        assert "Volta" not in understanding.models, "the brand's model left with its partition"

        moved, models = heir(store, clock)
        assert moved.keyed.states[0].learner.get("Volta") == state.learner.get("Volta")
        assert models.relevance("Volta", PROBE) == pytest.approx(probe, abs=1e-4)
        assert models.relevance("Volta", WORD) == pytest.approx(word, abs=1e-4)
        moved.process(records[4:5], clock.now())
        assert moved.keyed.states[0].learner.get("Volta").decisions == 4, "nothing twice"
        assert len(models.models["Volta"]) == 3


def test_a_decision_taken_while_no_worker_held_the_partition_is_learned_once(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        first = stage(store, clock, understanding)
        first.maintain_every = 0.0
        out = first.process(records[:4], clock.now())
        store.write_batch(out.items)
        opps = {o.text: o for o in out.items if isinstance(o, OpportunityRecord)}
        ask, charger, film, _ = (opps[t] for t in TEXTS[:4])
        clock.advance(30)
        decided(store, ask, "handled", clock.now())
        clock.advance(1)
        first.process(records[4:5], clock.now())
        store.write_batch(first.final_items())
        # the worker is gone; the team goes on in the web desk
        clock.advance(30)
        decided(store, film, "irrelevant", clock.now())
        decided(store, charger, "handled", clock.now() + 1)
        clock.advance(5)

        moved, models = heir(store, clock)
        state = moved.keyed.states[0]
        assert state.learner.get("Volta").decisions == 1  # as the snapshot had it
        assert len(models.models["Volta"]) == 1
        moved.process(records[4:5], clock.now())  # learns before its first batch
        assert state.learner.get("Volta").decisions == 3
        assert len(models.models["Volta"]) == 3
        assert film.id not in state.queue and charger.id not in state.queue
        moved.process(records[4:5], clock.now())
        assert state.learner.get("Volta").decisions == 3, "each decision once"
        assert models.relevance("Volta", PROBE) is not None


def test_decisions_from_before_the_partition_had_a_state_stay_untaught_after_a_move(
        tmp_path: Path, understanding: Understanding) -> None:
    """A partition's first state learns the decisions taken after it began; the rebuild after a
    rebalance keeps to the same ones, so the heir reads the brand as its first owner did."""
    from reale.desk.opportunity import OpportunityInput, score_opportunity
    from reale.desk.opportunity_rules import DeskWeights
    from reale.web.data import save_opportunity

    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        old = score_opportunity(OpportunityInput(
            brand="Volta", post_uri="at://did:plc:old/app.bsky.feed.post/1", addressed_directly=True,
            text="@volta-auto.bsky.social the vault of the cathedral, una volta a crociera",
            intent="question", intent_confidence=0.9), DeskWeights())
        assert old is not None
        decided(store, save_opportunity(store, old), "irrelevant", T0 + 10)  # before any worker
        records = posts()
        first = stage(store, clock, understanding)
        first.maintain_every = 0.0
        out = first.process(records[:4], clock.now())
        store.write_batch(out.items)
        opps = {o.text: o for o in out.items if isinstance(o, OpportunityRecord)}
        clock.advance(30)
        decided(store, opps[TEXTS[0]], "handled", clock.now())
        decided(store, opps[TEXTS[2]], "irrelevant", clock.now() + 1)
        clock.advance(5)
        first.process(records[4:5], clock.now())
        assert first.keyed.states[0].learner.get("Volta").decisions == 2
        assert len(understanding.models["Volta"]) == 2
        probe = understanding.relevance("Volta", PROBE)
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])

        moved, models = heir(store, clock)
        assert moved.keyed.states[0].learner.get("Volta").decisions == 2
        assert len(models.models["Volta"]) == 2
        assert models.relevance("Volta", PROBE) == pytest.approx(probe, abs=1e-4)
