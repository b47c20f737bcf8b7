"""Aftermath: after the brand acts, follow the reactions to its reply and to the original post,
and raise a backlash alert when negative, mocking or accusing reactions rise above the
conversation's own baseline — with the posts that show it. State with ``update``/``get``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import msgspec

from reale.clock import Clock
from reale.desk.aftermath_rules import AftermathParams, BacklashAlert, Evidence, backlash_test
from reale.desk.reactions import Labeller, ReactionLabel, lexicon_labeller
from reale.errors import DeskError
from reale.events import Deletion, Interaction, Post


class Counts(msgspec.Struct, kw_only=True):
    """Reactions and bad reactions in one period."""

    n: int = 0
    bad: int = 0
    accusation: int = 0
    mockery: int = 0
    negative: int = 0

    def add(self, label: ReactionLabel) -> None:
        self.n += 1
        self.bad += label.bad
        self.accusation += label.accusation
        self.mockery += label.mockery
        self.negative += label.negative


class AftermathStatus(msgspec.Struct, kw_only=True):
    """What a watch has seen: before the brand acted (baseline) and since."""

    watch_id: str
    brand: str
    original_uri: str
    action_uri: str | None
    followed_since: float
    acted_at: float | None
    before: Counts
    after: Counts
    alerts: list[BacklashAlert]
    active: bool
    deleted_at: float | None = None  # when the original's author deleted it (after acting: an outcome)


class _Watch:
    __slots__ = ("alerts", "evidence", "recent", "status", "until")

    def __init__(self, status: AftermathStatus, until: float, keep: int) -> None:
        self.status = status
        self.until = until
        self.evidence: deque[Evidence] = deque(maxlen=keep)
        self.recent: deque[tuple[float, bool]] = deque()  # (time, bad) since acting, in the window
        self.alerts = status.alerts


class _SavedWatch(msgspec.Struct, array_like=True):
    status: AftermathStatus
    until: float
    evidence: list[Evidence]
    recent: list[tuple[float, bool]]


def _link(event: Post | Interaction) -> tuple[str | None, ...]:
    if isinstance(event, Post):
        return (event.reply_parent, event.reply_root, event.quote_of)
    if event.kind in ("reply", "quote"):
        return (event.subject, event.root)
    return ()


class Aftermath:
    """Follows the conversations the brand acted in and raises backlash alerts."""

    def __init__(self, clock: Clock, labeller: Labeller = lexicon_labeller,
                 params: AftermathParams | None = None, team_language: str = "en") -> None:
        self._clock = clock
        self._label = labeller
        self.params = params or AftermathParams()
        self._lang = "it" if team_language.lower().startswith("it") else "en"
        self._watches: dict[str, _Watch] = {}
        self._by_uri: dict[str, set[str]] = {}
        self.skipped = 0  # reactions that could not be labelled

    def _index(self, uri: str, watch_id: str) -> None:
        self._by_uri.setdefault(uri, set()).add(watch_id)

    def watch(self, *, brand: str, original_uri: str, original_at: float | None = None,
              action_uri: str | None = None, acted_at: float | None = None,
              history: tuple[Post | Interaction, ...] = ()) -> str:
        """Start following a conversation (from the original post); ``history`` seeds the
        baseline with reactions seen earlier. Returns the watch id."""
        watch_id = f"{brand}|{original_uri}"
        if watch_id not in self._watches:
            now = self._clock.now()
            since = original_at or now
            status = AftermathStatus(watch_id=watch_id, brand=brand, original_uri=original_uri,
                                     action_uri=None, followed_since=since, acted_at=None,
                                     before=Counts(), after=Counts(), alerts=[], active=True)
            self._watches[watch_id] = _Watch(status, now + self.params.follow_for,
                                             self.params.evidence)
            self._index(original_uri, watch_id)
        if action_uri is not None:
            self.acted(watch_id, action_uri, acted_at)
        for event in history:
            self.update(event)
        return watch_id

    def acted(self, watch_id: str, action_uri: str, acted_at: float | None = None) -> None:
        """Record the brand's act: from now on reactions count against the baseline."""
        w = self._watches.get(watch_id)
        if w is None:
            raise DeskError(f"aftermath: no watch {watch_id!r}; call watch() first")
        when = acted_at if acted_at is not None else self._clock.now()
        w.status.action_uri, w.status.acted_at = action_uri, when
        w.until = max(w.until, when + self.params.follow_for)
        self._index(action_uri, watch_id)

    def follows(self, event: Post | Interaction) -> bool:
        """Whether ``event`` reacts to a watched post (the original or the brand's reply)."""
        return any(uri and uri in self._by_uri for uri in _link(event))

    def update(self, event: Post | Interaction) -> list[BacklashAlert]:
        """Count one reaction in every watch it belongs to; return the alerts it raised."""
        ids: set[str] = set()
        for uri in _link(event):
            if uri:
                ids |= self._by_uri.get(uri, set())
        if not ids:
            return []
        text = event.text
        lang = event.langs[0] if isinstance(event, Post) and event.langs else ""
        try:
            label = self._label(text, lang)
        except Exception:  # a labeller is a plug-in: one bad post must not stop the watch
            self.skipped += 1
            return []
        now = self._clock.now()
        when = event.created_at or now
        alerts = []
        for watch_id in sorted(ids):
            alert = self._count(self._watches[watch_id], event, label, when, now)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _count(self, w: _Watch, event: Post | Interaction, label: ReactionLabel, when: float,
               now: float) -> BacklashAlert | None:
        s = w.status
        if now > w.until:
            s.active = False
            return None
        if s.acted_at is None or when < s.acted_at:
            s.before.add(label)
            return None
        s.after.add(label)
        w.recent.append((when, label.bad))
        while w.recent and w.recent[0][0] < when - self.params.window:
            w.recent.popleft()
        if not label.bad:
            return None
        w.evidence.append(Evidence(uri=event.uri, author=event.author.handle, text=event.text[:500],
                                   created_at=when, cues=label.cues, accusation=label.accusation,
                                   mockery=label.mockery, negative=label.negative))
        alert = backlash_test(s, list(w.recent), list(w.evidence), when, self.params, self._lang)
        if alert is None or (w.alerts and not self._worth_repeating(w.alerts[-1], alert)):
            return None
        w.alerts.append(alert)
        return alert

    def _worth_repeating(self, last: BacklashAlert, new: BacklashAlert) -> bool:
        return (new.raised_at - last.raised_at >= self.params.realert_after
                and new.count >= last.count + self.params.min_count)

    def deleted(self, deletion: Deletion) -> list[AftermathStatus]:
        """The author deleted a watched original post: recorded in its watches (the first time
        only); returns the watches it changed."""
        changed = []
        for watch_id in sorted(self._by_uri.get(deletion.uri, ())):
            s = self._watches[watch_id].status
            if s.original_uri == deletion.uri and s.deleted_at is None:
                s.deleted_at = deletion.deleted_at or deletion.received_at or self._clock.now()
                changed.append(s)
        return changed

    def get(self, watch_id: str) -> AftermathStatus:
        """The state of one watch."""
        w = self._watches.get(watch_id)
        if w is None:
            raise DeskError(f"aftermath: no watch {watch_id!r}")
        if self._clock.now() > w.until:
            w.status.active = False
        return w.status

    def watches(self) -> list[str]:
        """Ids of every watch, active or not."""
        return sorted(self._watches)

    def snapshot(self) -> bytes:
        """Every watch as msgpack (for a runner that moves the watches between processes)."""
        return msgspec.msgpack.encode([
            _SavedWatch(w.status, w.until, list(w.evidence), list(w.recent))
            for w in self._watches.values()])

    def restore(self, blob: bytes) -> None:
        """Replace the watches with those of a :meth:`snapshot`."""
        self._watches.clear()
        self._by_uri.clear()
        for saved in msgspec.msgpack.decode(blob, type=list[_SavedWatch]):
            w = _Watch(saved.status, saved.until, self.params.evidence)
            w.evidence.extend(saved.evidence)
            w.recent.extend(saved.recent)
            self._watches[saved.status.watch_id] = w
            self._index(saved.status.original_uri, saved.status.watch_id)
            if saved.status.action_uri:
                self._index(saved.status.action_uri, saved.status.watch_id)

    def stats(self) -> dict[str, Any]:
        return {"watches": len(self._watches), "skipped": self.skipped}


__all__ = ["Aftermath", "AftermathStatus", "Counts"]
