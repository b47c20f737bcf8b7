"""What the writer does when a write fails: retry transient errors with back-off, isolate bad
items by splitting the batch, and hand what it gives up on to a callback — never lose silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

log = logging.getLogger("reale.store")

GiveUp = Callable[[Sequence[Any], BaseException], None]


class ErrorPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """The writer's error policy (defaults keep the stream alive and account for every item).

    - ``retries``: attempts after the first when the store is unavailable (locked, busy,
      connection lost); ``None`` retries for ever, holding back the queue (back-pressure).
    - ``backoff`` / ``max_backoff``: the first wait in seconds, doubled per attempt, capped.
    - ``split``: when the store refuses a batch (bad data), write its halves separately until
      the refused items are isolated, so one bad item does not cost the whole batch.
    """

    retries: int | None = 8
    backoff: float = 0.05
    max_backoff: float = 2.0
    split: bool = True

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based).

        >>> ErrorPolicy(backoff=0.1, max_backoff=1.0).delay(3)
        0.4
        """
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def should_retry(self, attempt: int) -> bool:
        return self.retries is None or attempt <= self.retries


def log_give_up(items: Sequence[Any], exc: BaseException) -> None:
    """The default give-up handler: one error line naming how many items and why."""
    kinds = sorted({type(i).__name__ for i in items})
    first = getattr(items[0], "uri", None) or getattr(getattr(items[0], "post", None), "uri", "")
    log.error("store writer gave up on %d item(s) (%s; first %s): %s",
              len(items), ", ".join(kinds), first or "?", exc)
