"""Response-time analytics: first response and time to approval, per kind and per person,
against each kind's target (``[desk.targets]``, minutes). Pure functions over records; the
records come from the desk repository (or, for a baseline, from real customer-care threads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec
import numpy as np

from reale.desk.opportunity_rules import KINDS, ResponseTargets, response_targets_from_config
from reale.desk.repository import DeskRepository

# the queue's defaults (ResponseTargets, seconds), in minutes: one meaning for [desk.targets]
DEFAULT_TARGETS_MIN: dict[str, float] = {k: ResponseTargets().target(k) / 60 for k in KINDS}
TWITTER_EPOCH_MS = 1288834974657


class ResponseRecord(msgspec.Struct, frozen=True, kw_only=True):
    """The timeline of one reply (times in epoch seconds; None when it did not happen)."""

    reply_id: str
    kind: str
    brand: str = ""
    drafted_by: str = ""
    approved_by: str = ""
    post_at: float | None = None
    drafted_at: float | None = None
    submitted_at: float | None = None
    approved_at: float | None = None
    published_at: float | None = None

    @property
    def first_response(self) -> float | None:
        if self.post_at is None or self.published_at is None:
            return None
        return max(0.0, self.published_at - self.post_at)

    @property
    def time_to_approval(self) -> float | None:
        start = self.submitted_at if self.submitted_at is not None else self.drafted_at
        if start is None or self.approved_at is None:
            return None
        return max(0.0, self.approved_at - start)


class Stat(msgspec.Struct, frozen=True, kw_only=True):
    """Summary of durations in seconds; ``within_target`` is the share at or under the target."""

    n: int
    median_s: float | None = None
    p90_s: float | None = None
    target_s: float | None = None
    within_target: float | None = None


class ResponseReport(msgspec.Struct, frozen=True, kw_only=True):
    overall: Stat
    approval: Stat
    by_kind: dict[str, dict[str, Stat]]  # kind -> {"first_response", "approval"}
    by_person: dict[str, dict[str, Stat]]  # person -> {"first_response" (drafted), "approval" (approved)}


def response_targets(extra: Mapping[str, Any]) -> dict[str, float]:
    """Per-kind first-response targets in minutes, from ``[desk.targets]``: the queue's own
    section, in seconds (docs/desk.md), so a target means the same to both."""
    t = response_targets_from_config(dict(extra))
    return {k: t.target(k) / 60 for k in KINDS}


def summarize(durations: Sequence[float], target_s: float | None = None) -> Stat:
    """Median, 90th percentile and the share within target of some durations (seconds)."""
    if not durations:
        return Stat(n=0, target_s=target_s)
    arr = np.asarray(durations, dtype=np.float64)
    within = float(np.mean(arr <= target_s)) if target_s is not None else None
    return Stat(n=len(arr), median_s=float(np.median(arr)), p90_s=float(np.percentile(arr, 90)),
                target_s=target_s, within_target=within)


def response_report(records: Iterable[ResponseRecord],
                    targets_min: Mapping[str, float] | None = None) -> ResponseReport:
    """First response and time to approval, overall, per kind and per person."""
    targets = {k: v * 60 for k, v in (targets_min or DEFAULT_TARGETS_MIN).items()}
    recs = list(records)
    first: dict[str, list[float]] = defaultdict(list)
    appr: dict[str, list[float]] = defaultdict(list)
    by_drafter: dict[str, list[float]] = defaultdict(list)
    by_approver: dict[str, list[float]] = defaultdict(list)
    met = []
    for r in recs:
        if (fr := r.first_response) is not None:
            first[r.kind].append(fr)
            by_drafter[r.drafted_by].append(fr)
            if r.kind in targets:
                met.append(fr <= targets[r.kind])
        if (ta := r.time_to_approval) is not None:
            appr[r.kind].append(ta)
            by_approver[r.approved_by].append(ta)
    all_first = [d for v in first.values() for d in v]
    overall = summarize(all_first)
    if met:
        overall = msgspec.structs.replace(overall, within_target=float(np.mean(met)))
    kinds = sorted(set(first) | set(appr) | {r.kind for r in recs})
    people = sorted((set(by_drafter) | set(by_approver)) - {""})
    return ResponseReport(
        overall=overall,
        approval=summarize([d for v in appr.values() for d in v]),
        by_kind={k: {"first_response": summarize(first[k], targets.get(k)),
                     "approval": summarize(appr[k])} for k in kinds},
        by_person={p: {"first_response": summarize(by_drafter[p]),
                       "approval": summarize(by_approver[p])} for p in people},
    )


def records_from_repository(repo: DeskRepository, *, brand: str | None = None,
                            limit: int = 10_000) -> list[ResponseRecord]:
    """Rebuild each reply's timeline from its recorded decisions."""
    out = []
    for reply in repo.replies(brand=brand, limit=limit):
        times: dict[str, float] = {}
        approver = ""
        for d in repo.decisions(reply.id):
            if d.action in ("approve", "approve_and_send"):
                approver = d.actor
                times["approved"] = d.at
            elif d.action in ("submit", "publish", "draft"):
                times.setdefault(d.action, d.at)
        out.append(ResponseRecord(
            reply_id=reply.id, kind=reply.kind, brand=reply.brand, drafted_by=reply.created_by,
            approved_by=approver, post_at=reply.post_created_at, drafted_at=times.get("draft"),
            submitted_at=times.get("submit"), approved_at=times.get("approved"),
            published_at=times.get("publish")))
    return out


def snowflake_time(tweet_id: int | str) -> float:
    """When a tweet was posted (epoch seconds), read from its snowflake id."""
    return ((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000.0


__all__ = ["DEFAULT_TARGETS_MIN", "ResponseRecord", "ResponseReport", "Stat",
           "records_from_repository", "response_report", "response_targets", "snowflake_time",
           "summarize"]
