"""What the team taught a brand, after its partition moves to another worker (without a broker):
the learned weights come with the partition's snapshot, and the brand's relevance model is
recalled as it was from beside the snapshot (no decision embedded again), or rebuilt from the
stored decisions the snapshot had learned when it cannot be; decisions taken since are learned
next, each once. A group's first start learns the brand's stored decisions, as the embedded
runner does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.desk import KafkaDesk
from reale.run.wiring import Understanding
from reale.store import Store
from reale.web.queries import decide
from reale.web.records import OpportunityDecision, OpportunityRecord
from tests.test_kafka_desk_parts import T0, VOLTA, Record, mention, opened, stage, untaught

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


def run(s: BrandStage, store: Store, records: list[Record], now: float) -> list[object]:
    """One batch, its items written as the worker writes them (snapshots included)."""
    out = s.process(records, now)
    store.write_batch(out.items)
    return out.items


def heir(store: Store, clock: ManualClock, remember: int = 500, *, recalled: bool = True
         ) -> tuple[BrandStage, Understanding]:
    """The worker that gets partition 0 next: its own process, its own models; with
    ``recalled``, the brands' saved models also read back, as its next batch does first."""
    understanding = Understanding((VOLTA,), remember=remember)
    s = assigned_stage(store, clock, understanding)
    if recalled:
        assert isinstance(s.desk, KafkaDesk)
        s.desk.take(list(s.keyed.states.values()))
    return s, understanding


def assigned_stage(store: Store, clock: ManualClock, understanding: Understanding) -> BrandStage:
    """A brand stage with ``understanding``'s models, just handed partition 0."""
    s = stage(store, clock, understanding)
    s.maintain_every = 0.0
    s.assigned([Partition("mentions", 0)])
    return s


def first_worker(store: Store, clock: ManualClock, understanding: Understanding
                 ) -> tuple[BrandStage, dict[str, OpportunityRecord]]:
    """The first worker of partition 0, after its batch of the first four posts: the stage and
    the opportunities that batch opened, by their text."""
    first = stage(store, clock, understanding)
    first.maintain_every = 0.0
    items = run(first, store, posts()[:4], clock.now())
    return first, {o.text: o for o in items if isinstance(o, OpportunityRecord)}


@pytest.fixture(scope="module")
def loaded() -> Understanding:
    return Understanding((VOLTA,))


@pytest.fixture
def understanding(loaded: Understanding) -> Understanding:
    """The first worker's models (loaded once for the module; each test starts untaught)."""
    return untaught(loaded)


def test_a_worker_that_takes_a_brand_over_takes_its_relevance_anchors_back(
        tmp_path: Path, understanding: Understanding) -> None:
    """The cold-start prior learns from the mentions addressed to the brand; the worker that
    gets the brand's partition reads them back from the store (not in the rebalance callback:
    before its next batch), and lets them go with the partition."""
    clock = ManualClock(T0 + 60)
    earlier = [f"@volta-auto.bsky.social question number {i} about my Volta" for i in range(3)]
    with opened(tmp_path) as store:
        store.write_mentions([mention(100 + i, t, T0 - 100 + i) for i, t in enumerate(earlier)])
        moved = assigned_stage(store, clock, understanding)
        assert len(understanding.priors["Volta"]) == 0, "nothing read in the callback"
        records = posts()
        run(moved, store, records[:1], clock.now())  # the brand is counted here
        run(moved, store, records[1:2], clock.now())  # recalled before this batch
        anchors = understanding.priors["Volta"].snapshot()["anchors"]
        assert set(earlier) <= set(anchors)  # type: ignore[arg-type]
        moved.revoked([Partition("mentions", 0)])
        assert len(understanding.priors["Volta"]) == 0, "the anchors left with the partition"


def test_a_rebalanced_partition_brings_back_the_brands_weights_and_relevance(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)
        assert len(opps) == 4, sorted(opps)
        ask, charger, film, stars = (opps[t] for t in TEXTS[:4])
        clock.advance(30)
        decided(store, ask, "handled", clock.now())
        decided(store, charger, "handled", clock.now() + 1)
        decided(store, film, "irrelevant", clock.now() + 2)
        decided(store, stars, "not_worth", clock.now() + 3)
        clock.advance(10)
        run(first, store, records[4:5], clock.now())  # learns before scoring the next mention
        state = first.keyed.states[0]
        assert state.learner.get("Volta").decisions == 4
        assert len(understanding.models["Volta"]) == 3  # not worth it: weights only
        probe = understanding.models["Volta"].explain(PROBE)
        word = understanding.models["Volta"].explain(WORD)
        assert probe.score > word.score
        store.write_batch(first.final_items())  # the partition's snapshot, as on revocation
        first.revoked([Partition("mentions", 0)])
        assert "Volta" not in understanding.models, "the brand's model left with its partition"

        moved, models = heir(store, clock, recalled=False)
        assert moved.keyed.states[0].learner.get("Volta") == state.learner.get("Volta")
        # nothing read in the rebalance callback: the model is recalled before the next batch
        desk = moved.desk
        assert isinstance(desk, KafkaDesk) and (desk.recalled, desk.rebuilt) == (0, 0)
        assert "Volta" not in models.models and set(moved.keyed.states[0].recalling) == {"Volta"}
        run(moved, store, records[4:5], clock.now())
        # recalled as it was: nothing embedded again, nothing to rebuild
        assert (desk.recalled, desk.rebuilt) == (1, 0)
        assert not moved.keyed.states[0].stale and not moved.keyed.states[0].recalling
        assert models.models["Volta"].explain(PROBE) == probe
        assert models.models["Volta"].explain(WORD) == word
        assert moved.keyed.states[0].learner.get("Volta").decisions == 4, "nothing twice"
        assert len(models.models["Volta"]) == 3


def test_a_model_is_saved_beside_the_snapshot_only_when_it_changed(
        tmp_path: Path, understanding: Understanding) -> None:
    """Snapshots are frequent and a full model is about a megabyte: it is written with the
    partition's snapshot in the batch after a decision taught it, not with every snapshot."""
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)

        def saved(records: list[Record]) -> list[str]:
            return [type(i).__name__ for i in run(first, store, records, clock.now())
                    if type(i).__name__ in ("PartitionSnapshot", "NamedBlob")]

        assert saved(posts()[4:5]) == ["PartitionSnapshot"]  # nothing taught yet
        decided(store, opps[TEXTS[0]], "handled", clock.now() + 1)
        clock.advance(5)
        assert saved(posts()[4:5]) == ["PartitionSnapshot", "NamedBlob"]
        assert saved(posts()[4:5]) == ["PartitionSnapshot"]
        decided(store, opps[TEXTS[3]], "not_worth", clock.now() + 1)  # weights only
        clock.advance(5)
        assert saved(posts()[4:5]) == ["PartitionSnapshot"]


def test_a_decision_taken_while_no_worker_held_the_partition_is_learned_once(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)
        ask, charger, film, _ = (opps[t] for t in TEXTS[:4])
        clock.advance(30)
        decided(store, ask, "handled", clock.now())
        clock.advance(1)
        run(first, store, records[4:5], clock.now())
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
        run(moved, store, records[4:5], clock.now())  # learns before its first batch
        assert state.learner.get("Volta").decisions == 3
        assert len(models.models["Volta"]) == 3
        assert film.id not in state.queue and charger.id not in state.queue
        run(moved, store, records[4:5], clock.now())
        assert state.learner.get("Volta").decisions == 3, "each decision once"
        assert models.relevance("Volta", PROBE) is not None


def test_a_groups_first_start_learns_the_decisions_stored_before_it_each_once(
        tmp_path: Path, understanding: Understanding) -> None:
    """As the embedded runner learns every stored decision at start, a partition with no
    snapshot teaches a brand all its stored decisions when it first counts the brand; those
    taken later are learned as they come, and a move changes nothing of it."""
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        old = earlier_opportunity(store)
        decided(store, old, "irrelevant", T0 + 10)  # before any worker of the group
        records = posts()
        first, opps = first_worker(store, clock, understanding)
        assert first.keyed.states[0].learner.get("Volta").decisions == 1
        assert len(understanding.models["Volta"]) == 1
        clock.advance(30)
        decided(store, opps[TEXTS[0]], "handled", clock.now())
        decided(store, opps[TEXTS[2]], "irrelevant", clock.now() + 1)
        clock.advance(5)
        run(first, store, records[4:5], clock.now())
        run(first, store, records[4:5], clock.now())
        assert first.keyed.states[0].learner.get("Volta").decisions == 3, "each once"
        assert len(understanding.models["Volta"]) == 3
        probe = understanding.models["Volta"].explain(PROBE)
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])

        moved, models = heir(store, clock)
        assert moved.keyed.states[0].learner.get("Volta").decisions == 3
        assert models.models["Volta"].explain(PROBE) == probe


def earlier_opportunity(store: Store, n: int = 0) -> OpportunityRecord:
    """An opportunity of the brand stored before the group's first start (by an earlier run)."""
    from reale.desk.opportunity import OpportunityInput, score_opportunity
    from reale.desk.opportunity_rules import DeskWeights
    from reale.web.data import save_opportunity

    old = score_opportunity(OpportunityInput(
        brand="Volta", post_uri=f"at://did:plc:old/app.bsky.feed.post/{n}",
        addressed_directly=True, intent="question", intent_confidence=0.9,
        text=f"@volta-auto.bsky.social the vault of the cathedral, una volta a crociera {n}"),
        DeskWeights())
    assert old is not None
    return save_opportunity(store, old)


def taught_before_start(store: Store, clock: ManualClock, understanding: Understanding
                        ) -> BrandStage:
    """Six decisions stored before the group's first start; its first worker learns them (one
    batch of embeddings) when it first counts the brand, and leaves its partition."""
    for n in range(6):
        decided(store, earlier_opportunity(store, n), ("handled", "irrelevant")[n % 2], T0 + n)
    first = stage(store, clock, understanding)
    run(first, store, posts()[:2], clock.now())
    assert len(understanding.models["Volta"]) == 6
    store.write_batch(first.final_items())
    first.revoked([Partition("mentions", 0)])
    return first


def test_a_recalled_model_scores_exactly_as_one_rebuilt_from_the_stored_decisions(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        taught_before_start(store, clock, understanding)
        recalled, kept = heir(store, clock)
        assert not recalled.keyed.states[0].stale
        with store.transaction() as tx:  # the saved model lost: the heir must rebuild it
            tx.execute("DELETE FROM snapshots WHERE name = ?", ("kafka:reale-brands:relevance:Volta",))
        rebuilt, anew = heir(store, clock)
        assert rebuilt.keyed.states[0].stale == {"Volta"} and "Volta" not in anew.models
        run(rebuilt, store, posts()[2:3], clock.now())  # rebuilt before its next batch
        assert isinstance(rebuilt.desk, KafkaDesk) and rebuilt.desk.rebuilt == 1
        for text in (PROBE, WORD, *TEXTS):
            assert anew.models["Volta"].explain(text) == kept.models["Volta"].explain(text)
        assert rebuilt.keyed.states[0].learner.get("Volta").decisions == 6


def test_a_model_saved_for_another_memory_size_is_rebuilt_with_the_new_one(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        taught_before_start(store, clock, understanding)
        moved, models = heir(store, clock, remember=4)
        assert moved.keyed.states[0].stale == {"Volta"}
        run(moved, store, posts()[2:3], clock.now())
        assert len(models.models["Volta"]) == 4  # the four most recent of the six


def test_a_snapshot_written_before_models_were_saved_still_loads(
        tmp_path: Path, understanding: Understanding) -> None:
    """An older snapshot (no saved models, no ``learned_since``): its brands keep learning the
    decisions taken after its state began, and their models are rebuilt from those before
    the partition's next batch, outside the assignment."""
    import msgspec

    from reale.run.kafka.snapshots import PartitionSnapshot, load_snapshot

    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        first, opps = first_worker(store, clock, understanding)
        clock.advance(30)
        decided(store, opps[TEXTS[0]], "handled", clock.now())
        decided(store, opps[TEXTS[2]], "irrelevant", clock.now() + 1)
        clock.advance(5)
        run(first, store, posts()[4:5], clock.now())
        probe = understanding.models["Volta"].explain(PROBE)
        store.write_batch(first.final_items())
        snap = load_snapshot(store, "kafka:reale-brands:brands:0")
        assert snap is not None
        state = msgspec.msgpack.decode(snap.state)
        del state["learned_since"], state["relevance_marks"]
        assert state["decided_from"] == T0 + 60
        decided(store, earlier_opportunity(store), "irrelevant", T0 + 10)  # before the state
        store.write_batch([PartitionSnapshot(snap.name, snap.offsets,
                                             msgspec.msgpack.encode(state), snap.saved_at)])

        moved, models = heir(store, clock)
        assert moved.keyed.states[0].stale == {"Volta"} and "Volta" not in models.models
        run(moved, store, posts()[4:5], clock.now())
        assert moved.keyed.states[0].learner.get("Volta").decisions == 2, "nothing learned again"
        again = models.models["Volta"].explain(PROBE)
        assert len(models.models["Volta"]) == 2  # the decision before the state stays untaught
        assert again.score == pytest.approx(probe.score, abs=1e-5)
