"""Publishing decoded events: posts and deletions to ``posts`` (key: author), interactions — and replies and
quotes as conversation posts — to ``interactions`` (key: root post). The source role drives
source clients through it and commits their cursors only once Kafka has acknowledged what they
produced, so a restarted source neither loses nor repeats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from msgspec.structs import replace

from reale.clock import Clock, SystemClock
from reale.errors import RealeError
from reale.events import Deletion, Interaction, Post
from reale.run.embedded import Source
from reale.run.kafka import codec
from reale.run.kafka.deps import close_producer, confluent_kafka
from reale.run.kafka.metrics import KafkaMetrics
from reale.run.kafka.settings import INTERACTIONS, POSTS, KafkaSettings, producer_config
from reale.run.sourcewatch import SourceWatch

log = logging.getLogger("reale.run.kafka")


class Publisher:
    """A producer that knows Reale's topics and keys."""

    def __init__(self, settings: KafkaSettings, *, client_id: str = "reale-source",
                 metrics: KafkaMetrics | None = None, clock: Clock | None = None,
                 flush_timeout: float = 30.0) -> None:
        self.bootstrap = settings.bootstrap
        self.flush_timeout = flush_timeout
        self.metrics = metrics or KafkaMetrics()
        self.clock: Clock = clock or SystemClock()
        self.producer: Any = confluent_kafka().Producer(producer_config(settings, client_id))
        self.posts = settings.topic(POSTS)
        self.interactions = settings.topic(INTERACTIONS)
        self.sent = 0
        self.errors: list[str] = []

    def publish(self, event: Post | Interaction | Deletion) -> None:
        """Queue one event (stamping ``received_at`` if the source did not)."""
        if isinstance(event, Deletion):
            self._send(self.posts, codec.deletion_key(event), codec.encode(event))
            self._send(self.interactions, codec.deleted_post_key(event),
                       codec.encode_conversation(event))
        elif isinstance(event, Post):
            self._send(self.posts, codec.post_key(event), codec.encode(event))
            if codec.is_conversation_post(event):
                self._send(self.interactions, codec.conversation_key(event),
                           codec.encode_conversation(event))
        else:
            self._send(self.interactions, codec.conversation_key(event),
                       codec.encode_conversation(event))

    def publish_many(self, events: Iterable[Post | Interaction | Deletion]) -> int:
        n = 0
        for ev in events:
            self.publish(ev)
            n += 1
        return n

    def send_raw(self, topic: str, key: bytes, value: bytes) -> None:
        """Queue an already-encoded record (benchmarks pre-encode their stream)."""
        self._send(topic, key, value)

    def _send(self, topic: str, key: bytes, value: bytes) -> None:
        while True:
            try:
                self.producer.produce(topic, value, key, on_delivery=self._delivered)
                break
            except BufferError:
                self.producer.poll(0.05)
        self.sent += 1
        self.metrics.published.labels(topic).inc()

    def _delivered(self, err: Any, msg: Any) -> None:
        if err is not None:
            self.errors.append(str(err))
            self.metrics.errors.labels("source", "publish").inc()

    def poll(self) -> None:
        self.producer.poll(0)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until Kafka acknowledged everything queued; raise if anything was refused or
        is still unacknowledged after ``timeout`` (default ``flush_timeout``) seconds."""
        wait = self.flush_timeout if timeout is None else timeout
        left = self.producer.flush(wait)
        if left or self.errors:
            errors, self.errors = self.errors, []
            why = f" ({'; '.join(errors[:3])})" if errors else ""
            raise RealeError(f"Kafka at {self.bootstrap} did not acknowledge {left + len(errors)} "
                             f"records within {wait:g} s{why}: is the broker running? Nothing "
                             "unacknowledged was marked as read, so a restart publishes it again")

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued (up to ``timeout`` seconds), then let go of the broker."""
        close_producer(self.producer, timeout)


async def publish_sources(publisher: Publisher, sources: Sequence[Source], *,
                          commit_interval: float = 1.0, stop: asyncio.Event | None = None,
                          watch: SourceWatch | None = None, stop_grace: float = 2.0) -> int:
    """Publish every source's events until they end (or ``stop``); cursors follow the acks.
    A source that has no event for ``stop_grace`` seconds after ``stop`` (a quiet stream, a
    paced replay) is interrupted where it waits; what Kafka took is still marked as read.
    With ``watch``, the sources are looked at every ``commit_interval`` seconds (down, lagging,
    skipped counts) and a source that fails for good is reported before the error goes on."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    tally = [0]
    pumps = asyncio.gather(*[_watched(publisher, s, commit_interval, stop, loop, watch, tally)
                             for s in sources])
    helpers = [asyncio.create_task(_interrupt(stop, pumps, stop_grace))]
    if watch is not None:
        helpers.append(asyncio.create_task(_look(watch, sources, publisher.clock,
                                                 commit_interval)))
    try:
        await pumps
    except asyncio.CancelledError:
        if not stop.is_set():
            raise
    finally:
        for task in helpers:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if watch is not None:
        watch.update(publisher.clock.now(), sources)
    return tally[0]


async def _interrupt(stop: asyncio.Event, pumps: asyncio.Future[Any], grace: float) -> None:
    await stop.wait()
    await asyncio.sleep(grace)
    pumps.cancel()


async def _look(watch: SourceWatch, sources: Sequence[Source], clock: Clock,
                interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        watch.update(clock.now(), sources)


async def _watched(publisher: Publisher, source: Source, commit_interval: float,
                   stop: asyncio.Event, loop: asyncio.AbstractEventLoop,
                   watch: SourceWatch | None, tally: list[int]) -> int:
    try:
        return await _pump(publisher, source, commit_interval, stop, loop, tally)
    except Exception as exc:
        if watch is not None:
            name = getattr(source, "source_id", "") or type(source).__name__
            watch.failed(name, str(exc), publisher.clock.now())
        raise


async def _pump(publisher: Publisher, source: Source, commit_interval: float,
                stop: asyncio.Event, loop: asyncio.AbstractEventLoop, tally: list[int]) -> int:
    pending: list[Any] = []
    last = loop.time()
    n = 0
    ended = False
    try:
        async for item in source:
            event = item.event
            if not event.received_at:
                event = replace(event, received_at=publisher.clock.now())
            publisher.publish(event)
            pending.append(item)
            n += 1
            tally[0] += 1
            if n % 512 == 0:
                publisher.poll()
            if loop.time() - last >= commit_interval:
                await _commit(publisher, source, pending)
                pending, last = [], loop.time()
            if stop.is_set():
                break
        ended = True
    finally:
        try:
            if ended:  # the last records unacknowledged: an error, never "published N"
                await _commit(publisher, source, pending)
            else:  # another error is on its way: keep what Kafka took, then let it go on
                with contextlib.suppress(RealeError):
                    await _commit(publisher, source, pending)
        finally:
            await source.aclose()
    return n


async def _commit(publisher: Publisher, source: Source, pending: list[Any]) -> None:
    await asyncio.to_thread(publisher.flush)
    for item in pending:
        source.ack(item)
    source.commit()
