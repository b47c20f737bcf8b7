"""The opportunity queue: one item per conversation, ordered by score and age against each kind's
response-time target (complaints and questions age fastest). State with ``update``/``get``; the
clock is injected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Literal

import msgspec

from reale.clock import Clock
from reale.desk.opportunity import Opportunity
from reale.desk.opportunity_rules import ResponseTargets
from reale.errors import DeskError

Decision = Literal["handled", "irrelevant", "not_worth"]
DECISIONS: tuple[Decision, ...] = ("handled", "irrelevant", "not_worth")


class QueueItem(msgspec.Struct, frozen=True, kw_only=True):
    """An opportunity as the queue ranks it now."""

    opportunity: Opportunity
    priority: float  # score × (1 + age / target)
    age: float  # seconds since the conversation started
    target: float  # the kind's response-time target, seconds
    overdue: bool


def merge(old: Opportunity, new: Opportunity) -> Opportunity:
    """Fold a later post of the same conversation into its opportunity: a new reading of the
    same post replaces the old; a post of another kind wins when its reading is stronger; one
    of the same kind leaves the post that opened the conversation its subject (who asked, and
    how far their voice carries) and only raises the score. The conversation keeps its start
    time, and the post count grows."""
    if new.post_uri == old.post_uri or new.kind != old.kind:
        base = new if new.post_uri == old.post_uri or new.score >= old.score else old
    else:
        base = msgspec.structs.replace(old, score=max(old.score, new.score))
    return msgspec.structs.replace(
        base, created_at=min(old.created_at, new.created_at) if new.created_at else old.created_at,
        updated_at=max(old.updated_at, new.updated_at), posts=old.posts + new.posts,
    )


class OpportunityQueue:
    """Opportunities waiting for a person, one per conversation (brand + root post)."""

    def __init__(self, clock: Clock, targets: ResponseTargets | None = None,
                 max_items: int = 10_000) -> None:
        self._clock = clock
        self.targets = targets or ResponseTargets()
        self.max_items = max_items
        self._items: dict[str, Opportunity] = {}
        self._first_seen: dict[str, float] = {}
        self._closed: dict[str, tuple[float, Decision, str]] = {}  # id → (when, decision, kind)
        # called with each decided opportunity (the feedback learner listens here)
        self.on_resolve: list[Callable[[Opportunity, Decision], None]] = []

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, opp_id: object) -> bool:
        return opp_id in self._items

    def _is_closed(self, opp: Opportunity, now: float) -> bool:
        closed = self._closed.get(opp.id)
        if closed is None:
            return False
        when, decision, kind = closed
        if now - when > self.targets.closed_for:
            del self._closed[opp.id]
            return False
        # A new complaint in a handled conversation means the answer did not solve it.
        reopened = decision == "handled" and opp.kind == "complaint" and kind != "complaint"
        if reopened:
            del self._closed[opp.id]
        return not reopened

    def peek(self, opp_id: str) -> Opportunity | None:
        """The conversation's opportunity as queued now (None if not queued)."""
        return self._items.get(opp_id)

    def update(self, opp: Opportunity) -> Opportunity | None:
        """Add an opportunity or fold it into its conversation's; None if the conversation was
        decided recently and stays closed."""
        now = self._clock.now()
        if self._is_closed(opp, now):
            return None
        old = self._items.get(opp.id)
        merged = opp if old is None else merge(old, opp)
        self._items[opp.id] = merged
        self._first_seen.setdefault(opp.id, now)
        if len(self._items) > self.max_items:
            self._evict(now)
        return merged

    def _start(self, opp: Opportunity) -> float:
        return opp.created_at or self._first_seen.get(opp.id, self._clock.now())

    def _rank(self, opp: Opportunity, now: float) -> QueueItem:
        target = self.targets.target(opp.kind)
        age = max(0.0, now - self._start(opp))
        return QueueItem(opportunity=opp, priority=opp.score * (1.0 + age / target), age=age,
                         target=target, overdue=age > target)

    def _evict(self, now: float) -> None:
        ranked = sorted((self._rank(o, now) for o in self._items.values()), key=lambda q: q.priority)
        for item in ranked[: max(1, len(ranked) - self.max_items + self.max_items // 10)]:
            self._drop(item.opportunity.id)

    def _drop(self, opp_id: str) -> Opportunity | None:
        self._first_seen.pop(opp_id, None)
        return self._items.pop(opp_id, None)

    def get(self, brand: str | None = None, limit: int = 50) -> list[QueueItem]:
        """The most pressing opportunities first; items older than ``max_age`` leave the queue."""
        now = self._clock.now()
        for opp in list(self._items.values()):
            if now - self._start(opp) > self.targets.max_age:
                self._drop(opp.id)
        ranked = [self._rank(o, now) for o in self._items.values() if brand in (None, o.brand)]
        ranked.sort(key=lambda q: (-q.priority, q.opportunity.id))
        return ranked[:limit]

    def forget_posts(self, uris: Collection[str]) -> list[Opportunity]:
        """Take out the opportunities whose post is one of ``uris`` (its author deleted it: the
        store closes the stored row); a later reading of it is queued anew only from another
        post of the conversation."""
        gone = [o for o in self._items.values() if o.post_uri in uris]
        for opp in gone:
            self._drop(opp.id)
        return gone

    def resolve(self, opp_id: str, decision: Decision) -> Opportunity | None:
        """Take a decided opportunity out; its conversation stays closed for ``closed_for``."""
        if decision not in DECISIONS:
            raise DeskError(f"unknown decision {decision!r}; expected one of {DECISIONS}")
        now = self._clock.now()
        opp = self._drop(opp_id)
        if opp is not None:
            self._closed[opp_id] = (now, decision, opp.kind)
            for listener in self.on_resolve:
                listener(opp, decision)
        if len(self._closed) > self.max_items:
            self._closed = {k: v for k, v in self._closed.items()
                            if now - v[0] <= self.targets.closed_for}
        return opp


__all__ = ["DECISIONS", "Decision", "OpportunityQueue", "QueueItem", "merge"]
