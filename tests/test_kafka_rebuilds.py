"""A brand's relevance model learned off the batch path (without a broker): when a worker gets a
partition whose brand has no saved model, or a brand new to the group, its stored decisions are
read and embedded on a background thread; the partition's batches go on meanwhile (the brand's
relevance read through its cold-start prior), and a later batch takes the model in, with the
decisions taught since, each once and in order. A revoked partition's job is dropped unused.

Each background job is held at its start (``Held``) so the tests act while it is in flight."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.run.kafka.brands import BrandStage, BrandState
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.rebuilds import Anchors, Background, Job, Recall, Task
from reale.run.kafka.relevance import load_model
from reale.run.wiring import Understanding
from reale.store import Store
from reale.web.records import OpportunityRecord
from tests.test_kafka_desk_parts import T0, VOLTA, mention, opened, stage, untaught
from tests.test_kafka_learning_parts import (
    PROBE,
    TEXTS,
    Partition,
    decided,
    earlier_opportunity,
    posts,
    run,
    taught_before_start,
)

MODEL = "kafka:reale-brands:relevance:Volta"


class Held:
    """Holds each background task of a kind (default: a model learned; those that take a prior's
    anchors back pass) at its start until :attr:`go` is set; :attr:`entered` is set once one is
    held (in flight, its store not read yet)."""

    def __init__(self, kind: type[Task] = Job) -> None:
        self.kind = kind
        self.entered = threading.Event()
        self.go = threading.Event()

    def __call__(self, job: Task) -> None:
        if not isinstance(job, self.kind):
            return
        self.entered.set()
        assert self.go.wait(60), "the test never let the job go"


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding((VOLTA,))


@pytest.fixture
def models(understanding: Understanding) -> Understanding:
    return untaught(understanding)


def desk_of(s: BrandStage) -> KafkaDesk:
    assert isinstance(s.desk, KafkaDesk) and s.desk.background is not None
    return s.desk


@contextmanager
def held_stage(store: Store, clock: ManualClock, understanding: Understanding,
               kind: type[Task] = Job) -> Iterator[tuple[BrandStage, Held]]:
    """A brand stage whose models are learned on its desk's background thread, each task of
    ``kind`` held at its start; the thread is let go and joined when the block ends."""
    s = stage(store, clock, understanding, background=True)
    s.maintain_every = 0.0  # the team's decisions read before every batch
    held = Held(kind)
    background = desk_of(s).background
    assert background is not None
    background.before = held
    try:
        yield s, held
    finally:
        held.go.set()
        assert desk_of(s).close(timeout=60), "the background thread ended"


def settle(s: BrandStage) -> None:
    """Wait until the background has nothing left to do (its thread ended)."""
    background = desk_of(s).background
    assert background is not None and background.join(timeout=60)
    assert not background.busy()


def stored_history(store: Store) -> list[str]:
    """Six decisions stored before the group's first start (alternately kept and dismissed);
    returns the texts of those that teach relevance, oldest first."""
    texts = []
    for n in range(6):
        old = earlier_opportunity(store, n)
        decided(store, old, ("handled", "irrelevant")[n % 2], T0 + n)
        texts.append(old.text)
    return texts


def test_a_brand_new_to_the_group_learns_its_history_while_its_batches_go_on(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store, held_stage(store, clock, models) as (s, held):
        history = stored_history(store)
        run(s, store, records[:1], clock.now())  # the brand counted: its history being learned
        assert held.entered.wait(60)
        state = s.keyed.states[0]
        assert set(state.learning) == {"Volta"} and "Volta" not in state.learned_since
        assert "Volta" not in models.models, "relevance read through the prior meanwhile"
        assert state.learner.get("Volta").decisions == 0
        # the team decides while the job is held, before it reads the store: the decision is
        # stored where the job will read, and taught by the next batch
        clock.advance(30)
        opp = earlier_opportunity(store, 10)
        decided(store, opp, "handled", clock.now())
        clock.advance(1)
        run(s, store, records[1:2], clock.now())
        job = state.learning["Volta"]
        assert [d.opportunity.text for d in job.tail] == [opp.text]
        assert state.learner.get("Volta").decisions == 0, "the weights step through in order"

        held.go.set()
        settle(s)
        assert "Volta" not in models.models, "taken in by a batch, not by the thread"
        assert job.embedded == 1, "the decision taught meanwhile embedded on the thread too"
        items = run(s, store, records[2:3], clock.now())
        assert state.learner.get("Volta").decisions == 7, "each decision once"
        assert not state.learning and state.learned_since["Volta"] == 0.0
        assert models.models["Volta"].remembered().texts == [*history, opp.text]
        assert MODEL in {getattr(i, "name", None) for i in items}, "saved with the snapshot"
        assert models.relevance("Volta", PROBE) is not None


def test_a_model_not_saved_is_rebuilt_off_the_batch_path_with_what_the_team_decides_meanwhile(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        history = stored_history(store)
        first = stage(store, clock, models)  # learns the history in its batch, saves the model
        run(first, store, records[:2], clock.now())
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])
        with store.transaction() as tx:  # the saved model lost: the heir must rebuild it
            tx.execute("DELETE FROM snapshots WHERE name = ?", (MODEL,))

        with held_stage(store, clock, models) as (heir, held):
            heir.assigned([Partition("mentions", 0)])
            state = heir.keyed.states[0]
            assert set(state.recalling) == {"Volta"} and state.learner.get("Volta").decisions == 6
            # the next batch finds no saved model to recall: it starts the rebuild, and goes on
            run(heir, store, records[2:3], clock.now())  # not stalled: the rebuild is in flight
            assert held.entered.wait(60) and set(state.learning) == {"Volta"}
            assert "Volta" not in models.models
            clock.advance(30)
            late = earlier_opportunity(store, 11)
            decided(store, late, "irrelevant", clock.now())
            clock.advance(1)
            run(heir, store, records[3:4], clock.now())
            assert state.learner.get("Volta").decisions == 7, "the weights learn it at once"

            held.go.set()
            settle(heir)
            run(heir, store, records[4:5], clock.now())
            desk = desk_of(heir)
            assert (desk.recalled, desk.rebuilt) == (0, 1) and not state.learning
            assert models.models["Volta"].remembered().texts == [*history, late.text]
            assert models.models["Volta"].remembered().relevant == [
                True, False, True, False, True, False, False]
            run(heir, store, records[4:5], clock.now())
            assert state.learner.get("Volta").decisions == 7, "each once"
            assert len(models.models["Volta"]) == 7


def test_a_partition_revoked_while_its_model_is_learned_drops_the_job_unused(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store, held_stage(store, clock, models) as (s, held):
        stored_history(store)
        run(s, store, records[:1], clock.now())
        assert held.entered.wait(60)
        job = s.keyed.states[0].learning["Volta"]
        s.revoked([Partition("mentions", 0)])
        assert job.cancelled.is_set() and not s.keyed.states
        held.go.set()
        settle(s)
        assert job.done.is_set() and job.model is None, "cancelled before it embedded anything"
        assert "Volta" not in models.models
        desk = desk_of(s)
        assert (desk.taught, desk.rebuilt) == (0, 0)

        # the partition back on this worker: learned anew (the history, once)
        held.entered.clear()
        s.assigned([Partition("mentions", 0)])
        run(s, store, records[1:2], clock.now())
        assert held.entered.wait(60)
        settle(s)
        run(s, store, records[2:3], clock.now())
        assert s.keyed.states[0].learner.get("Volta").decisions == 6
        assert len(models.models["Volta"]) == 6


def test_the_background_runs_jobs_in_order_keeps_their_errors_and_cancels_on_close(
        tmp_path: Path) -> None:
    """One thread, started by a job and ended when none is left; a job's error is kept on it
    for the batch thread (which starts a rebuild again); closing cancels the jobs not started
    and waits for the running one (held here until the waiting one is cancelled)."""
    ran: list[str] = []
    held = Held()

    def work(job: Task) -> None:
        if job.brand == "broken":
            raise OSError("the store went away")
        ran.append(job.brand)

    background = Background(work, before=held)
    with opened(tmp_path) as store:
        state = BrandState(ManualClock(T0))
        jobs = [Job(store, state, b, "rebuild", 0.0, T0) for b in ("a", "broken", "b", "c", "d")]
        for job in jobs[:3]:
            background.submit(job)
        assert held.entered.wait(60) and background.busy()
        held.go.set()
        assert background.join(timeout=60) and not background.busy()
        assert ran == ["a", "b"] and all(j.done.is_set() for j in jobs[:3])
        assert isinstance(jobs[1].error, OSError)
        assert (background.finished, background.failed) == (2, 1)

        held.go.clear()
        held.entered.clear()
        background.submit(jobs[3])
        assert held.entered.wait(60)  # "c" in flight, "d" waiting behind it
        background.submit(jobs[4])
        background.cancel()  # as close() does, before it waits for the running job
        held.go.set()
        assert background.close(timeout=60) and not background.busy()
    assert ran == ["a", "b", "c"], "the running job finished, the waiting one cancelled"
    assert jobs[4].cancelled.is_set() and jobs[4].done.is_set()


def test_a_stale_model_whose_rebuild_failed_is_rebuilt_by_a_later_batch(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store:
        stored_history(store)
        first = stage(store, clock, models)
        run(first, store, records[:2], clock.now())
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])
        with store.transaction() as tx:
            tx.execute("DELETE FROM snapshots WHERE name = ?", (MODEL,))
        with held_stage(store, clock, models) as (heir, held):
            background = desk_of(heir).background
            assert background is not None

            def fails_once(job: Task) -> None:
                if not isinstance(job, Job):
                    return
                held(job)
                background.before = None
                raise OSError("the store went away")

            background.before = fails_once
            heir.assigned([Partition("mentions", 0)])
            run(heir, store, records[2:3], clock.now())
            assert held.entered.wait(60)
            job = heir.keyed.states[0].learning["Volta"]
            held.go.set()
            settle(heir)
            assert isinstance(job.error, OSError) and background.failed == 1
            run(heir, store, records[3:4], clock.now())  # sees the failure: starts it again
            assert heir.keyed.states[0].learning["Volta"] is not job
            settle(heir)
            run(heir, store, records[4:5], clock.now())
            assert len(models.models["Volta"]) == 6 and desk_of(heir).rebuilt == 1



def test_a_decision_taught_after_the_thread_last_looked_is_learned_when_the_model_is_taken_in(
        tmp_path: Path, models: Understanding) -> None:
    """The thread teaches the new model the decisions taught while it ran, until it finds none
    left; one taught after that (before a batch takes the model in) is learned by that batch."""
    clock = ManualClock(T0 + 60)
    records = posts()
    with opened(tmp_path) as store, held_stage(store, clock, models) as (s, held):
        history = stored_history(store)
        background = desk_of(s).background
        assert background is not None
        finished = Held()
        learn = background.work

        def learn_then_hold(task: Task) -> None:
            learn(task)
            finished(task)

        background.work = learn_then_hold
        held.go.set()
        run(s, store, records[:1], clock.now())
        assert finished.entered.wait(60)  # the job learned all it saw, not yet done
        job = s.keyed.states[0].learning["Volta"]
        assert job.model is not None and not job.done.is_set()
        clock.advance(30)
        late = earlier_opportunity(store, 12)
        decided(store, late, "irrelevant", clock.now())
        run(s, store, records[1:2], clock.now())
        assert [d.opportunity.text for d in job.tail] == [late.text] and job.embedded == 0
        finished.go.set()
        settle(s)
        run(s, store, records[2:3], clock.now())
        assert models.models["Volta"].remembered().texts == [*history, late.text]
        assert s.keyed.states[0].learner.get("Volta").decisions == 7, "each decision once"


def test_a_worker_takes_the_brands_prior_anchors_back_off_the_batch_path(
        tmp_path: Path, models: Understanding) -> None:
    """The worker that gets a brand reads its recent stored mentions back into its cold-start
    prior, anchors embedded, on the background thread; its batches go on meanwhile with the
    prior in use, and a later batch swaps the new one in, with what the old one took since."""
    clock = ManualClock(T0 + 60)
    records = posts()
    earlier = [f"@volta-auto.bsky.social question number {i} about my Volta" for i in range(12)]
    with opened(tmp_path) as store, held_stage(store, clock, models, Anchors) as (s, held):
        store.write_mentions([mention(100 + i, t, T0 - 100 + i) for i, t in enumerate(earlier)])
        run(s, store, records[:1], clock.now())  # the brand counted: its anchors being read
        assert held.entered.wait(60)
        anchors = s.keyed.states[0].anchoring["Volta"]
        run(s, store, records[1:2], clock.now())
        assert models.priors["Volta"].snapshot()["anchors"] == list(TEXTS[:2])
        held.go.set()
        settle(s)
        assert anchors.prior is not None and anchors.prior.waiting() == 0, "embedded there"
        assert models.priors["Volta"] is not anchors.prior, "swapped in by a batch only"
        run(s, store, records[2:3], clock.now())
        prior = models.priors["Volta"]
        assert prior is anchors.prior and not s.keyed.states[0].anchoring
        assert prior.snapshot()["anchors"] == [*earlier, *TEXTS[:3]]
        assert prior.waiting() == 3, "only the anchors taken in the batches wait"


def test_a_partition_revoked_while_its_anchors_are_read_drops_them(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store, held_stage(store, clock, models, Anchors) as (s, held):
        store.write_mentions([mention(100 + i, f"@volta-auto.bsky.social hello {i}", T0 - 9 + i)
                              for i in range(3)])
        run(s, store, posts()[:1], clock.now())
        assert held.entered.wait(60)
        anchors = s.keyed.states[0].anchoring["Volta"]
        s.revoked([Partition("mentions", 0)])
        assert anchors.cancelled.is_set()
        held.go.set()
        settle(s)
        assert anchors.prior is None, "cancelled before it read anything"
        assert len(models.priors["Volta"]) == 0, "the prior starts afresh"


def test_while_jobs_run_the_process_blas_uses_half_the_cores(tmp_path: Path) -> None:
    """Two threads each running a full BLAS pool on the same cores stall each other; while the
    background has jobs, the process's BLAS pools are held to ``blas_threads`` (default half the
    cores), and let go when the thread ends."""
    from threadpoolctl import threadpool_info

    def blas() -> set[int]:
        return {int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas()
    seen: list[set[int]] = []
    background = Background(lambda job: seen.append(blas()), blas_threads=1)
    with opened(tmp_path) as store:
        background.submit(Anchors(store, "Volta"))
        assert background.join(timeout=60)
    assert seen == [{1}] and blas() == before
    assert Background(lambda job: None).blas_threads == max(1, len(os.sched_getaffinity(0)) // 2)


def test_anchors_whose_reading_failed_are_read_again_by_a_later_batch(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = posts()
    earlier = [f"@volta-auto.bsky.social hello number {i}" for i in range(3)]
    with opened(tmp_path) as store, held_stage(store, clock, models, Anchors) as (s, _):
        store.write_mentions([mention(100 + i, t, T0 - 9 + i) for i, t in enumerate(earlier)])
        background = desk_of(s).background
        assert background is not None

        def fails_once(task: Task) -> None:
            if isinstance(task, Anchors):
                background.before = None
                raise OSError("the store went away")

        background.before = fails_once
        run(s, store, records[:1], clock.now())
        settle(s)
        run(s, store, records[1:2], clock.now())  # sees the failure: reads them again
        assert background.failed == 1 and "Volta" in s.keyed.states[0].anchoring
        settle(s)
        run(s, store, records[2:3], clock.now())
        assert models.priors["Volta"].snapshot()["anchors"] == [*earlier, *TEXTS[:3]]


def test_a_saved_model_is_read_back_off_the_callback_and_in_use_before_the_next_batch(
        tmp_path: Path, models: Understanding) -> None:
    """The assignment callback only queues the recall; the recall thread reads the saved model
    back; the next batch waits for it (held here on the thread) and scores with it, never with
    the prior in its place."""
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        taught_before_start(store, clock, models)  # six decisions learned, the model saved
        saved = load_model(store, "reale-brands", "Volta")
        assert saved is not None and "Volta" not in models.models  # left with the partition
        heir = stage(store, clock, models, background=True)
        heir.maintain_every = 0.0
        held = Held(Recall)
        recaller = desk_of(heir).recaller
        assert recaller is not None
        recaller.before = held
        try:
            heir.assigned([Partition("mentions", 0)])
            state = heir.keyed.states[0]
            assert set(state.recalling) == {"Volta"} and "Volta" not in models.models
            assert held.entered.wait(60)  # on the recall thread, the store not read yet
            items: list[object] = []
            batch = threading.Thread(target=lambda: items.extend(
                run(heir, store, posts()[2:3], clock.now())))
            batch.start()
            batch.join(0.5)
            assert batch.is_alive(), "the batch waits for the brand's model"
            held.go.set()
            batch.join(60)
            assert not batch.is_alive()
        finally:
            held.go.set()
            assert desk_of(heir).close(timeout=60)
        desk = desk_of(heir)
        assert (desk.recalled, desk.rebuilt) == (1, 0) and not state.recalling
        model = models.models["Volta"]
        assert model.remembered().texts == saved.memory.texts
        [opp] = [i for i in items if isinstance(i, OpportunityRecord)]
        assert opp.relevance == pytest.approx(model.predict(opp.text), abs=1e-6)


def test_a_recall_of_a_partition_revoked_meanwhile_is_dropped_unused(
        tmp_path: Path, models: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    with opened(tmp_path) as store:
        taught_before_start(store, clock, models)
        heir = stage(store, clock, models, background=True)
        held = Held(Recall)
        recaller = desk_of(heir).recaller
        assert recaller is not None
        recaller.before = held
        try:
            heir.assigned([Partition("mentions", 0)])
            assert held.entered.wait(60)
            [task] = heir.keyed.states[0].recalling.values()
            heir.revoked([Partition("mentions", 0)])
            held.go.set()
            assert recaller.join(timeout=60)
        finally:
            held.go.set()
            assert desk_of(heir).close(timeout=60)
        assert task.cancelled.is_set() and task.model is None
        assert "Volta" not in models.models and desk_of(heir).recalled == 0
