"""Brands' relevance models learned off the batch path: a brand with no saved model to recall,
or new to the group, has its stored decisions read and embedded on a background thread while its
partition's batches go on (relevance read through the cold-start prior meanwhile); the batch
thread takes the finished model in, with the decisions taught since, before a later batch.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from reale.desk.feedback import FeedbackLearner
from reale.run.learning import StoredDecision
from reale.store import Store

if TYPE_CHECKING:
    from reale.run.kafka.brands import BrandState
    from reale.understand.relevance import RelevanceModel

log = logging.getLogger("reale.run.kafka")

Kind = Literal["rebuild", "teach"]


class Job:
    """One brand's model being learned for one partition's state. ``rebuild``: the decisions the
    state learned (after ``since``, up to ``until``) taught again to a new model; ``teach``: a
    brand new to the group, all its decisions up to ``until`` (weights and relevance).

    The batch thread owns ``tail`` (decisions after ``until`` taught while the job runs); the
    background thread fills ``decisions`` and ``model`` (or ``error``) before setting ``done``.
    """

    def __init__(self, store: Store, state: BrandState, brand: str, kind: Kind, since: float,
                 until: float) -> None:
        self.store = store
        self.state = state
        self.brand = brand
        self.kind: Kind = kind
        self.since = since
        self.until = until
        self.tail: list[StoredDecision] = []
        self.decisions: list[StoredDecision] = []
        # teach: the brand's weights as they stood, stepped through ``decisions`` on the thread
        self.learner = FeedbackLearner(state.learner.weights)
        self.learner.restore({brand: state.learner.get(brand)})
        self.model: RelevanceModel | None = None
        self.error: Exception | None = None
        self.cancelled = threading.Event()
        self.done = threading.Event()

    def __repr__(self) -> str:
        return f"Job({self.kind} {self.brand!r} until {self.until})"


class Background:
    """Runs jobs in order on one thread, started when a job is submitted and ended when none
    is left (so an idle worker holds no thread). ``before(job)``, when given, runs on that
    thread before each job (tests hold a job there to act while it is in flight)."""

    def __init__(self, work: Callable[[Job], None], *, name: str = "reale-relevance",
                 before: Callable[[Job], None] | None = None) -> None:
        self.work = work
        self.name = name
        self.before = before
        self._jobs: deque[Job] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.finished = self.failed = 0

    def submit(self, job: Job) -> None:
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
        while True:
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    return
                job = self._jobs.popleft()
            self._one(job)

    def _one(self, job: Job) -> None:
        try:
            if self.before is not None:
                self.before(job)
            if not job.cancelled.is_set():
                self.work(job)
                self.finished += 1
        except Exception as exc:  # kept for the batch thread: it retries or logs it
            job.error = exc
            self.failed += 1
            log.warning("relevance model of %s not learned: %s", job.brand, exc)
        finally:
            job.done.set()
