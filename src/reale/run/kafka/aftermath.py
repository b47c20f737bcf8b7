"""The aftermath watch on Kafka: one partition's share of the embedded ``AftermathStage``.

The brand stage sends a watch marker for each opportunity's conversation on ``tracked``, keyed by
the conversation's root like its reactions on ``interactions``, so a conversation's watch and its
reactions meet on one worker. The brand's acts come from the publication log in the store, as in
the embedded runner; a partition marks only the watches it holds. A reaction read again after a
rebalance is counted once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import msgspec

from reale.clock import Clock
from reale.events import Deletion, Interaction, Post
from reale.run.aftermath import AftermathStage, BacklashSink
from reale.run.kafka.codec import Watch
from reale.store import Store


class _Saved(msgspec.Struct):
    watches: bytes
    seen_until: float
    acted: list[str]
    counted: list[str]


class Watches:
    """The watches of the conversations keyed to one partition."""

    def __init__(self, clock: Clock, store: Store, *, team_language: str = "en",
                 remember: int = 50_000) -> None:
        self.stage = AftermathStage(clock, store, team_language=team_language, adopt=False)
        self._counted: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    def watch(self, w: Watch) -> None:
        self.stage.aftermath.watch(brand=w.brand, original_uri=w.original_uri,
                                   original_at=w.original_at or None)

    def react(self, event: Post | Interaction | Deletion, sinks: Sequence[BacklashSink]) -> None:
        """Count a reaction in its watches (once, even when read again); backlash to ``sinks``.
        The deletion of a watched original is recorded in its watch (once)."""
        if isinstance(event, Deletion):
            self.stage.sinks = list(sinks)
            self.stage.react([event])
            return
        if not self.stage.aftermath.follows(event) or event.uri in self._counted:
            return
        self._counted[event.uri] = None
        if len(self._counted) > self._remember:
            self._counted.popitem(last=False)
        self.stage.sinks = list(sinks)
        self.stage.react([event])

    def poll(self) -> int:
        """Mark the watches whose reply went out since the last poll."""
        if not self.stage.aftermath.watches():
            return 0
        return self.stage.poll_publications()

    def snapshot(self) -> bytes:
        return msgspec.msgpack.encode(_Saved(self.stage.aftermath.snapshot(),
                                             self.stage.seen_until, sorted(self.stage.acted),
                                             list(self._counted)))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        self.stage.aftermath.restore(saved.watches)
        self.stage.seen_until = saved.seen_until
        self.stage.acted = set(saved.acted)
        self._counted = OrderedDict.fromkeys(saved.counted)
