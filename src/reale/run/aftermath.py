"""The aftermath stage: once the brand has acted on an opportunity (a reply published through
Reale, or a dry run of one), reactions to the original post and to the reply are counted against
the conversation's baseline; a backlash goes to the sinks (alerts, the web desk's case history)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import msgspec

from reale.clock import Clock
from reale.desk.aftermath import Aftermath, AftermathStatus
from reale.desk.aftermath_rules import BacklashAlert
from reale.desk.opportunity import Opportunity
from reale.desk.records import Publication, Reply
from reale.errors import DeskError
from reale.events import Deletion, Interaction, Mention, Post
from reale.run.pipeline import Routed
from reale.signals.moment_scope import MomentAlert
from reale.store import Store

log = logging.getLogger("reale.run")


class BacklashSink(Protocol):
    def backlash(self, alert: BacklashAlert, status: Any) -> None: ...


def _record(sink: BacklashSink, status: AftermathStatus) -> None:
    """Hand a changed watch to a sink that keeps them (the web desk's), without an alert."""
    keep = getattr(sink, "aftermath", None)
    if keep is not None:
        keep(status)


class AftermathStage:
    """Watches every opportunity's conversation from the start (the baseline), learns of the
    brand's acts from the publication log, and feeds every event to the watches."""

    def __init__(self, clock: Clock, store: Store, sinks: Sequence[BacklashSink] = (), *,
                 team_language: str = "en", adopt: bool = True) -> None:
        self.aftermath = Aftermath(clock, team_language=team_language)
        self.store = store
        self.sinks = list(sinks)
        self.seen_until = 0.0
        self.acted: set[str] = set()
        # adopt: start a watch for an act on a conversation not watched here (the embedded
        # runner watches everything; a Kafka partition only the conversations keyed to it)
        self.adopt = adopt

    # -- as a sink of the desk: every opportunity's conversation gets a watch ----------------
    def labels(self, mention: Mention, labels: Any) -> None:
        return None

    def moment(self, alert: MomentAlert) -> None:
        return None

    def opportunity(self, opp: Opportunity) -> None:
        self.aftermath.watch(brand=opp.brand, original_uri=opp.root_uri or opp.post_uri,
                             original_at=opp.created_at or None)

    # -- as a stage: every event may be a reaction ------------------------------------------
    async def __call__(self, routed: Routed) -> None:
        self.react(routed.events)

    def react(self, events: Sequence[Post | Interaction | Deletion]) -> None:
        """Count each event in the watches it belongs to; backlash goes to the sinks. The
        deletion of a watched original is recorded in its watch (and kept by the sinks)."""
        for ev in events:
            if isinstance(ev, Deletion):
                for status in self.aftermath.deleted(ev):
                    for sink in self.sinks:
                        _record(sink, status)
                continue
            for alert in self.aftermath.update(ev):
                status = self.aftermath.get(alert.watch_id)
                for sink in self.sinks:
                    sink.backlash(alert, status)

    # -- the brand's acts -------------------------------------------------------------------
    def poll_publications(self) -> int:
        """Mark the watches whose reply went out since the last poll; returns how many."""
        rows = self.store.query(
            "SELECT p.body, r.body, p.at FROM desk_publications p JOIN desk_replies r"
            " ON r.id = p.reply_id WHERE p.at > ? ORDER BY p.at", (self.seen_until,))
        marked = 0
        for pub_body, reply_body, at in rows:
            self.seen_until = max(self.seen_until, float(at))
            pub = msgspec.json.decode(pub_body, type=Publication)
            reply = msgspec.json.decode(reply_body, type=Reply)
            marked += self._acted(pub, reply)
        return marked

    def _acted(self, pub: Publication, reply: Reply) -> int:
        if pub.state not in ("sent", "dry_run") or reply.id in self.acted:
            return 0
        original = reply.target.root_uri or reply.target.uri
        watch_id = f"{reply.brand}|{original}"
        if watch_id not in self.aftermath.watches():
            if not self.adopt:
                return 0
            self.aftermath.watch(brand=reply.brand, original_uri=original)
        try:
            self.aftermath.acted(watch_id, pub.remote_uri or f"reale:reply/{reply.id}", pub.at)
        except DeskError:
            log.exception("aftermath: cannot follow reply %s", reply.id)
            return 0
        self.acted.add(reply.id)
        return 1
