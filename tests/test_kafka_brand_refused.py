"""A stateful stage whose batch the store refused saves no state past it: the brand stage of a
stages worker whose PostgreSQL role lost INSERT on ``labels`` fails, and neither its final
snapshot nor its committed offsets cover the refused batch, so the next owner reads it again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reale.run.kafka.settings import KafkaSettings
from tests.conftest import run_cli
from tests.kafka_helpers import publish_simulated, wait_until, worker_command, workers

pytestmark = [pytest.mark.kafka]


def test_a_brand_batch_the_store_refused_is_not_snapshotted_past(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    from reale.run.kafka.admin import consumer_lag
    from reale.store import open_store

    open_store(fresh_postgres_url).close()  # the schema, owned by the administrator
    role = f"brand_ro_{os.getpid()}"
    url = fresh_postgres_url.replace("postgres:@", f"{role}@", 1)
    assert url != fresh_postgres_url
    with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"')
        admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        admin.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        admin.execute(f'REVOKE INSERT ON labels FROM "{role}"')  # the desk's labels refused
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Volta"\nkeywords = ["volta"]\n')
    try:
        assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                       timeout=60).returncode == 0
        commands = [worker_command("matcher", kafka_bootstrap, fresh_postgres_url, config),
                    worker_command("stages", kafka_bootstrap, url, config)]
        stages_log = tmp_path / "worker1.log"
        with workers(commands, tmp_path) as (_matcher, stages):
            wait_until(lambda: stages_log.read_text().count("partitions assigned") >= 2, 30,
                       "the brand and conversation stages' assignments")
            publish_simulated(kafka_bootstrap)
            assert stages.wait(30) != 0  # a supervisor sees the failure and restarts it
        logged = [json.loads(line) for line in stages_log.read_text().splitlines()
                  if line.startswith("{")]
        failed = [e for e in logged if e["msg"] == "worker failed"]
        assert failed and failed[0]["stage"] == "brands", failed
        assert "permission denied for table labels" in failed[0]["error"]
        with psycopg.connect(fresh_postgres_url) as db:
            saved = db.execute("SELECT name FROM snapshots WHERE name LIKE %s",
                               ("kafka:reale-brands:%",)).fetchall()
        assert saved == []  # neither the partition's state nor its offsets past the batch
        lag = consumer_lag(KafkaSettings(bootstrap=kafka_bootstrap, partitions=1), ("brands",))
        assert lag and all(r.committed is None for r in lag)
    finally:
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')
