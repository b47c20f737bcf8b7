"""A sink that keeps the web desk up to date: labels, opportunities and moments go to the store
through the single writer (batched, never blocking the loop) and to the live hub."""

from __future__ import annotations

from typing import Any

from reale.desk.aftermath import AftermathStatus
from reale.desk.aftermath_rules import BacklashAlert
from reale.desk.opportunity import Opportunity
from reale.events import Mention
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.store import StoreWriter
from reale.web.data import AftermathRecord, LabelledPost, labelled, record_of
from reale.web.hub import LiveHub
from reale.web.records import MomentRecord, short_key


def _label_fields(labels: Any) -> dict[str, Any]:
    return {"lang": getattr(labels, "language", ""), "sentiment": getattr(labels, "sentiment", ""),
            "intent": getattr(labels, "intent", ""),
            "emotion": getattr(labels, "emotion", ""),
            "complaint": getattr(labels, "complaint", None),
            "offensive": getattr(labels, "offensive", None),  # flagged on the opportunity
            "irony": getattr(labels, "irony", None)}


class DeskStoreSink:
    """Collects records on the loop thread; ``flush()`` hands them to the store writer (or,
    without one, ``take()`` hands them to the caller)."""

    def __init__(self, writer: StoreWriter | None, hub: LiveHub | None, signals: Signals | None,
                 now: Any) -> None:
        self.writer = writer
        self.hub = hub
        self.signals = signals
        self.now = now
        self.pending: list[Any] = []

    def labels(self, mention: Mention, labels: Any) -> None:
        if labels is not None:
            items: list[LabelledPost] = list(labelled({mention.post.uri: _label_fields(labels)},
                                                      self.now()))
            self.pending.extend(items)
        if self.hub is not None:
            self.hub.publish("mention", mention)

    def opportunity(self, opp: Opportunity) -> None:
        extra: dict[str, Any] = {}
        if self.signals is not None:
            root = opp.root_uri or opp.post_uri
            extra = {"cascade": self.signals.cascade(root), "momentum": self.signals.momentum(root)}
        record = record_of(opp, **extra)
        self.pending.append(record)
        if self.hub is not None:
            self.hub.publish("opportunity", record)

    def moment(self, alert: MomentAlert) -> None:
        self.pending.append(MomentRecord.of(alert))
        if self.hub is not None:
            self.hub.publish("moment", alert)

    def backlash(self, alert: BacklashAlert, status: AftermathStatus) -> None:
        self.pending.append(AftermathRecord(short_key(alert.watch_id), status, self.now()))

    def aftermath(self, status: AftermathStatus) -> None:
        """A watch changed without an alert (its original was deleted): keep its state."""
        self.pending.append(AftermathRecord(short_key(status.watch_id), status, self.now()))

    async def __call__(self, routed: Any) -> None:
        """As a stage: hand over what the previous batches produced."""
        await self.flush()

    def take(self) -> list[Any]:
        """The records collected so far (for a caller that writes them itself: the Kafka desk)."""
        items, self.pending = self.pending, []
        return items

    async def flush(self) -> None:
        items = self.take()
        if items and self.writer is not None:
            await self.writer.put_many(items)
