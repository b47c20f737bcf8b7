"""What the team's decisions teach, kept in the store: each row of ``opportunity_decisions`` (with
the opportunity as the team saw it) teaches the brand's desk weights and, unless 'not worth it',
its relevance model. Both runners rebuild what was learned from these rows after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import Opportunity
from reale.desk.queue import DECISIONS, Decision, OpportunityQueue
from reale.errors import ConfigError
from reale.store import Store
from reale.understand.relevance import REMEMBER
from reale.web.records import OpportunityRecord

if TYPE_CHECKING:
    from reale.run.wiring import Understanding

log = logging.getLogger("reale.run")

_RECORD = msgspec.json.Decoder(OpportunityRecord)
# The opportunity as decided (0007 keeps it with the decision), else as stored now.
_SELECT = ("SELECT d.id, d.action, d.at, CASE WHEN d.body <> '' THEN d.body ELSE o.body END"
           " FROM opportunity_decisions d JOIN opportunities o ON o.key = d.opportunity_key")
_TEACH_RELEVANCE = ("handled", "irrelevant")


class StoredDecision(msgspec.Struct, frozen=True):
    """One team decision as stored, with the opportunity it was taken on."""

    id: int
    action: Decision
    at: float
    opportunity: Opportunity


def relevance_memory(extra: Mapping[str, Any]) -> int:
    """``[desk.learning] relevance_memory``: decisions each brand's relevance model remembers."""
    desk = extra.get("desk") or {}
    section = desk.get("learning") or {} if isinstance(desk, dict) else {}
    unknown = sorted(set(section) - {"relevance_memory"}) if isinstance(section, dict) else []
    if unknown:
        raise ConfigError(f"[desk.learning]: unknown key {unknown[0]!r} (it has relevance_memory)")
    value = section.get("relevance_memory", REMEMBER) if isinstance(section, dict) else REMEMBER
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"[desk.learning] relevance_memory must be a whole number ≥ 1, not {value!r}")
    return value


def opportunity_of(rec: OpportunityRecord) -> Opportunity:
    """The desk's :class:`Opportunity` back from its stored record (what learning steps on)."""
    return Opportunity(
        id=rec.id, brand=rec.brand, kind=rec.kind, score=rec.score,  # type: ignore[arg-type]
        reasons=rec.reasons, post_uri=rec.post_uri, root_uri=rec.root_uri,
        author_handle=rec.author_handle, text=rec.text, language=rec.language,
        created_at=rec.created_at, updated_at=rec.updated_at, features=dict(rec.features),
        obvious_action=rec.obvious_action, realness=rec.realness, relevance=rec.relevance,
        posts=rec.posts)


def _decoded(rows: Iterable[tuple[Any, ...]], unreadable: set[int] | None = None
             ) -> list[StoredDecision]:
    out: list[StoredDecision] = []
    for row_id, action, at, body in rows:
        if action not in DECISIONS:
            continue  # a comment or another action: nothing to learn
        try:
            opp = opportunity_of(_RECORD.decode(body))
        except (msgspec.DecodeError, TypeError):
            if unreadable is None or int(row_id) not in unreadable:
                log.warning("decision %s: its opportunity cannot be read; not learned", row_id)
            if unreadable is not None:
                unreadable.add(int(row_id))
            continue
        out.append(StoredDecision(int(row_id), action, float(at), opp))
    return out


def read_decisions(store: Store, *, after_id: int = 0, after_at: float | None = None,
                   until_at: float | None = None, brand: str | None = None,
                   by_time: bool = False, timeout: float | None = None,
                   unreadable: set[int] | None = None) -> list[StoredDecision]:
    """Decisions after ``after_id`` (and after ``after_at``, up to ``until_at``, on ``brand``'s
    opportunities, when given), in stored order (by id), or by time (``at``, then id) when
    ``by_time``. A decision whose opportunity cannot be decoded is skipped (its id added to
    ``unreadable``)."""
    where, params = ["d.id > ?"], [int(after_id)]  # type: list[str], list[Any]
    for clause, value in (("d.at > ?", after_at), ("d.at <= ?", until_at)):
        if value is not None:
            where.append(clause)
            params.append(float(value))
    if brand is not None:
        where.append("o.brand = ?")
        params.append(brand)
    order = "d.at, d.id" if by_time else "d.id"
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY {order}"
    return _decoded(store.query(sql, tuple(params), timeout=timeout), unreadable)


def recent_relevance(store: Store, brand: str, remember: int, *, since_at: float | None = None,
                     until_at: float | None = None) -> list[StoredDecision]:
    """The ``remember`` most recent decisions that teach ``brand``'s relevance (by time, oldest
    first), after ``since_at`` and up to ``until_at``: all a relevance model keeps, so all it is
    rebuilt from."""
    where: list[str] = ["o.brand = ?", "d.action IN (?, ?)"]
    params: list[Any] = [brand, *_TEACH_RELEVANCE]
    if since_at is not None:
        where.append("d.at > ?")
        params.append(float(since_at))
    if until_at is not None:
        where.append("d.at <= ?")
        params.append(float(until_at))
    sql = (f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY d.at DESC, d.id DESC LIMIT ?")
    return _decoded(reversed(store.query(sql, (*params, int(remember)))))


def learn(learner: FeedbackLearner, understanding: Understanding | None, opp: Opportunity,
          decision: Decision) -> None:
    """A team decision teaches the brand's weights and, unless 'not worth it', relevance."""
    learner.update(opp, decision)
    if understanding is not None and decision != "not_worth":
        understanding.learn(opp.brand, opp.text, decision == "handled")


def relevance_lessons(decisions: Sequence[StoredDecision], remember: int
                      ) -> tuple[list[str], list[bool]]:
    """What the decisions (in order) teach a relevance model that keeps the ``remember`` most
    recent: the texts and whether each was kept (the 'not worth it' ones teach nothing)."""
    kept = [d for d in decisions if d.action in _TEACH_RELEVANCE][-remember:]
    return [d.opportunity.text for d in kept], [d.action == "handled" for d in kept]


def rebuild_relevance(understanding: Understanding, decisions: Sequence[StoredDecision]) -> None:
    """Each brand's relevance model anew from the decisions (in order); a model keeps the most
    recent ``remember``, so only those are embedded."""
    per_brand: dict[str, list[StoredDecision]] = {}
    for d in decisions:
        if d.action in _TEACH_RELEVANCE:
            per_brand.setdefault(d.opportunity.brand, []).append(d)
    for brand, ds in per_brand.items():
        understanding.rebuild(brand, *relevance_lessons(ds, understanding.remember))


class Teacher:
    """Keeps the embedded runner's learner and relevance models in step with the stored
    decisions: :meth:`replay` at start, then :meth:`apply` what :meth:`read_new` finds. Each
    decision is learned once: by id, the watermark being the highest learned, and ``lookback``
    ids below it read again in case one committed late (PostgreSQL hands ids out before commit)."""

    def __init__(self, store: Store, learner: FeedbackLearner,
                 understanding: Understanding | None, queue: OpportunityQueue | None = None,
                 lookback: int = 100) -> None:
        self.store = store
        self.learner = learner
        self.understanding = understanding
        self.queue = queue
        self.lookback = lookback
        self.last_id = 0
        self._recent: set[int] = set()  # ids learned within the lookback
        self.unreadable: set[int] = set()  # ids of decisions skipped: body not an opportunity

    def replay(self) -> int:
        """Learn every stored decision (the weights step through all of them in order; the
        relevance models are rebuilt from each brand's most recent ones). Returns how many."""
        decisions = read_decisions(self.store, after_id=self.last_id, unreadable=self.unreadable)
        for d in decisions:
            self.learner.update(d.opportunity, d.action)
        if self.understanding is not None:
            rebuild_relevance(self.understanding, decisions)
        self._mark(d.id for d in decisions)
        return len(decisions)

    def read_new(self, timeout: float | None = 2.0) -> list[StoredDecision]:
        """Decisions stored since the last learned, and the ``lookback`` ids below it (a read
        only: safe from another thread)."""
        return read_decisions(self.store, after_id=max(0, self.last_id - self.lookback),
                              timeout=timeout, unreadable=self.unreadable)

    def apply(self, decisions: Sequence[StoredDecision]) -> int:
        """Learn the decisions not learned yet; each decided opportunity leaves the queue."""
        fresh = [d for d in decisions
                 if d.id not in self._recent and d.id > self.last_id - self.lookback]
        for d in fresh:
            if self.queue is not None and d.opportunity.id in self.queue:
                self.queue.resolve(d.opportunity.id, d.action)
            learn(self.learner, self.understanding, d.opportunity, d.action)
        self._mark(d.id for d in fresh)
        return len(fresh)

    def _mark(self, ids: Iterable[int]) -> None:
        self._recent.update(ids)
        self.last_id = max(self._recent, default=self.last_id)
        floor = self.last_id - self.lookback
        self._recent = {i for i in self._recent if i > floor}


__all__ = [
    "StoredDecision",
    "Teacher",
    "learn",
    "opportunity_of",
    "read_decisions",
    "rebuild_relevance",
    "recent_relevance",
    "relevance_lessons",
    "relevance_memory",
]
