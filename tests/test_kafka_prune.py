"""Saved relevance models (and published stories) of brands removed from the config do not
stay in the ``snapshots`` table: a ``stages`` worker starting with a config that no longer has the brand deletes the
group's saved model of it (counted in ``reale_kafka_relevance_models_pruned``), and a partition
restored with a mark of such a brand drops it, so its model is neither rebuilt nor saved again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.metrics import KafkaMetrics
from reale.run.kafka.relevance import model_name, prune_models
from reale.run.kafka.snapshots import NamedBlob, stories_name
from reale.store import Store, open_store
from tests.test_kafka_desk import running, setup
from tests.test_kafka_desk_parts import T0, opened, stage
from tests.test_kafka_learning_parts import Partition, posts, run

GONE = "Old_100%"  # a name with LIKE's wildcards in it, matched as written


def saved(store: Store, *names: str) -> None:
    store.write_batch([NamedBlob(n, b"model", T0) for n in names])


def names(store: Store) -> set[str]:
    return {str(n) for (n,) in store.query("SELECT name FROM snapshots")}


def test_only_the_groups_models_of_brands_no_longer_configured_are_deleted(
        tmp_path: Path) -> None:
    with opened(tmp_path) as store:
        kept = {model_name("g", "Volta"), model_name("other", GONE), "kafka:g:brands:0",
                model_name("g", "Old_1000"), stories_name("g", "Volta")}
        saved(store, model_name("g", GONE), model_name("g", "Mela"), stories_name("g", GONE),
              *kept)
        assert prune_models(store, "g", {"Volta", "Old_1000"}) == ["Mela", GONE]
        assert names(store) == kept
        assert prune_models(store, "g", {"Volta", "Old_1000"}) == [], "nothing left to prune"


def test_a_partition_restored_with_a_brand_no_longer_configured_forgets_its_model(
        tmp_path: Path) -> None:
    from reale.run.wiring import Understanding
    from tests.test_kafka_desk_parts import VOLTA

    clock = ManualClock(T0 + 60)
    understanding = Understanding((VOLTA,))
    with opened(tmp_path) as store:
        first = stage(store, clock, understanding)
        run(first, store, posts()[:1], clock.now())
        state = first.keyed.states[0]
        state.relevance_marks[GONE] = 3  # a brand this partition held before the config changed
        store.write_batch(first.final_items())
        first.revoked([Partition("mentions", 0)])

        heir = stage(store, clock, understanding)
        heir.assigned([Partition("mentions", 0)])
        restored = heir.keyed.states[0]
        assert GONE not in restored.relevance_marks and GONE not in restored.stale
        assert isinstance(heir.desk, KafkaDesk) and heir.desk.saved("reale-brands", restored) == []


@pytest.mark.kafka
@pytest.mark.postgres
def test_a_stages_worker_started_without_the_brand_deletes_its_saved_model(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings, config = setup(kafka_bootstrap, tmp_path, "http://127.0.0.1:9/hook")
    config.write_text(config.read_text().split("[alerts]")[0])  # Volta only, no alerts
    group = settings.group("brands")
    with open_store(fresh_postgres_url) as store:
        from reale.run.kafka.snapshots import register

        register(store)
        saved(store, model_name(group, "Volta"), model_name(group, GONE))
        metrics = KafkaMetrics()
        with running(config, settings, fresh_postgres_url, "stages", metrics=metrics):
            assert names(store) >= {model_name(group, "Volta")}
            assert model_name(group, GONE) not in names(store)
            assert metrics.registry.get_sample_value(
                "reale_kafka_relevance_models_pruned_total", {"group": group}) == 1.0
