"""What the team taught the desk outlives a ``stages`` worker on Kafka, against the real tansu
broker and PostgreSQL: the team decides in the web desk's tables, the brand stage learns the
weights and the brand's relevance model (and, on the group's first start, the decisions stored
before it), and a worker started afresh in its place reads the brand's mentions exactly as
before — weights from the partition's snapshot, the relevance model recalled from beside it
when the partition is assigned, or, that saved model lost, rebuilt off the batch path; its
cold-start prior's anchors read back from the stored mentions off the batch path too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reale.run.kafka.brands import BrandStage
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.settings import KafkaSettings
from reale.run.wiring import Understanding
from reale.store import Store, open_store
from reale.web import queries as web
from reale.web.records import OpportunityDecision
from tests.kafka_helpers import wait_until
from tests.test_kafka_desk import (
    APPEAL,
    committed,
    count,
    desk_stream,
    post,
    publish,
    running,
    setup,
)
from tests.test_kafka_learning_parts import earlier_opportunity

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

PROBE = "@volta-auto.bsky.social my Volta will not start this morning, can you help?"


@contextmanager
def brand_stage(config: Path, settings: KafkaSettings, store: str) -> Iterator[BrandStage]:
    """A ``stages`` worker process's run, in a thread; yields its brand stage; stopped (as
    SIGTERM does) when the block ends."""
    with running(config, settings, store, "stages") as started:
        [stage] = [w.stage for w in started if isinstance(w.stage, BrandStage)]
        yield stage


def models(stage: BrandStage) -> Understanding:
    understanding = getattr(stage.desk, "understanding", None)
    assert isinstance(understanding, Understanding)
    return understanding


def decide(store: Store, key: str, action: str, ago: float = 0.0) -> None:
    web.decide(store, OpportunityDecision(opportunity_key=key, action=action, actor="rita",
                                          role="responder", at=time.time() - ago))


def test_a_restarted_stages_worker_reads_the_brand_as_before(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings, config = setup(kafka_bootstrap, tmp_path, "http://127.0.0.1:9/hook")
    config.write_text(config.read_text().split("[alerts]")[0])  # no alert channels needed
    stream = desk_stream(time.time())
    publish(settings, stream)
    n = 1000

    def nudge() -> None:
        """A brand stage learns decisions before its next batch: give it one."""
        nonlocal n
        n += 1
        publish(settings, [post(n, f"my Volta number {n} is fine", time.time())])

    with open_store(fresh_postgres_url) as store, \
            running(config, settings, fresh_postgres_url, "matcher"):
        # decided an hour before the group's first start
        decide(store, earlier_opportunity(store).key, "irrelevant", ago=3600)
        with brand_stage(config, settings, fresh_postgres_url) as stage:
            wait_until(lambda: count(store, "opportunities") >= 3, 60, "the opportunities")
            opps = web.opportunities(store, brand="Volta")
            appeal = next(o for o in opps if o.text == APPEAL)
            burst = [o for o in opps if o.text != APPEAL]
            decide(store, appeal.key, "handled")
            decide(store, burst[0].key, "irrelevant")
            decide(store, burst[1].key, "not_worth")

            def learned() -> bool:
                nudge()
                model = models(stage).models.get("Volta")
                return model is not None and len(model.kinds()) == 2  # kept and dismissed

            wait_until(learned, 30, "the decisions to be learned", step=0.5)
            states = [s for s in stage.keyed.states.values() if "Volta" in s.counts]
            [weights] = [s.learner.get("Volta") for s in states]
            verdict = models(stage).relevance("Volta", PROBE)
            # the three decisions and the one stored before the start, each once
            assert weights.decisions == 4 and len(models(stage).models["Volta"]) == 3
        # a fresh worker (new process, new models) takes the partitions over
        with brand_stage(config, settings, fresh_postgres_url) as stage:
            def recalled() -> bool:
                nudge()  # read back on the recall thread, put in use before the next batch
                return "Volta" in models(stage).models

            wait_until(recalled, 30, "the partition and its model", step=0.5)
            [state] = [s for s in stage.keyed.states.values() if "Volta" in s.counts]
            desk = stage.desk
            assert isinstance(desk, KafkaDesk)
            assert desk.recalled >= 1 and desk.rebuilt == 0, "recalled, not embedded again"
            # the same model: equal up to the last bits of the probe's embedding, whose sums
            # BLAS orders by its thread count (held lower while a background job runs)
            assert models(stage).relevance("Volta", PROBE) == pytest.approx(verdict, abs=1e-5)
            assert state.learner.get("Volta") == weights

            def anchored() -> bool:  # read back and embedded on the background thread
                nudge()  # swapped in by a batch
                prior = models(stage).priors["Volta"]
                return APPEAL in prior.snapshot()["anchors"] and prior.waiting() == 0

            wait_until(anchored, 30, "the prior's anchors read back", step=0.5)
            done = committed(settings)
            nudge()
            wait_until(lambda: committed(settings) > done, 30, "the next batch")
            assert state.learner.get("Volta") == weights, "no decision learned twice"
        # its saved model lost: the next worker rebuilds it off the batch path, its batches
        # going on meanwhile, and reads the brand as before
        with store.transaction() as tx:
            tx.execute("DELETE FROM snapshots WHERE name = ?",
                       (f"kafka:{settings.group('brands')}:relevance:Volta",))
        with brand_stage(config, settings, fresh_postgres_url) as stage:
            desk = stage.desk
            assert isinstance(desk, KafkaDesk)

            def rebuilt() -> bool:
                nudge()  # the model is taken in by a batch
                return "Volta" in models(stage).models

            wait_until(rebuilt, 60, "the model rebuilt", step=0.5)
            [state] = [s for s in stage.keyed.states.values() if "Volta" in s.counts]
            assert (desk.recalled, desk.rebuilt) == (0, 1) and not state.learning
            assert models(stage).relevance("Volta", PROBE) == pytest.approx(verdict, abs=1e-5)
            assert state.learner.get("Volta") == weights, "no decision learned twice"
            assert len(models(stage).models["Volta"]) == 3
