"""Which rollup buckets a write changes: each mention written, and each mention whose labels
change, appends a mark (``rollup_touches``) for its brand's post hour and post day inside the
writing transaction, so the brand pages' rollups (reale.web.rollup) know exactly what to recount.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from reale.store.tx import Tx

HOUR, DAY = 3600.0, 86_400.0
# (kind, width): the hours behind brand_hours, the days behind brand_author_days
KINDS = (("h", HOUR), ("d", DAY))
Key = tuple[str, str, int]  # (brand, kind, bucket)
# Post times beyond about the year 128,000 (either way) are counted in the bucket of this bound
# (a hostile post's time must not overflow a BIGINT; migration 0016 clamps the same way).
LIMIT = 4e12
_CHUNK = 300  # marks per INSERT statement (900 parameters)


def bucket_of(t: float, width: float) -> int:
    """The bucket ``b`` with ``b * width <= t < (b + 1) * width``, exact in floating point (the
    rollups read bucket ``b`` as that range of ``post_at``).

    >>> bucket_of(7199.9, 3600.0), bucket_of(7200.0, 3600.0), bucket_of(-1.0, 3600.0)
    (1, 2, -1)
    """
    if not math.isfinite(t):
        return 0
    t = max(-LIMIT, min(t, LIMIT))
    b = math.floor(t / width)
    if t < b * width:
        return b - 1
    if t >= (b + 1) * width:
        return b + 1
    return b


def keys_of(mentions: Iterable[tuple[str, float]], kinds: Sequence[tuple[str, float]] = KINDS
            ) -> list[Key]:
    """The buckets of ``(brand, post_at)`` pairs, one key per mention and kind."""
    return [(brand, kind, bucket_of(at, width)) for brand, at in mentions for kind, width in kinds]


def touch(tx: Tx, keys: Iterable[Key]) -> int:
    """Mark each distinct bucket of ``keys`` once: append a row to ``rollup_touches`` (no unique
    key, so writers of one bucket never wait on each other); returns the marks appended."""
    marks = sorted(set(keys))
    for i in range(0, len(marks), _CHUNK):
        chunk = marks[i:i + _CHUNK]
        tx.execute("INSERT INTO rollup_touches (brand, kind, bucket) VALUES "
                   + ", ".join(["(?, ?, ?)"] * len(chunk)), tuple(x for k in chunk for x in k))
    return len(marks)


def touch_posts(tx: Tx, uris: Sequence[str]) -> int:
    """Mark the hour of every mention of these posts (their labels changed)."""
    found: list[tuple[str, float]] = []
    for i in range(0, len(uris), 500):
        chunk = tuple(uris[i:i + 500])
        found += [(str(r[0]), float(r[1])) for r in tx.query(
            f"SELECT brand, post_at FROM mentions WHERE post_uri IN ({', '.join('?' * len(chunk))})",
            chunk)]
    return touch(tx, keys_of(found, KINDS[:1]))


__all__ = ["DAY", "HOUR", "KINDS", "bucket_of", "keys_of", "touch", "touch_posts"]
