"""Moments across scopes: every post counts toward the whole stream ("*") and toward the brands
it mentions. Whole-stream moments come with a safety read: the "moments a brand could join"."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Sequence

import msgspec

from reale.clock import Clock
from reale.events import Post
from reale.signals import snapshot
from reale.signals.moment_scope import Example, MomentAlert, MomentConfig, ScopeDetector
from reale.signals.safety import Labeller, SafetyConfig, safety_read
from reale.signals.terms import terms as post_terms
from reale.signals.thread_gate import thread_of
from reale.signals.windows import event_time

GLOBAL = "*"
Extractor = Callable[[str, tuple[str, ...], int], list[str]]  # (text, hashtags, limit) -> terms


class MomentDetector:
    def __init__(self, config: MomentConfig, clock: Clock, labeller: Labeller | None = None,
                 safety: SafetyConfig | None = None, max_alerts: int = 200,
                 extractor: Extractor = post_terms) -> None:
        self.config = config
        self.extractor = extractor
        self._clock = clock
        self.labeller = labeller
        self.safety = safety or SafetyConfig()
        self._scopes: OrderedDict[str, ScopeDetector] = OrderedDict()
        self.recent: deque[MomentAlert] = deque(maxlen=max_alerts)
        self.skipped = 0  # posts with no usable text

    def _scope(self, name: str) -> ScopeDetector:
        s = self._scopes.get(name)
        if s is None:
            s = self._scopes[name] = ScopeDetector(name, self.config)
            while len(self._scopes) > self.config.max_scopes:
                self._scopes.popitem(last=False)
        else:
            self._scopes.move_to_end(name)
        return s

    def update(self, post: Post, scopes: Sequence[str] = (GLOBAL,)) -> list[MomentAlert]:
        """Count ``post`` in each scope (brand names, or ``"*"``); returns new alerts."""
        words = self.extractor(post.text, post.hashtags, self.config.max_terms_per_post)
        if not words:
            self.skipped += 1
            return []
        t = event_time(post.created_at, self._clock.now())
        example = Example(post.uri, post.text[:280])
        alerts: list[MomentAlert] = []
        thread = thread_of(post)
        for name in scopes:
            scope = self._scope(name)
            for alert in scope.update(t, words, example, thread):
                if name == GLOBAL:
                    alert = self._with_safety(scope, alert)
                alerts.append(alert)
        self.recent.extend(alerts)
        return alerts

    def _with_safety(self, scope: ScopeDetector, alert: MomentAlert) -> MomentAlert:
        return with_safety(scope, alert, self.labeller, self.safety)

    def joinable(self, since: float | None = None) -> list[MomentAlert]:
        """Whole-stream moments (newest first), each with its safety read."""
        return [a for a in reversed(self.recent)
                if a.scope == GLOBAL and (since is None or a.at >= since)]

    def alerts(self, scope: str | None = None, since: float | None = None) -> list[MomentAlert]:
        return [a for a in reversed(self.recent)
                if (scope is None or a.scope == scope) and (since is None or a.at >= since)]

    def snapshot(self) -> bytes:
        return snapshot.pack("moments", {name: s.state() for name, s in self._scopes.items()})

    def restore(self, blob: bytes) -> None:
        self._scopes.clear()
        for name, state in snapshot.unpack("moments", blob).items():
            self._scope(name).load(state)


def with_safety(scope: ScopeDetector, alert: MomentAlert, labeller: Labeller | None = None,
                config: SafetyConfig | None = None) -> MomentAlert:
    """``alert`` with the safety read of its term, co-occurring terms and the posts ``scope``
    keeps for the term (the read every whole-stream moment gets, on either runner)."""
    keywords = [alert.term, *alert.cooccurring]
    read = safety_read(keywords, scope.texts(alert.term), labeller, config)
    return msgspec.structs.replace(alert, safety=read)
