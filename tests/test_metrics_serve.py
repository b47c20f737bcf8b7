"""The Prometheus endpoint both runners serve: /metrics on 127.0.0.1 unless told otherwise, and
a clear error, not a traceback, when the port is taken."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from reale.errors import ConfigError
from reale.ports import free_port
from reale.run.kafka.metrics import KafkaMetrics
from reale.run.metrics import Metrics


def test_metrics_are_served_on_the_loopback_address() -> None:
    port = free_port()
    metrics = KafkaMetrics()
    metrics.serve("127.0.0.1", port)
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert "reale_events_in_total" in body and "reale_mention_latency_seconds" in body


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"metrics port 127.0.0.1:{port}"):
            Metrics().serve("127.0.0.1", port)
