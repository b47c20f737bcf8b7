"""Brands' relevance models learned off the batch path: a brand with no saved model to recall,
or new to the group, has its stored decisions read and embedded on a background thread while its
partition's batches go on (relevance read through the cold-start prior meanwhile); the batch
thread takes the finished model in, with the decisions taught since, before a later batch. A
brand new to the worker has its prior's anchors read back from its stored mentions there too.

The rules that keep it right: only the batch thread puts a model (or a prior) in use, and that is
a swap of an object the thread made ready (embedded, the decisions taught meanwhile included);
the thread reads the store and the shared encoder and writes nothing else; a revoked partition
cancels its jobs; decisions taught while a job runs are learned once, in order, after its own.
While jobs run, the process's BLAS uses half the cores (two numerical threads on the same cores,
each with a full BLAS pool, stalled the batches for a second on two cores).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from reale.desk.feedback import FeedbackLearner
from reale.run.learning import StoredDecision
from reale.store import Store

if TYPE_CHECKING:
    from reale.run.kafka.brands import BrandState
    from reale.run.kafka.relevance import Base
    from reale.understand.relevance import RelevanceModel
    from reale.understand.relevance_prior import BrandPrior

log = logging.getLogger("reale.run.kafka")

Kind = Literal["rebuild", "teach"]


class Task:
    """Work for the background thread about one brand: ``done`` is set once it ran (or was
    skipped, ``cancelled``), ``error`` kept if it failed."""

    def __init__(self, store: Store, brand: str) -> None:
        self.store = store
        self.brand = brand
        self.error: Exception | None = None
        self.cancelled = threading.Event()
        self.done = threading.Event()


class Job(Task):
    """One brand's model being learned for one partition's state. ``rebuild``: the decisions the
    state learned (after ``since``, up to ``until``) taught again to a new model; ``teach``: a
    brand new to the group, all its decisions up to ``until`` (weights and relevance).

    The batch thread appends to ``tail`` (decisions after ``until`` taught while the job runs,
    through :meth:`add`); the background thread fills ``decisions`` and ``model`` (or
    ``error``), and teaches the model the tail's first ``embedded`` decisions, before ``done``.
    """

    def __init__(self, store: Store, state: BrandState, brand: str, kind: Kind, since: float,
                 until: float) -> None:
        super().__init__(store, brand)
        self.state = state
        self.kind: Kind = kind
        self.since = since
        self.until = until
        self.tail: list[StoredDecision] = []
        self.embedded = 0  # the tail's decisions the model learned on the thread
        self.decisions: list[StoredDecision] = []
        # teach: the brand's weights as they stood, stepped through ``decisions`` on the thread
        self.learner = FeedbackLearner(state.learner.weights)
        self.learner.restore({brand: state.learner.get(brand)})
        self.model: RelevanceModel | None = None
        self._lock = threading.Lock()

    def add(self, decision: StoredDecision) -> None:
        """(Batch thread) a decision taught while the job runs, to be learned after its own."""
        with self._lock:
            self.tail.append(decision)

    def untaught(self) -> list[StoredDecision]:
        """(Background thread) the tail's decisions the model has not learned yet."""
        with self._lock:
            return self.tail[self.embedded:]

    def __repr__(self) -> str:
        return f"Job({self.kind} {self.brand!r} until {self.until})"


class Anchors(Task):
    """A brand's cold-start prior rebuilt from its recent stored mentions, anchors embedded
    (``prior``; None when the brand has none), for the batch thread to swap in."""

    def __init__(self, store: Store, brand: str) -> None:
        super().__init__(store, brand)
        self.prior: BrandPrior | None = None

    def __repr__(self) -> str:
        return f"Anchors({self.brand!r})"


class Recall(Task):
    """A brand's saved relevance model read back and restored (``model``; None when it cannot
    be: rebuilt instead), for the batch thread to put in use before the next batch: queued by
    the assignment callback, which then reads nothing itself."""

    def __init__(self, store: Store, brand: str, group: str, mark: int) -> None:
        super().__init__(store, brand)
        self.group = group
        self.mark = mark
        self.model: RelevanceModel | None = None
        self.base: Base | None = None  # the saved whole model it came from (see relevance)

    def __repr__(self) -> str:
        return f"Recall({self.brand!r} at mark {self.mark})"


def half_the_cores() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    return max(1, cores // 2)


def blas_limit(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """The process's BLAS pools held to ``threads`` (None: unchanged; without threadpoolctl,
    which ``reale[kafka]`` brings, unchanged too)."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an install without the kafka extra
        return contextlib.nullcontext()
    held: contextlib.AbstractContextManager[object] = threadpool_limits(limits=threads,
                                                                        user_api="blas")
    return held


class Background:
    """Runs jobs in order on one thread, started when a job is submitted and ended when none
    is left (so an idle worker holds no thread), the BLAS pools held to ``blas_threads``
    meanwhile (default: half the cores; None: not held). ``before(job)``, when given, runs on
    that thread before each job (tests hold a job there to act while it is in flight)."""

    def __init__(self, work: Callable[[Task], None], *, name: str = "reale-relevance",
                 before: Callable[[Task], None] | None = None,
                 blas_threads: int | None = -1) -> None:
        self.work = work
        self.name = name
        self.before = before
        self.blas_threads = half_the_cores() if blas_threads == -1 else blas_threads
        self._jobs: deque[Task] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.finished = self.failed = 0

    def submit(self, job: Task) -> None:
        with self._lock:
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def busy(self) -> bool:
        with self._lock:
            return self._thread is not None

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job is done (the thread ended); False on timeout."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def cancel(self) -> None:
        """Cancel the jobs not started yet (each is marked done, unused, when its turn comes)."""
        with self._lock:
            for job in self._jobs:
                job.cancelled.set()

    def close(self, timeout: float | None = None) -> bool:
        """Cancel the jobs not started, wait for the one running (its result is discarded)."""
        self.cancel()
        return self.join(timeout)

    def _run(self) -> None:
        limits = contextlib.ExitStack()
        with self._lock:  # held and let go under the lock: a next thread holds them after
            limits.enter_context(blas_limit(self.blas_threads))
        while True:
            with self._lock:
                if not self._jobs:
                    limits.close()
                    self._thread = None
                    return
                job = self._jobs.popleft()
            self._one(job)

    def _one(self, job: Task) -> None:
        try:
            if self.before is not None:
                self.before(job)
            if not job.cancelled.is_set():
                self.work(job)
                self.finished += 1
        except Exception as exc:  # kept for the batch thread: it retries or logs it
            job.error = exc
            self.failed += 1
            log.warning("%r failed: %s", job, exc)
        finally:
            job.done.set()
