"""The demo's running view of the car request's cascade: a line each time it passes a size
milestone, and when it starts gathering speed, so the reader watches it grow as it happens."""

from __future__ import annotations

from typing import Protocol, TextIO

from reale.signals.cascades import CascadeStats
from reale.signals.momentum import MomentumReading

MILESTONES = (5, 10, 25, 50, 100, 150, 200, 300, 500, 1000)


class CascadeSignals(Protocol):
    def cascade(self, uri: str) -> CascadeStats | None: ...
    def momentum(self, uri: str) -> MomentumReading | None: ...


class CascadeWatch:
    """``check()`` after each event: prints the cascade of ``root`` when it has grown past the
    next milestone or has just been flagged as gathering speed."""

    def __init__(self, signals: CascadeSignals, root: str, out: TextIO, label: str) -> None:
        self.signals, self.root, self.out, self.label = signals, root, out, label
        self.next = 0  # index of the next milestone to announce
        self.flagged = False

    def check(self) -> None:
        c = self.signals.cascade(self.root)
        if c is None:
            return
        m = self.signals.momentum(self.root)
        flag = bool(m and m.gathering_speed) and not self.flagged
        grew = self.next < len(MILESTONES) and c.size >= MILESTONES[self.next]
        if not (grew or flag):
            return
        while self.next < len(MILESTONES) and c.size >= MILESTONES[self.next]:
            self.next += 1
        self.flagged = self.flagged or flag
        print("  " + line(self.label, c, m), file=self.out)


def line(label: str, c: CascadeStats, m: MomentumReading | None) -> str:
    """``↗ car request cascade: 52 reshares/replies …, predicted final 640 — gathering speed``."""
    text = (f"↗ {label} cascade: {c.size} reshares/replies, {c.close_network} from the author's "
            f"friends, {c.hashtag_strangers} strangers through a hashtag, "
            f"{c.velocity_per_min:.0f}/min")
    if m is not None:
        text += f"; predicted final {m.predicted_final:.0f}"
        if m.gathering_speed:
            text += " — gathering speed"
    return text
