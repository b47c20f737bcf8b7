"""A sink that turns what the stages produce into alerts: opportunities above a score and moments
go to the alert dispatcher's outbox (delivery, retries and rules are the dispatcher's job)."""

from __future__ import annotations

from collections.abc import Sized
from typing import Any, Protocol

from reale.desk.aftermath_rules import BacklashAlert
from reale.desk.opportunity import Opportunity
from reale.events import Mention
from reale.signals.moment_scope import MomentAlert
from reale.web.payloads import post_url


class AlertRaiser(Protocol):
    """What raises alerts: the :class:`reale.alerts.AlertDispatcher` (its own transaction), or
    the Kafka desk's collector (the batch's transaction)."""

    def raise_opportunity_alert(self, opportunity: Any) -> Sized: ...

    def raise_moment_alert(self, moment: Any) -> Sized: ...

    def raise_backlash_alert(self, backlash: Any) -> Sized: ...


class AlertSink:
    """Raises an alert for each opportunity scoring ``min_score`` or more, and each moment."""

    def __init__(self, dispatcher: AlertRaiser, *, min_score: float = 0.6) -> None:
        self.dispatcher = dispatcher
        self.min_score = min_score
        self.raised = 0

    def labels(self, mention: Mention, labels: Any) -> None:
        return None

    def opportunity(self, opp: Opportunity) -> None:
        if opp.score < self.min_score:
            return
        self.raised += len(self.dispatcher.raise_opportunity_alert({
            "id": opp.id, "brand": opp.brand, "score": opp.score, "kind": opp.kind,
            "reasons": list(opp.reasons), "text": opp.text, "author": opp.author_handle,
            "url": post_url(opp.post_uri) or ""}))

    def backlash(self, alert: BacklashAlert, status: Any) -> None:
        ratio = alert.share_after / alert.share_before if alert.share_before else None
        self.raised += len(self.dispatcher.raise_backlash_alert({
            "id": alert.watch_id, "brand": alert.brand, "ratio": ratio,
            "reasons": [alert.message_in("en"), *alert.top_cues],
            "it_reasons": [alert.message_in("it"), *alert.top_cues],
            "posts": [{"text": e.text, "author": e.author} for e in alert.evidence]}))

    def moment(self, alert: MomentAlert) -> None:
        self.raised += len(self.dispatcher.raise_moment_alert({
            "term": alert.term, "brand": "" if alert.scope == "*" else alert.scope,
            # a moment read again through a "same story" link is a new alert: its id says so
            "id": f"{alert.scope}:{alert.term}:{int(alert.at)}" + (
                f":{alert.safety.verdict}" if alert.safety and alert.safety.linked_to else ""),
            "rate": alert.current_per_min, "baseline": max(alert.baseline_per_min, 0.1),
            "safety": alert.safety.verdict if alert.safety else "",
            "linked_to": alert.safety.linked_to if alert.safety else "",
            # a whole-stream moment made of one brand's mentions; the story's later terms (an
            # update of the same moment: its id is unchanged, so the channels drop it)
            "owner": alert.owner, "also": list(alert.also),
            "reasons": list(alert.safety.reasons) if alert.safety else [],
            "examples": [{"text": e.text} for e in alert.examples if getattr(e, "text", "")]}))
