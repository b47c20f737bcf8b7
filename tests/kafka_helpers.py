"""Helpers for the scale-out tests: Kafka workers as real processes (``reale kafka worker``),
always stopped by the test that started them, and polling with a deadline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT


def worker_command(role: str, bootstrap: str, store: str, config: Path,
                   *extra: str) -> list[str]:
    return [sys.executable, "-m", "reale", "kafka", "worker", "--role", role,
            "--bootstrap", bootstrap, "--store", store, "--config", str(config),
            "--session-timeout-ms", "2000", *extra]


@contextmanager
def workers(commands: Sequence[list[str]], log_dir: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start each command as a process (logs in ``log_dir``); kill whatever still runs at exit."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i, cmd in enumerate(commands):
            log = (log_dir / f"worker{i}.log").open("wb")
            procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                          cwd=ROOT))
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait(30)


def wait_until(check: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


class Consumed:
    """A consumed Kafka record (the part of ``confluent_kafka.Message`` a stage reads), for
    driving a stage's ``process`` without a broker."""

    def __init__(self, topic: str, partition: int, offset: int, value: bytes,
                 key: bytes = b"") -> None:
        self._t, self._p, self._o, self._v, self._k = topic, partition, offset, value, key

    def topic(self) -> str:
        return self._t

    def partition(self) -> int:
        return self._p

    def offset(self) -> int:
        return self._o

    def key(self) -> bytes:
        return self._k

    def value(self) -> bytes:
        return self._v

    def error(self) -> None:
        return None


def publish_simulated(bootstrap: str, count: int = 300, seed: int = 9) -> None:
    """Publish ``count`` simulated firehose posts to ``posts`` and wait for the broker's
    acknowledgement; the producer is closed, so it never outlives the broker."""
    from reale.run.kafka.publish import Publisher
    from reale.run.kafka.settings import KafkaSettings
    from reale.simulate import Simulator
    from reale.sources.jetstream import parse

    publisher = Publisher(KafkaSettings(bootstrap=bootstrap))
    try:
        lines = Simulator(seed=seed, authors=300, brand_rate=0.2).take(count=count)
        publisher.publish_many(e for line in lines for e in parse(line))
        publisher.flush()
    finally:
        publisher.close()
