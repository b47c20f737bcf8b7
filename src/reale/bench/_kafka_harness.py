"""The scale-out benchmarks' harness: a broker and a PostgreSQL server for the whole run, matcher
workers as real ``reale kafka worker`` processes, and what is measured from outside them
(committed offsets, their JSON logs, the store)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reale.errors import RealeError
from reale.run.kafka.admin import init_topics
from reale.run.kafka.check import brands_toml, simulated_brands
from reale.run.kafka.deps import confluent_kafka
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import POSTS, KafkaSettings, consumer_config

SESSION_MS = 2000


class Workers:
    """Matcher workers of one trial (one topic prefix, one database); always stopped."""

    def __init__(self, bootstrap: str, store: str, prefix: str, count: int, workdir: Path,
                 partitions: int, batch_size: int | None = None,
                 batch_wait: float | None = None) -> None:
        d = KafkaSettings()  # the product's defaults unless a benchmark says otherwise
        batch_size = d.batch_size if batch_size is None else batch_size
        batch_wait = d.batch_wait if batch_wait is None else batch_wait
        self.settings = KafkaSettings(bootstrap=bootstrap, prefix=prefix, partitions=partitions,
                                      session_timeout_ms=SESSION_MS, heartbeat_ms=200,
                                      batch_size=batch_size)
        init_topics(self.settings)
        self.count = count
        self.logs = [workdir / f"{prefix}w{i}.log" for i in range(count)]
        config = workdir / "reale.toml"
        config.write_text(brands_toml(simulated_brands()))
        src = Path(__file__).resolve().parents[2]
        env = dict(os.environ, PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, "-m", "reale", "kafka", "worker", "--role", "matcher",
               "--bootstrap", bootstrap, "--store", store, "--config", str(config),
               "--prefix", prefix, "--session-timeout-ms", str(SESSION_MS),
               "--batch-size", str(batch_size), "--batch-wait", str(batch_wait)]
        self._cmd, self._env = cmd, env
        self.procs: list[subprocess.Popen[bytes]] = []
        self._probe: Any = None
        self._tps: list[Any] = []

    def start(self) -> Workers:
        self.procs = [subprocess.Popen(self._cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                       env=self._env) for log in self.logs]
        return self

    def events(self, i: int) -> list[dict[str, Any]]:
        out = []
        for line in self.logs[i].read_text(errors="replace").splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def assigned(self) -> list[set[str]]:
        """Each live worker's partitions now (from its own log)."""
        owned: list[set[str]] = []
        for i, p in enumerate(self.procs):
            mine: set[str] = set()
            if p.poll() is None:
                for ev in self.events(i):
                    if ev["msg"] == "partitions assigned":
                        mine = set(ev["partitions"])
                    elif ev["msg"] == "partitions revoked":
                        mine = set()
            owned.append(mine)
        return owned

    def stable(self) -> bool:
        owned = [a for a, p in zip(self.assigned(), self.procs, strict=True) if p.poll() is None]
        return all(owned) and sum(len(a) for a in owned) == self.settings.partitions

    def committed(self) -> int:
        """Records of ``posts`` the matcher group has committed, all partitions together.

        Read through one long-lived probe (a consumer of the group's id that never joins it):
        one OffsetFetch request a reading, so watching a trial costs the broker almost nothing
        (a fresh admin client a reading cost it about 7 % of a core at 10 readings a second)."""
        if self._probe is None:
            ck = confluent_kafka()
            s = self.settings
            self._probe = ck.Consumer(consumer_config(s, s.group("matcher"), "reale-bench-probe"))
            self._tps = [ck.TopicPartition(s.topic(POSTS), p) for p in range(s.partitions)]
        found = self._probe.committed(self._tps, timeout=10)
        return sum(tp.offset for tp in found if tp.offset >= 0)

    def done(self, total: int) -> bool:
        return self.committed() >= total

    def failed(self) -> str:
        """Why every worker has exited (its last log line), or "" while one still runs: a trial
        whose workers all died (a bad setting, a broken store) fails at once instead of waiting
        out its timeout."""
        if not self.procs or any(p.poll() is None for p in self.procs):
            return ""
        lines = self.logs[0].read_text(errors="replace").strip().splitlines()
        return f"every worker exited (rc {self.procs[0].returncode}): " + \
            (lines[-1][:300] if lines else "no output")

    def summaries(self) -> list[dict[str, Any]]:
        return [ev for i in range(len(self.procs)) for ev in self.events(i)
                if ev["msg"] == "worker stopped"]

    def revocations(self) -> int:
        return sum(ev["msg"] == "partitions revoked" for i in range(len(self.procs))
                   for ev in self.events(i))

    def stop(self) -> None:
        if self._probe is not None:
            self._probe.close()
            self._probe = None
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def drop_topics(settings: KafkaSettings, timeout: float = 30.0) -> None:
    """Delete a trial's topics, so every trial meets a broker holding the same data (tansu keeps
    its topics in memory: each 600,000-post trial left about 60 MB behind, and later trials ran
    on a fuller, slower broker)."""
    from reale.run.kafka.deps import kafka_admin
    from reale.run.kafka.settings import TOPICS, admin_config

    admin = kafka_admin().AdminClient(admin_config(settings))
    futures = admin.delete_topics([settings.topic(t) for t in TOPICS],
                                  operation_timeout=timeout, request_timeout=timeout)
    for f in futures.values():
        # a broker without DeleteTopics keeps them: only its memory is spent
        with contextlib.suppress(Exception):
            f.result(timeout)


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.05,
               workers: Workers | None = None) -> bool:
    """Poll ``check`` until it holds or ``timeout`` passes; with ``workers``, raise RealeError
    at once when all of them have exited."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        if workers is not None and (why := workers.failed()):
            raise RealeError(why)
        time.sleep(step)
    return True


def publish_posts(settings: KafkaSettings, records: Sequence[tuple[bytes, bytes]]) -> None:
    """Publish pre-encoded ``(key, value)`` posts as fast as the client goes."""
    pub = Publisher(settings, client_id="reale-bench")
    topic = settings.topic(POSTS)
    for k, v in records:
        pub.send_raw(topic, k, v)
    pub.flush(60)
    pub.close()


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="reale-kafka-bench-"))
