"""Runner metrics: Prometheus counters and histograms in a registry owned by the runner (no
globals, so tests and two runners in one process never share counts), plus exact latency
percentiles for the demo and the benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from reale.errors import ConfigError

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


class LatencyRecorder:
    """Keeps the last ``capacity`` latencies (seconds) and answers percentiles exactly."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._cap = capacity
        self._values: list[float] = []
        self._next = 0
        self.count = 0

    def update(self, seconds: float) -> None:
        self.count += 1
        if len(self._values) < self._cap:
            self._values.append(seconds)
        else:
            self._values[self._next] = seconds
            self._next = (self._next + 1) % self._cap

    def extend(self, values: Iterable[float]) -> None:
        for v in values:
            self.update(v)

    def percentile(self, p: float) -> float:
        """The p-th percentile (0-100) of the kept values; 0.0 when empty."""
        if not self._values:
            return 0.0
        ordered = sorted(self._values)
        k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[k]

    def get(self) -> dict[str, float]:
        return {"count": float(self.count), "p50": self.percentile(50),
                "p95": self.percentile(95), "p99": self.percentile(99),
                "max": max(self._values, default=0.0)}


class Metrics:
    """Counters per stage; one instance per runner."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_in = Counter("reale_events_in", "Events into a stage", ["stage"], registry=r)
        self.events_out = Counter("reale_events_out", "Events out of a stage", ["stage"], registry=r)
        self.errors = Counter("reale_errors", "Errors by stage and kind", ["stage", "kind"], registry=r)
        self.skipped = Counter("reale_skipped", "Malformed input skipped, by source", ["source"], registry=r)
        self.latency = Histogram("reale_mention_latency_seconds", "Arrival to stored mention",
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.lag = Gauge("reale_source_lag_seconds", "Now minus the newest event's time",
                         ["source"], registry=r)
        self.degraded = Gauge("reale_understand_degraded",
                              "1 while the understanding stage runs fast labels only", registry=r)
        self.deletions = Counter(
            "reale_deletions", "Deletions from the networks: seen, applied (a stored post "
            "erased) and unknown (no stored post: kept until it arrives)", ["outcome"], registry=r)
        self.mention_latency = LatencyRecorder()
        self._lock = threading.Lock()

    def observe_stored(self, latencies: Iterable[float]) -> None:
        with self._lock:
            for v in latencies:
                self.latency.observe(v)
                self.mention_latency.update(v)

    def observe_deletions(self, applied: int, unknown: int) -> None:
        """What a committed batch did with its deletions (the store counts them)."""
        if applied:
            self.deletions.labels("applied").inc(applied)
        if unknown:
            self.deletions.labels("unknown").inc(unknown)

    def deletion_counts(self) -> tuple[int, int, int]:
        """(seen, applied, unknown) so far."""
        return tuple(int(self.value("reale_deletions_total", outcome=o))  # type: ignore[return-value]
                     for o in ("seen", "applied", "unknown"))

    def serve(self, host: str, port: int) -> None:
        """Expose /metrics on host:port (127.0.0.1 unless told otherwise)."""
        try:
            start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise ConfigError(f"metrics port {host}:{port}: {exc.strerror or exc} (choose another "
                              "metrics_port, or 0 for none)") from exc

    def value(self, name: str, **labels: str) -> float:
        v = self.registry.get_sample_value(name, labels)
        return float(v or 0.0)


