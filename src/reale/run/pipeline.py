"""The stage functions of the flow, composed once at start-up and shared by both runners.

``route`` is the hot path: for a batch of decoded events it returns what must be stored (mentions,
their posts, interactions with tracked posts, every deletion). It is synchronous and does no I/O,
so the embedded runner and the Kafka workers call the very same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import msgspec

from reale.events import Deletion, Interaction, Mention, Post
from reale.run.tracked import TrackedPosts


class MatcherLike(Protocol):
    def match(self, post: Post, *, matched_at: float = 0.0) -> list[Mention]: ...


class Routed(msgspec.Struct):
    """What one batch of events produced for the store and for the later stages."""

    mentions: list[Mention] = msgspec.field(default_factory=list)
    posts: list[Post] = msgspec.field(default_factory=list)
    interactions: list[Interaction] = msgspec.field(default_factory=list)
    deletions: list[Deletion] = msgspec.field(default_factory=list)
    seen: int = 0
    events: Sequence[Post | Interaction | Deletion] = ()  # the whole batch (whole-stream signals)


def _touches(tracked: TrackedPosts, *uris: str | None) -> bool:
    return any(u is not None and u in tracked for u in uris)


def route(events: Sequence[Post | Interaction | Deletion], matcher: MatcherLike,
          tracked: TrackedPosts | None, now: float) -> Routed:
    """Match posts, follow conversations of matched posts, keep interactions with tracked posts.
    Without a tracker (the Kafka matcher's: conversations are followed by their own stage) only
    matched posts are kept, and matching alone sets the pace. Every deletion is kept: the store
    erases its post whenever that is stored, before or after (a tracker forgets)."""
    out = Routed(seen=len(events), events=events)
    for ev in events:
        if isinstance(ev, Post):
            _route_post(ev, matcher, tracked, now, out)
        elif isinstance(ev, Deletion):
            out.deletions.append(ev)
        elif tracked is not None and _touches(tracked, ev.subject, ev.root):
            out.interactions.append(ev)
    return out


def _route_post(post: Post, matcher: MatcherLike, tracked: TrackedPosts | None, now: float,
                out: Routed) -> None:
    if tracked is not None and post.uri in tracked:
        return  # seen already (a repost carries its original again): not a new mention
    mentions = matcher.match(post, matched_at=now)
    if mentions:
        out.mentions.extend(mentions)
    elif tracked is None or not _touches(tracked, post.reply_parent, post.reply_root,
                                         post.quote_of, post.repost_of):
        return
    out.posts.append(post)
    if tracked is not None:
        tracked.update(post.uri)


MatcherRef = Callable[[], MatcherLike]
