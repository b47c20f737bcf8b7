"""`reale run --runner kafka` as an operator starts it, against a real broker: it logs as
`reale kafka worker` does (one JSON object a line on stderr), so a deployment's log pipeline reads
both commands alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = [pytest.mark.kafka]


def test_reale_run_with_the_kafka_runner_writes_structured_logs(kafka_bootstrap: str,
                                                                 tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Volta"\nkeywords = ["volta"]\n')
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1").returncode == 0
    out = run_cli("run", "--runner", "kafka", "--bootstrap", kafka_bootstrap, "--config",
                  str(config), "--store", f"sqlite:///{tmp_path / 'k.sqlite'}", "--role", "matcher",
                  "--idle-exit", "3", timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    logs = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    started = [e for e in logs if e["msg"] == "worker started"]
    assert started and started[0]["role"] == "matcher" and started[0]["level"] == "info"
    assert any(e["msg"] == "worker stopped" for e in logs)
