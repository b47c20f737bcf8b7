"""The consume loop every Kafka stage runs in: poll a batch, let the stage process it, write its
items to the store in one transaction, publish its records, and only then commit the offsets.

So a worker killed at any point loses nothing (uncommitted records are consumed again by the
worker that takes the partition over) and duplicates nothing (store writes are idempotent by
natural key). Records published downstream are at least once; their consumers are idempotent too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

import msgspec

from reale.clock import Clock, SystemClock
from reale.errors import RealeError, StoreUnavailable
from reale.run.kafka.deps import close_producer, confluent_kafka
from reale.run.kafka.metrics import KafkaMetrics
from reale.run.kafka.settings import KafkaSettings, consumer_config, producer_config
from reale.run.kafka.stage import Message, Output, Stage
from reale.store import ErrorPolicy, Store

log = logging.getLogger("reale.run.kafka")
LAG_EVERY = 5.0  # seconds between consumer-lag readings
TICK_EVERY = 1.0  # seconds between calls of a stage's ``tick`` (time-driven work)


class WorkerSummary(msgspec.Struct, kw_only=True):
    stage: str
    batches: int = 0
    records: int = 0
    events_out: int = 0
    bad: int = 0
    published: int = 0
    first_at: float = 0.0
    last_at: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time when the worker stopped
    # seconds per phase: idle (empty polls), consume, process, store, publish, commit
    phases: dict[str, float] = {}


class Worker:
    """One consumer in its stage's group; call :meth:`run` (blocking) and :meth:`stop`."""

    def __init__(self, settings: KafkaSettings, stage: Stage, store: Store, *,
                 metrics: KafkaMetrics | None = None, clock: Clock | None = None,
                 client_id: str = "", policy: ErrorPolicy | None = None) -> None:
        self.settings = settings
        self.stage = stage
        self.store = store
        self.metrics = metrics or KafkaMetrics()
        self.clock: Clock = clock or SystemClock()
        self.group = settings.group(stage.name)
        self.client_id = client_id or f"reale-{stage.name}"
        self.policy = policy or ErrorPolicy(retries=None)
        self.summary = WorkerSummary(stage=stage.name)
        self._stop = threading.Event()
        self._assigned_at = 0.0  # monotonic time of the last partition assignment
        self._delivery_errors: list[str] = []
        self._unstored = False  # a batch failed or cut short: its state must not be saved
        ck = confluent_kafka()
        self._ck = ck
        self.consumer: Any = ck.Consumer(consumer_config(settings, self.group, self.client_id))
        self.producer: Any = ck.Producer(producer_config(settings, self.client_id))

    def stop(self) -> None:
        self._stop.set()

    def run(self, idle_exit: float | None = None) -> WorkerSummary:
        """Consume until :meth:`stop` (or ``idle_exit`` seconds without a record)."""
        self.consumer.subscribe(list(self.stage.topics), on_assign=self._on_assign,
                                on_revoke=self._on_revoke, on_lost=self._on_revoke)
        log.info("worker started", extra={"fields": {"stage": self.stage.name, "group": self.group,
                                                     "topics": list(self.stage.topics)}})
        idle_since = time.monotonic()
        lag_at = tick_at = 0.0
        try:
            while not self._stop.is_set():
                if time.monotonic() - lag_at >= LAG_EVERY:
                    self._update_lag()
                    lag_at = time.monotonic()
                if time.monotonic() - tick_at >= TICK_EVERY:
                    self._tick()
                    tick_at = time.monotonic()
                polled = time.monotonic()
                messages = self.consumer.consume(self.settings.batch_size, self.settings.batch_wait)
                waited = time.monotonic() - polled
                if messages:
                    self._add_phase("consume", waited)
                    self._batch(messages)
                    idle_since = time.monotonic()
                else:
                    self._add_phase("idle", waited)  # polls that found nothing
                    # idle counts again from each assignment: joining the group takes seconds
                    quiet_since = max(idle_since, self._assigned_at)
                    if idle_exit is not None and time.monotonic() - quiet_since > idle_exit:
                        break
        except BaseException as exc:
            self._unstored = True  # the batch in hand is not committed: save no state past it
            if not (isinstance(exc, StoreUnavailable) and self._stop.is_set()):
                raise
            log.warning("stopped while the store was unavailable: the batch in hand is not "
                        "committed, and the partitions' next owner reads it again",
                        extra={"fields": {"stage": self.stage.name, "error": str(exc)}})
        finally:
            self.close()
        return self.summary

    def _tick(self) -> None:
        """A stage's time-driven store items (the brand stage's response-time alerts), written
        on this thread between batches, so the stage's state is never read concurrently."""
        tick = getattr(self.stage, "tick", None)
        if tick is None:
            return
        try:
            items = tick(self.clock.now())
            if items:
                self._write(items)
        except RealeError as exc:  # the store briefly away: the next tick raises them again
            log.warning("tick not written", extra={"fields": {"error": str(exc)}})

    def close(self) -> None:
        try:
            # Not after a batch the store refused: the state holds it, its offsets are past it.
            final = [] if self._unstored else self.stage.final_items()
            if final:
                self.store.write_batch(final)
        except RealeError as exc:
            log.warning("final snapshot not saved", extra={"fields": {"error": str(exc)}})
        try:
            self.producer.flush(10)
            self.consumer.close()  # leaves the group at once: the partitions move without waiting
        except RuntimeError:
            pass  # already closed
        # what 10 s could not deliver is dropped: its offsets were never committed, so the
        # partition's next owner reads it again
        close_producer(self.producer, 0)
        self.summary.cpu_seconds = round(time.process_time(), 3)
        log.info("worker stopped", extra={"fields": msgspec.to_builtins(self.summary)})

    # -- one batch ---------------------------------------------------------------------------
    def _batch(self, messages: Sequence[Any]) -> None:
        started = time.monotonic()
        self.summary.first_at = self.summary.first_at or self.clock.now()
        good, ends = self._good(messages)
        if not good:
            return
        out = self.stage.process(good, self.clock.now())
        t1 = time.monotonic()
        self._send(out)  # Kafka acknowledges while the store writes; both finish before the commit
        if out.items:
            self._write(out.items)
        if out.arrivals:
            now = self.clock.now()
            self.metrics.observe_stored(now - t for t in out.arrivals if t)
        t2 = time.monotonic()
        self._delivered_all(out)
        t3 = time.monotonic()
        self._commit(ends)
        t4 = time.monotonic()
        for name, took in (("process", t1 - started), ("store", t2 - t1), ("publish", t3 - t2),
                           ("commit", t4 - t3)):
            self._add_phase(name, took)
        self._count(good, out, started)

    def _add_phase(self, name: str, took: float) -> None:
        ph = self.summary.phases
        ph[name] = round(ph.get(name, 0.0) + took, 4)

    def _good(self, messages: Sequence[Any]) -> tuple[list[Message], list[Any]]:
        """The batch's records (consume errors logged and left out) and the offsets that commit
        them: each partition's last record + 1. One pass: this runs for every record."""
        good: list[Message] = []
        last: dict[tuple[str | None, int | None], Message] = {}
        for m in messages:
            err = m.error()
            if err is None:
                good.append(m)
                last[(m.topic(), m.partition())] = m
            elif err.code() != self._ck.KafkaError._PARTITION_EOF:
                self.metrics.errors.labels(self.stage.name, "consume").inc()
                log.warning("consume error", extra={"fields": {"error": str(err)}})
        tp = self._ck.TopicPartition
        return good, [tp(t or "", p or 0, (m.offset() or 0) + 1) for (t, p), m in last.items()]

    def _write(self, items: list[Any]) -> None:
        attempt = 0
        while True:
            try:
                self.store.write_batch(items)
                return
            except StoreUnavailable as exc:
                attempt += 1
                self.metrics.errors.labels(self.stage.name, "store_unavailable").inc()
                if not self.policy.should_retry(attempt) or self._stop.is_set():
                    raise
                log.warning("store unavailable, retrying", extra={"fields": {"error": str(exc)}})
                time.sleep(self.policy.delay(attempt))

    def _send(self, out: Output) -> None:
        sent: dict[str, int] = {}
        for r in out.records:
            while True:
                try:
                    self.producer.produce(r.topic, r.value, r.key, on_delivery=self._delivered)
                    break
                except BufferError:
                    self.producer.poll(0.05)
            sent[r.topic] = sent.get(r.topic, 0) + 1
        for topic, n in sent.items():
            self.metrics.published.labels(topic).inc(n)
        self.producer.poll(0)

    def _delivered_all(self, out: Output) -> None:
        if not out.records:
            return
        left = self.producer.flush(30)
        if left or self._delivery_errors:
            errors, self._delivery_errors = self._delivery_errors, []
            self.metrics.errors.labels(self.stage.name, "publish").inc()
            raise RealeError(f"{self.stage.name}: {left} records not delivered to Kafka "
                             f"({'; '.join(errors[:3])}); offsets not committed")
        self.summary.published += len(out.records)

    def _delivered(self, err: Any, msg: Any) -> None:
        if err is not None:
            self._delivery_errors.append(str(err))

    def _commit(self, offsets: list[Any]) -> None:
        try:
            self.consumer.commit(offsets=offsets, asynchronous=False)
        except self._ck.KafkaException as exc:
            # The group moved on (a rebalance): the new owner consumes these records again.
            self.metrics.errors.labels(self.stage.name, "commit").inc()
            log.warning("commit refused", extra={"fields": {"error": str(exc)}})

    def _count(self, good: Sequence[Message], out: Output, started: float) -> None:
        s, m, name = self.summary, self.metrics, self.stage.name
        now = self.clock.now()
        s.last_at = now
        s.batches += 1
        s.records += len(good)
        s.events_out += out.events_out
        s.bad += out.bad
        m.events_in.labels(name).inc(out.events_in or len(good))
        m.events_out.labels(name).inc(out.events_out)
        if out.bad:
            m.skipped.labels(name).inc(out.bad)
        m.batch_seconds.labels(name).observe(time.monotonic() - started)

    def _update_lag(self) -> None:
        """Records behind each owned partition's end, for the Prometheus gauge."""
        try:
            for tp in self.consumer.position(self.consumer.assignment()):
                end = self.consumer.get_watermark_offsets(tp, timeout=1.0, cached=False)[1]
                behind = max(0, end - tp.offset) if tp.offset >= 0 else end
                self.metrics.consumer_lag.labels(self.group, tp.topic, str(tp.partition)).set(behind)
        except self._ck.KafkaException as exc:
            log.debug("lag not read", extra={"fields": {"error": str(exc)}})

    # -- rebalances --------------------------------------------------------------------------
    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        self._assigned_at = time.monotonic()
        self.stage.assigned(partitions)
        self.metrics.rebalances.labels(self.stage.name, "assigned").inc(len(partitions))
        log.info("partitions assigned", extra={"fields": {
            "stage": self.stage.name, "partitions": [f"{p.topic}:{p.partition}" for p in partitions]}})
        consumer.assign(partitions)  # with any snapshot offsets the stage set

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        self.stage.revoked(partitions)
        self.metrics.rebalances.labels(self.stage.name, "revoked").inc(len(partitions))
        log.info("partitions revoked", extra={"fields": {
            "stage": self.stage.name, "partitions": [f"{p.topic}:{p.partition}" for p in partitions]}})
