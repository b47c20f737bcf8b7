"""The "same story" link between whole-stream moments. A town named only in an earthquake's posts
bursts as a moment of its own, and its few posts ("can't reach my parents in Valleverde") carry no
tragic word; it is part of the earthquake all the same, and no brand may join it. A moment inherits
*avoid* from a concurrently alerted moment that reads avoid on its own when its own posts carry
that moment's term (:func:`linked_read`); :class:`MomentLinks` remembers the moments of the link
window and reads them again as the evidence arrives. Pure state, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import msgspec

from reale.signals.lexicons import lexicon
from reale.signals.moment_scope import MomentAlert
from reale.signals.safety import SafetyConfig, SafetyRead

Posts = Sequence[tuple[float, Sequence[str]]]  # (time, terms) of a moment's recent posts
PostsOf = Callable[[str], Posts]  # a moment's term -> its recent posts
NamesOf = Callable[[MomentAlert], Sequence[str]]  # a moment -> the terms of its story


def source_of(alert: MomentAlert) -> bool:
    """Can a moment hand its verdict on? Only a moment that reads avoid *on its own*: an
    inherited avoid is never passed further (a chain of links would walk across the stream),
    nor a brand's own wave's (it is not a tragedy, only no moment to join)."""
    s = alert.safety
    return s is not None and s.verdict == "avoid" and not s.linked_to and not alert.owner


def carries(terms: Sequence[str] | frozenset[str], term: str) -> bool:
    """Does a post with ``terms`` carry ``term`` (a hashtag also as its bare word, and back)?"""
    bare = term[1:] if term.startswith("#") else term
    return term in terms or bare in terms or ("#" + bare) in terms


def tragic_words(terms: Sequence[str]) -> list[str]:
    """The words of ``terms`` (a bigram's words, a hashtag's bare word) that are tragic or violent."""
    words = dict.fromkeys(w.lstrip("#") for t in terms for w in t.split(" "))
    return [w for w in words if w in lexicon("tragic") or w in lexicon("violent")]


class Evidence(NamedTuple):
    """What a moment's recent posts in the window say about one avoid moment."""

    posts: int  # the moment's posts in the window
    carrying: int  # ... that carry the avoid moment's term
    named: int  # ... that carry it beside tragic or violent words
    words: tuple[str, ...]  # those words


def evidence(posts: Posts, source: str, since: float, until: float) -> Evidence:
    """What the posts timed from ``since`` to ``until`` say about the moment ``source``."""
    window = [ts for t, ts in posts if since <= t <= until]
    carrying = [ts for ts in window if carries(ts, source)]
    words: dict[str, None] = {}
    named = 0
    for ts in carrying:
        hits = [w for w in tragic_words(ts) if w != source.lstrip("#")]
        named += bool(hits or tragic_words([source]))
        words.update(dict.fromkeys(hits))
    return Evidence(len(window), len(carrying), named, tuple(words))


def story_terms(alert: MomentAlert) -> Sequence[str]:
    """The terms a moment is known by: its term, then the later terms of its story."""
    return (alert.term, *alert.also)


def _reason(alert: MomentAlert, source: MomentAlert, posts: Posts, now: float,
            cfg: SafetyConfig, names: Sequence[str] = ()) -> tuple[int, str] | None:
    """Why ``alert`` is part of ``source``'s story (and the posts that say so), or None.

    Its burst's posts (a window either side of its alert) must carry ``source``'s term: a word
    that bursts on its own and is later swept up by a tragedy (a filler every crowd writes) is
    not part of it. A term new to the stream (a town nobody named before) has no other story:
    any of its posts in the link window that name it beside the tragedy's term and tragic words
    will do. ``names``: the terms of ``source``'s story (its term first; a word that rose with
    it, "donate" beside #earthquake, says the burst is part of it as well as its term does)."""
    head = f"part of the {source.term} moment (avoid): "
    bare = source.term.lstrip("#")
    for name in dict.fromkeys((source.term, *names)):
        ev = evidence(posts, name, alert.at - alert.window_seconds, alert.at + alert.window_seconds)
        if ev.carrying >= cfg.link_min_posts and ev.carrying >= cfg.link_share * ev.posts:
            return ev.carrying, head + (f"{ev.carrying} of its {ev.posts} posts also say "
                                        f"{name.lstrip('#')}")
    new = alert.baseline_per_min * 60.0 <= cfg.link_new_per_hour
    ev = evidence(posts, source.term, now - cfg.link_window, now)
    if new and ev.named >= cfg.link_named_posts:
        beside = ", ".join((bare, *ev.words)[:5])
        return ev.named, head + (f"a name new to the stream, named in {ev.named} of its "
                                 f"{ev.posts} posts beside {beside}")
    return None


def linked_read(alert: MomentAlert, sources: Sequence[MomentAlert], posts: Posts, now: float,
                config: SafetyConfig | None = None,
                names_of: NamesOf = story_terms) -> SafetyRead | None:
    """The read ``alert`` inherits from the avoid moment whose story it is part of (the source
    whose term most of its posts carry), or None: it has no read, reads avoid already, or no
    source alerted within ``link_window`` of it (and of ``now``) is carried by its posts in the
    window as :class:`SafetyConfig` asks. A link only ever makes a read stricter."""
    cfg = config or SafetyConfig()
    own = alert.safety
    if own is None or own.verdict == "avoid":
        return None
    best: tuple[int, str, MomentAlert] | None = None
    for source in sources:
        if (not source_of(source) or source.term == alert.term
                or abs(source.at - alert.at) > cfg.link_window
                or now - source.at > cfg.link_window):
            continue
        found = _reason(alert, source, posts, now, cfg, names_of(source))
        if found is not None and (best is None or found[0] > best[0]):
            best = (*found, source)
    if best is None:
        return None
    _, reason, source = best
    return msgspec.structs.replace(own, verdict="avoid", reasons=(reason, *own.reasons),
                                   linked_to=source.term)


class MomentLinks:
    """The whole-stream moments alerted in the last ``link_window`` seconds (the latest per
    term), each read again for a link whenever :meth:`update` is called."""

    def __init__(self, config: SafetyConfig | None = None) -> None:
        self.config = config or SafetyConfig()
        self.moments: dict[str, MomentAlert] = {}

    def update(self, alerts: Sequence[MomentAlert], posts_of: PostsOf, now: float,
               others: Sequence[MomentAlert] = (),
               names_of: NamesOf = story_terms) -> list[MomentAlert]:
        """Take the newly alerted moments; returns them, each with the read it inherits, then
        the moments alerted earlier that the evidence now links (the same alert, same time, with
        the stricter read: a re-read). ``others``: avoid moments alerted elsewhere (another
        worker's terms), sources only; ``names_of``: the terms of a source's story."""
        self.forget(now)
        at = {(a.term, a.at): i for i, a in enumerate(alerts)}
        for a in alerts:
            self.moments[a.term] = a
        out = list(alerts)
        sources = [m for m in (*self.moments.values(), *others) if source_of(m)]
        if not sources:
            return out
        for term, a in list(self.moments.items()):
            read = linked_read(a, sources, posts_of(term), now, self.config, names_of)
            if read is None:
                continue
            self.moments[term] = linked = msgspec.structs.replace(a, safety=read)
            i = at.get((a.term, a.at))
            if i is None:
                out.append(linked)
            else:
                out[i] = linked
        return out

    def waiting(self) -> bool:
        """Is any remembered moment still open to a link (not read avoid)?"""
        return any(a.safety is not None and a.safety.verdict != "avoid"
                   for a in self.moments.values())

    def since(self) -> float:
        """The earliest time a source may have alerted and still link a remembered moment."""
        return min((a.at for a in self.moments.values()), default=0.0) - self.config.link_window

    def forget(self, now: float) -> None:
        for term in [t for t, a in self.moments.items() if now - a.at > self.config.link_window]:
            del self.moments[term]

    def state(self) -> list[Any]:
        return [msgspec.to_builtins(a) for a in self.moments.values()]

    def load(self, state: Sequence[Any]) -> None:
        self.moments = {}
        for raw in state:
            a = msgspec.convert(raw, MomentAlert)
            self.moments[a.term] = a
