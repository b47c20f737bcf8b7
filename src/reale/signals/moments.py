"""Moments across scopes: every post counts toward the whole stream ("*") and toward the brands
it mentions. Whole-stream moments come with a safety read: the "moments a brand could join"; a
moment that is part of a tragic moment's story inherits its avoid (reale.signals.moment_links);
a whole-stream moment made of one watched brand's mentions is that brand's (:func:`owned`): not
one to join, and not raised at all when the brand's scope has already raised its story. A new
moment that reads avoid is one of the names of the avoid moment whose story it is part of
(reale.signals.moment_fold): one tragedy, one alert."""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from reale.clock import Clock
from reale.events import Post
from reale.signals import snapshot
from reale.signals.moment_fold import fold_avoid
from reale.signals.moment_links import MomentLinks
from reale.signals.moment_scope import Example, MomentAlert, MomentConfig, ScopeDetector
from reale.signals.safety import Labeller, SafetyConfig, SafetyRead, safety_read
from reale.signals.terms import terms as post_terms
from reale.signals.thread_gate import thread_of
from reale.signals.windows import event_time

GLOBAL = "*"
LINKS = "\x00links"  # the snapshot's entry for the moments open to a link (no scope's name)
QUIET = "\x00quiet"  # ... and for the brands' whole-stream moments not raised
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
        self.links = MomentLinks(self.safety)
        self._linked_bucket: int | None = None  # the bucket the links were last read in
        # whole-stream moments of a brand whose scope had raised the story: their updates are
        # not raised either (term -> time of the moment)
        self._quiet: OrderedDict[str, float] = OrderedDict()
        self.owned_quiet = 0  # whole-stream moments not raised: their brand's scope had it

    def _scope(self, name: str) -> ScopeDetector:
        s = self._scopes.get(name)
        if s is None:
            s = self._scopes[name] = ScopeDetector(name, self.config)
            while len(self._scopes) > self.config.max_scopes:
                self._scopes.popitem(last=False)
        else:
            self._scopes.move_to_end(name)
        return s

    def scope(self, name: str) -> ScopeDetector | None:
        """The scope ``name`` (a brand, or ``"*"``) if it has counted a post, as it is."""
        return self._scopes.get(name)

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
            raised = scope.update(t, words, example, thread)
            if name == GLOBAL:
                fresh: set[tuple[str, float]] = set()
                raised = self._linked(scope, self._whole_stream(scope, raised, t, fresh), t)
                raised, folded = fold_avoid(raised, fresh, scope.stories, self.safety, t)
                for term in folded:  # part of another moment now: no link re-reads it on its own
                    self.links.moments.pop(term, None)
                for a in raised:
                    scope.stories.keep(a)
            alerts.extend(raised)
        self.recent.extend(alerts)
        return alerts

    def _linked(self, scope: ScopeDetector, alerts: list[MomentAlert],
                t: float) -> list[MomentAlert]:
        """New whole-stream alerts with the read a link gives them, and re-reads of earlier
        moments that are now linked: read when a moment alerts and once per bucket."""
        bucket = int(t // self.config.bucket) if t == t else 0
        if not alerts and bucket == self._linked_bucket:
            return alerts
        self._linked_bucket = bucket
        return self.links.update(alerts, scope.recent_posts, t, names_of=scope.stories.terms_of)

    def _whole_stream(self, scope: ScopeDetector, raised: list[MomentAlert],
                      t: float, fresh: set[tuple[str, float]]) -> list[MomentAlert]:
        """New whole-stream moments with their safety read and their owner (a watched brand
        whose mentions they mostly are), each noted in ``fresh``; updates of a story as they
        come (its moment keeps its reads). A brand's moment is dropped when the brand's scope
        has an open story."""
        out = []
        for a in raised:
            if self._quiet.get(a.term) == a.at:
                continue
            if a.safety is None:
                a = with_safety(scope, a, self.labeller, self.safety)
                brand, n = self._owner(a, t)
                if brand:
                    if self._scopes[brand].stories.open:
                        self._quiet[a.term] = a.at
                        while len(self._quiet) > self.config.max_stories:
                            self._quiet.popitem(last=False)
                        self.owned_quiet += 1
                        scope.stories.keep(owned(a, brand, n))
                        continue
                    a = owned(a, brand, n)
                fresh.add((a.term, a.at))
            out.append(a)
        return out

    def _owner(self, alert: MomentAlert, t: float) -> tuple[str, int]:
        """The watched brand a whole-stream moment belongs to (:func:`owner_of`), from what the
        brand scopes counted of its term in the alert's window and in the long one (a mention
        is counted in its brand's scope just after the whole stream's)."""
        cfg = self.config
        width = math.floor(alert.window_seconds / cfg.bucket) + 1  # as the alert's window
        whole = self._scopes[GLOBAL]
        long = cfg.long_window_buckets
        counted: dict[str, tuple[int, int]] = {}
        for name, s in self._scopes.items():
            if name != GLOBAL and (n := s.recent_count(alert.term, t, long)):
                counted[name] = (s.recent_count(alert.term, t, width), n)
        return owner_of(alert, counted, whole.recent_count(alert.term, t, long),
                        whole.window_posts(alert.term, t, alert.window_seconds), cfg.fold_share)

    def joinable(self, since: float | None = None) -> list[MomentAlert]:
        """Whole-stream moments (newest first), each with its safety read."""
        return self.alerts(GLOBAL, since)

    def alerts(self, scope: str | None = None, since: float | None = None) -> list[MomentAlert]:
        """Recent alerts, newest first; a moment read again (a link) only as its latest read."""
        seen: set[tuple[str, str, float]] = set()
        out = []
        for a in reversed(self.recent):
            key = (a.scope, a.term, a.at)
            if key in seen or (scope is not None and a.scope != scope) or (
                    since is not None and a.at < since):
                continue
            seen.add(key)
            out.append(a)
        return out

    def capture(self) -> Callable[[], dict[str, Any]]:
        """The state as at this instant, built when the returned function is called: on
        another thread, while the stream goes on (what it reads is copied now; the terms'
        rows, most of the work, are built there)."""
        scopes = [(name, s.capture()) for name, s in self._scopes.items()]
        rest = {LINKS: self.links.state(), QUIET: dict(self._quiet)}
        return lambda: {**{name: state() for name, state in scopes}, **rest}

    def snapshot(self) -> bytes:
        return snapshot.pack("moments", self.capture()())

    def restore(self, blob: bytes) -> None:
        self._scopes.clear()
        for name, state in snapshot.unpack("moments", blob).items():
            if name == LINKS:
                self.links.load(state)
            elif name == QUIET:
                self._quiet = OrderedDict((str(k), float(v)) for k, v in state.items())
            else:
                self._scope(name).load(state)


def owner_of(alert: MomentAlert, counted: Mapping[str, tuple[int, int]], total: int,
             posts: Sequence[Sequence[str]], fold_share: float) -> tuple[str, int]:
    """The watched brand a whole-stream moment belongs to, and how many of its posts say so, on
    either runner: ``fold_share`` of the moment's posts in its window are the brand's mentions
    (``counted``: brand -> its scope's posts with the term in the alert's window and in the long
    window; ``total``: the whole stream's in the long window) or name it (``posts``: the terms
    of the moment's posts in its window; its name as a word, or a hashtag that begins with it:
    #MelaFail), and its scope counted some of them; else ("", 0)."""
    best, most = "", 0.0
    for name, (window, long) in counted.items():
        if long <= 0:
            continue
        share = max(window / max(alert.count, 1), long / max(total, 1), _naming(posts, name))
        if share > most:
            best, most = name, share
    if most < fold_share:
        return "", 0
    return best, round(most * alert.count)


def _naming(posts: Sequence[Sequence[str]], brand: str) -> float:
    """The share of ``posts`` (their terms) that name ``brand``: its name as a word (or a
    phrase), or a hashtag beginning with it."""
    if not posts:
        return 0.0
    word = brand.lower()
    tag = "#" + word.replace(" ", "")
    return sum(any(x == word or x.startswith(tag) for x in ts) for ts in posts) / len(posts)


def owned(alert: MomentAlert, brand: str, posts: int) -> MomentAlert:
    """``alert`` as ``brand``'s moment: read avoid (no brand joins a brand's complaint wave or
    campaign, its own or a competitor's), with the reason first."""
    why = (f"{brand}'s own mentions: {min(posts, alert.count)} of its {alert.count} posts "
           f"mention {brand}, a watched brand's wave, not a moment to join")
    own = alert.safety or SafetyRead(verdict="safe", reasons=())
    read = msgspec.structs.replace(own, verdict="avoid", reasons=(why, *own.reasons))
    return msgspec.structs.replace(alert, owner=brand, safety=read)


def with_safety(scope: ScopeDetector, alert: MomentAlert, labeller: Labeller | None = None,
                config: SafetyConfig | None = None) -> MomentAlert:
    """``alert`` with the safety read of its term, co-occurring terms and the posts ``scope``
    keeps for the term (the read every whole-stream moment gets, on either runner)."""
    keywords = [alert.term, *alert.cooccurring]
    read = safety_read(keywords, scope.texts(alert.term), labeller, config)
    return msgspec.structs.replace(alert, safety=read)
