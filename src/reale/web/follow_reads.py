"""The reads of the store follower: for each followed table, the keys stored since a time (newest
first, capped) and the live payloads of chosen keys, shaped as the in-process runner publishes.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from reale.store import Store
from reale.web.marks import Row
from reale.web.payloads import mention_payload
from reale.web.queries import FEED_SELECT, OPP_SELECT, feed_row, moment_row, opportunity_row

log = logging.getLogger("reale.web.follow")
CHUNK = 500  # keys per IN (...) list
READ_TIMEOUT = 2.0  # seconds: a follower's read never holds a connection long
Fetched = list[tuple[Hashable, Any]]  # (key, what to hand to LiveHub.publish)


def bound(t: float) -> float:
    """A finite lower bound for SQL (both backends compare with any float, but keep it plain)."""
    return t if math.isfinite(t) else -1e300


def _rows_where_in(store: Store, select: str, column: str, keys: Sequence[Hashable]
                   ) -> list[tuple[Any, ...]]:
    """``select WHERE column IN (keys)``, asked ``CHUNK`` keys at a time."""
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(keys), CHUNK):
        chunk = tuple(keys[i:i + CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows += store.query(f"{select} WHERE {column} IN ({marks})", chunk, timeout=READ_TIMEOUT)
    return rows


def _decoded(rows: list[tuple[Any, ...]], decode: Callable[[tuple[Any, ...]], Any],
             what: str) -> list[Any]:
    """Rows decoded one by one: a body that no longer decodes is skipped and logged, so one bad
    row cannot stop the feed."""
    out = []
    for r in rows:
        try:
            out.append(decode(r))
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("a stored %s does not decode; skipped", what,
                        extra={"fields": {"error": str(exc)}})
    return out


def fetch_mentions(store: Store, keys: Sequence[Hashable]) -> Fetched:
    """Mentions by ``(brand, post_uri)``, with their labels and opportunity (as the live page's
    first screen shows them)."""
    wanted = set(keys)
    out: Fetched = []
    uris = sorted({k[1] for k in keys})  # type: ignore[index]
    for row in _decoded(_rows_where_in(store, FEED_SELECT, "m.post_uri", uris), feed_row, "mention"):
        key = (row.mention.brand, row.mention.post.uri)
        if key in wanted:
            out.append((key, mention_payload(row.mention, row.labels, row.opportunity)))
    return out


def fetch_opportunities(store: Store, keys: Sequence[Hashable]) -> Fetched:
    found = _rows_where_in(store, OPP_SELECT, "key", keys)
    return [(r.key, r) for r in _decoded(found, opportunity_row, "opportunity")]


def fetch_moments(store: Store, keys: Sequence[Hashable]) -> Fetched:
    found = _rows_where_in(store, "SELECT id, body FROM moments", "id", keys)
    return [(r.id, r) for r in _decoded(found, moment_row, "moment")]


@dataclass(frozen=True)
class Followed:
    """One followed table: the live event kind, how to scan its keys, how to fetch payloads."""

    kind: str
    table: str
    key_columns: tuple[str, ...]
    fetch: Callable[[Store, Sequence[Hashable]], Fetched]

    def scan(self, store: Store, since: float, cap: int) -> list[Row]:
        """Keys and store times of the rows stored at ``since`` or later, newest first."""
        cols = ", ".join(self.key_columns)
        ties = ", ".join(f"{c} DESC" for c in self.key_columns)  # one batch shares one stamp
        found = store.query(f"SELECT {cols}, stored_at FROM {self.table} WHERE stored_at >= ?"
                            f" ORDER BY stored_at DESC, {ties} LIMIT ?", (bound(since), int(cap)),
                            timeout=READ_TIMEOUT)
        one = len(self.key_columns) == 1
        return [(r[0] if one else tuple(r[:-1]), float(r[-1])) for r in found]


FOLLOWED = (
    Followed("mention", "mentions", ("brand", "post_uri"), fetch_mentions),
    Followed("opportunity", "opportunities", ("key",), fetch_opportunities),
    Followed("moment", "moments", ("id",), fetch_moments),
)

__all__ = ["FOLLOWED", "Followed", "fetch_mentions", "fetch_moments", "fetch_opportunities"]
