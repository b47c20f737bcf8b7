"""A scope's open stories: the moments alerted lately, each with the terms that rose after it as
part of the same story ("also named"). A term that joins a story updates that moment (the same
alert, scope, term and time, with a longer ``also``) instead of raising a new one. Pure state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from reale.signals.moment_types import MomentAlert


class Story:
    __slots__ = ("alert", "seen")

    def __init__(self, alert: MomentAlert, seen: float) -> None:
        self.alert = alert  # the moment as last raised (its head term, its reads, ``also``)
        self.seen = seen  # when it alerted or a term last joined it


class Stories:
    """Open stories by head term, and every member term's head. A story stays open for
    ``cooldown`` seconds after its last alert or join, and while ``active(head)`` says its head
    still bursts (checked by :meth:`close`); at most ``max_stories`` (the least recent go)."""

    def __init__(self, cooldown: float, max_stories: int = 64, max_also: int = 12) -> None:
        self.cooldown = cooldown
        self.max_stories = max_stories
        self.max_also = max_also
        self.open: dict[str, Story] = {}
        self.head: dict[str, str] = {}  # member term (the head too) -> head term

    def start(self, alert: MomentAlert, t: float) -> None:
        """A new moment: its term and ``also`` terms are its members."""
        self.open[alert.term] = Story(alert, t)
        for term in (alert.term, *alert.also):
            self.head[term] = alert.term
        while len(self.open) > self.max_stories:
            self._drop(min(self.open, key=lambda h: self.open[h].seen))

    def join(self, head: str, term: str, t: float, name: bool) -> MomentAlert:
        """``term`` is part of ``head``'s story: returns the moment, updated when ``term`` is
        a ``name`` of the story the moment does not show yet (``also`` grows, up to
        ``max_also`` terms); else (a word of the same posts, a term among its co-occurring
        ones, one joining again) it only keeps the story open, and the same moment is
        returned."""
        story = self.open[head]
        story.seen = t
        self.head[term] = head
        a = story.alert
        if (name and term != head and term not in a.also and term not in a.cooccurring
                and len(a.also) < self.max_also):
            story.alert = a = msgspec.structs.replace(a, also=(*a.also, term))
        return a

    def fold(self, term: str, into: str, t: float) -> MomentAlert:
        """``term``'s own story (just started) becomes part of ``into``'s: its members join
        ``into``, and ``term`` is listed in its moment's ``also`` (even when it is among the
        co-occurring terms, up to ``max_also``); returns ``into``'s moment."""
        self.open.pop(term, None)
        for m in [m for m, h in self.head.items() if h == term]:
            self.head[m] = into
        story = self.open[into]
        story.seen = t
        self.head[term] = into
        a = story.alert
        if term != into and term not in a.also and len(a.also) < self.max_also:
            story.alert = a = msgspec.structs.replace(a, also=(*a.also, term))
        return a

    def keep(self, alert: MomentAlert) -> None:
        """Remember ``alert`` as its story's latest version (its safety read, its owner), if it
        is that story's moment (the same term and time)."""
        story = self.open.get(alert.term)
        if story is not None and story.alert.at == alert.at:
            if len(alert.also) < len(story.alert.also):
                alert = msgspec.structs.replace(alert, also=story.alert.also)
            story.alert = alert

    def head_of(self, term: str) -> str | None:
        head = self.head.get(term)
        return head if head is not None and head in self.open else None

    def names(self, head: str) -> list[str]:
        """The names of ``head``'s story: its term, its ``also`` terms, and the hashtags and
        phrases that joined it (the words that joined it are not names)."""
        a = self.open[head].alert
        joined = [m for m, h in self.head.items() if h == head and (" " in m or m[0] == "#")]
        return list(dict.fromkeys((a.term, *a.also, *joined)))

    def terms_of(self, alert: MomentAlert) -> list[str]:
        """Every term of ``alert``'s story while it is open (its names, then the words that
        joined it); its term and ``also`` terms once it has closed."""
        story = self.open.get(alert.term)
        if story is None or story.alert.at != alert.at:
            return [alert.term, *alert.also]
        names = self.names(alert.term)
        return names + [m for m, h in self.head.items() if h == alert.term and m not in names]

    def latest(self) -> str | None:
        """The head of the story most recently alerted or joined."""
        return max(self.open, key=lambda h: self.open[h].seen, default=None)

    def close(self, t: float, active: Callable[[str], bool]) -> None:
        for head in [h for h, s in self.open.items()
                     if t - s.seen >= self.cooldown and not active(h)]:
            self._drop(head)

    def _drop(self, head: str) -> None:
        del self.open[head]
        for m in [m for m, h in self.head.items() if h == head]:
            del self.head[m]

    def state(self) -> list[Any]:
        return [[msgspec.to_builtins(s.alert), s.seen] for s in self.open.values()]

    def load(self, state: Sequence[Any]) -> None:
        self.open, self.head = {}, {}
        for raw, seen in state:
            self.start(msgspec.convert(raw, MomentAlert), float(seen))
