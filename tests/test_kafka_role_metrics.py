"""Each Kafka role's /metrics shows the metrics that role fills and no always-empty one: the
mention latency only where the matcher stores mentions, the sources' lag and skipped counts
only on the source role, consumer lag and batch times only on the consuming roles."""

from __future__ import annotations

import signal
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from reale.ports import free_port
from tests.conftest import run_cli
from tests.kafka_helpers import wait_until, worker_command, workers

pytestmark = [pytest.mark.kafka]

ROLES = ("source", "matcher", "stages", "moments")


def scrape(port: int) -> dict[str, float]:
    """Every sample on the role's endpoint by name (labels summed), or {} while it is not up."""
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
    except OSError:
        return {}
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(body.decode()):
        out.setdefault(family.name, 0.0)
        for sample in family.samples:
            out[sample.name] = out.get(sample.name, 0.0) + sample.value
    return out


def worker_logs(log_dir: Path) -> str:
    return "\n".join(f"--- {log.name}:\n{log.read_text()[-1500:]}"
                     for log in sorted(log_dir.glob("worker*.log")))


def test_each_role_exports_only_the_metrics_it_fills(kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.simulate import Simulator

    replay = tmp_path / "fire.jsonl"
    replay.write_text("\n".join(Simulator(seed=5, authors=50).take(count=2000)) + "\n")
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Volta"\nkeywords = ["volta"]\n\n[[sources]]\n'
                      f'kind = "replay"\npath = "{replay}"\nspeed = 0.01\n')  # paced: it lasts
    store = f"sqlite:///{tmp_path / 'k.sqlite'}"
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                   timeout=60).returncode == 0
    ports = {role: free_port() for role in ROLES}
    commands = [worker_command(role, kafka_bootstrap, store, config,
                               "--metrics-port", str(ports[role])) for role in ROLES]
    try:
        with workers(commands, tmp_path) as procs:
            for role in ROLES:
                wait_until(lambda r=role: bool(scrape(ports[r])), 60, f"the {role}'s /metrics")
            burst = tmp_path / "burst.jsonl"  # flat out, by a source that stamps its arrivals
            burst.write_text("\n".join(Simulator(seed=9, authors=300, brand_rate=0.2).take(count=300))
                             + "\n")
            assert run_cli("kafka", "worker", "--role", "source", "--bootstrap", kafka_bootstrap,
                           "--store", f"sqlite:///{tmp_path / 'burst.sqlite'}", "--replay", str(burst),
                           timeout=120).returncode == 0
            wait_until(lambda: scrape(ports["matcher"]).get("reale_mention_latency_seconds_count", 0)
                       > 0, 60, "the matcher's stored mentions")
            wait_until(lambda: "reale_source_lag_seconds" in scrape(ports["source"]), 60,
                       "the source's lag")
            for role in ROLES[1:]:  # each consuming role running (its partitions assigned)
                wait_until(lambda r=role: scrape(ports[r]).get("reale_kafka_rebalances_total", 0) > 0,
                           60, f"the {role}'s assignment")
            seen = {role: scrape(ports[role]) for role in ROLES}
            for p in procs:
                p.send_signal(signal.SIGTERM)
            assert [p.wait(60) for p in procs] == [0, 0, 0, 0]
    except AssertionError as exc:  # say what the workers logged
        raise AssertionError(f"{exc}\n{worker_logs(tmp_path)}") from exc

    def shown(metric: str) -> list[str]:
        return [role for role in ROLES if metric in seen[role]]

    assert shown("reale_mention_latency_seconds") == ["matcher"]
    assert shown("reale_source_lag_seconds") == ["source"]
    assert shown("reale_skipped") == ["source"]
    assert shown("reale_understand_degraded") == ["stages"]
    assert shown("reale_kafka_relevance_models_pruned") == ["stages"]
    for metric in ("reale_kafka_consumer_lag", "reale_kafka_batch_seconds", "reale_events_in"):
        assert shown(metric) == ["matcher", "stages", "moments"], metric
    for metric in ("reale_errors", "reale_kafka_published"):  # every role may fail and publish
        assert shown(metric) == list(ROLES), metric
    assert seen["matcher"]["reale_events_in_total"] > 0
