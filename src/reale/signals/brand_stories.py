"""A brand scope's stories as another process sees them: when each opened, when it was last
joined, and when it closed. The Kafka runner's ``moments`` role cannot see the brand scopes (they
live on the brand stage), so the brand stage publishes these and the merge stage reads them
before raising a whole-stream moment that is the brand's own wave: not raised while the brand's
scope has the story already, as :class:`reale.signals.moments.MomentDetector` does. Pure."""

from __future__ import annotations

import msgspec

from reale.errors import DecodeError
from reale.signals.moment_scope import ScopeDetector


class StoryMark(msgspec.Struct, frozen=True, array_like=True):
    head: str  # the story's head term
    opened: float  # its moment's time
    seen: float  # when it alerted or a term last joined it
    closed: float | None = None  # the time of the scope's roll that closed it (None: open)


class BrandStories(msgspec.Struct, frozen=True, array_like=True):
    """The open stories of one brand's scope, and those closed within the last cool-down."""

    brand: str
    until: float  # the start of the bucket the scope had reached (its latest mention's)
    stories: tuple[StoryMark, ...] = ()


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(BrandStories)


def encode_stories(s: BrandStories) -> bytes:
    return _enc.encode(s)


def decode_stories(raw: bytes) -> BrandStories:
    try:
        return _dec.decode(raw)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        raise DecodeError(f"a brand's stories could not be decoded: {exc}") from exc


def marks_of(brand: str, scope: ScopeDetector, before: BrandStories | None) -> BrandStories:
    """``scope``'s stories now: the open ones, and those of ``before`` (the last published)
    that are gone, closed at the scope's current bucket (a scope closes stories when it rolls
    to a bucket), kept for a cool-down after they closed."""
    cfg = scope.config
    until = (scope.cur if scope.cur is not None else 0) * cfg.bucket
    now = {h: StoryMark(h, s.alert.at, s.seen) for h, s in scope.stories.open.items()}
    marks = list(now.values())
    for m in before.stories if before is not None else ():
        still = now.get(m.head)
        if still is not None and still.opened == m.opened:
            continue
        closed = until if m.closed is None else m.closed
        if until - closed < cfg.cooldown:
            marks.append(msgspec.structs.replace(m, closed=closed))
    return BrandStories(brand, until, tuple(sorted(marks, key=lambda m: (m.opened, m.head))))


def open_at(stories: BrandStories, start: float, cooldown: float) -> bool:
    """Had the brand's scope, as the embedded detector asks it when a whole-stream moment rises
    in the bucket starting at ``start``, an open story raised in an earlier bucket? A story still
    open in a row older than that bucket (no mention of the brand since) is taken as closed
    once ``cooldown`` has passed since it was last joined, as the scope's next roll would close
    it (unless its head still bursts: then the brand has mentions, and a newer row)."""
    for m in stories.stories:
        if m.opened >= start:
            continue
        if m.closed is not None:
            if m.closed > start:
                return True
        elif stories.until >= start or start - m.seen < cooldown:
            return True
    return False
