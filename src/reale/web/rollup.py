"""Rollups behind the brand pages: mentions per brand, post hour, sentiment and intent, and per
brand, post day and author, so a month of a busy brand costs a few thousand rows instead of tens
of thousands of joins. Mentions count by their post's time (``post_at``), like reports.

A rollup takes in the mentions *stored* before its watermark (``stored_at``, which only grows)
and adds each to its post's bucket, old or new: a replayed or late post stored today lands in
last week's hour. A read sums the rollup and the mentions stored since the watermark, in one
statement, so counts equal a direct count by post time. The watermark stays ``lag`` behind now;
labels that arrive more than ``lag`` after their mention was stored are left out of the rollup.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from reale.store import Store, Tx

HOUR, DAY = 3600.0, 86_400.0
LAG = 3600.0
# The watermark (an hour number of stored_at) as a scalar of the reading statement itself, so a
# concurrent advance cannot make one statement count a mention twice or not at all.
_MARK = "(SELECT mark * 3600.0 FROM rollup_marks WHERE name = ?)"
Part = tuple[str, tuple[Any, ...]]


def _floor(t: float, width: float) -> int:
    return math.floor(t / width)


def _whole(since: float, until: float, width: float) -> tuple[int, int]:
    """The buckets of ``width`` lying wholly inside ``[since, until)``: ``[first, last)``."""
    return math.ceil(since / width), _floor(until, width)


def _raw_parts(select: str, since: float, until: float, first: int, last: int, width: float,
               mark_name: str, params: tuple[Any, ...]) -> list[Part]:
    """Raw mentions the rollup does not hold: those stored since the watermark inside the whole
    buckets, and every one in the partial buckets at either end. ``select`` ends with a WHERE
    clause that the time conditions extend; ``params`` are its own."""
    if first >= last:
        return [(select + " AND m.post_at >= ? AND m.post_at < ?", (*params, since, until))]
    # (``+m.post_at``: SQLite then searches the few mentions stored since the watermark by
    # (brand, stored_at) instead of every mention posted in the range)
    parts = [(select + f" AND m.stored_at >= {_MARK} AND +m.post_at >= ? AND +m.post_at < ?",
              (*params, mark_name, first * width, last * width))]
    for lo, hi in ((since, first * width), (last * width, until)):
        if hi > lo:
            parts.append((select + " AND m.post_at >= ? AND m.post_at < ?", (*params, lo, hi)))
    return parts


class Rollups:
    """Builds and reads the rollups of one store (safe to share between threads and between
    processes on one database: an advance claims its range before filling it)."""

    def __init__(self, store: Store, lag: float = LAG) -> None:
        self._store = store
        self.lag = lag
        self._lock = threading.Lock()

    # -- building ---------------------------------------------------------------------------
    def _advance(self, name: str, brand: str, now: float, fill: str, width: float) -> None:
        """Add the mentions stored since the watermark and before ``now - lag`` (whole hours)."""
        target = _floor(now - self.lag, HOUR)
        with self._lock, self._store.transaction() as tx:
            found = tx.query_one("SELECT mark FROM rollup_marks WHERE name = ?", (name,))
            if found is None:
                tx.execute("INSERT INTO rollup_marks (name, mark) VALUES (?, ?)"
                           " ON CONFLICT (name) DO NOTHING", (name, self._first(tx, brand, target)))
                found = tx.query_one("SELECT mark FROM rollup_marks WHERE name = ?", (name,))
            mark = int(found[0]) if found else target
            if mark >= target:
                return
            # claim [mark, target) first: of two desks advancing at once, one fills, one skips
            claimed = tx.execute("UPDATE rollup_marks SET mark = ? WHERE name = ? AND mark = ?",
                                 (target, name, mark))
            if claimed == 1:
                tx.execute(fill.format(bucket=tx.dialect.bucket("m.post_at")),
                           (float(width), brand, mark * HOUR, target * HOUR))

    @staticmethod
    def _first(tx: Tx, brand: str, target: int) -> int:
        row = tx.query_one("SELECT MIN(stored_at) FROM mentions WHERE brand = ?", (brand,))
        return min(target, _floor(float(row[0]), HOUR)) if row and row[0] is not None else target

    def advance(self, brand: str, now: float) -> None:
        """Bring both rollups of ``brand`` up to ``now - lag`` (reads do this themselves)."""
        self._advance(f"hours:{brand}", brand, now, _FILL_HOURS, HOUR)
        self._advance(f"days:{brand}", brand, now, _FILL_DAYS, DAY)

    # -- reading ----------------------------------------------------------------------------
    def label_series(self, brand: str, column: str, since: float, until: float, bucket: float,
                     now: float) -> dict[str, dict[int, int]]:
        """Mentions per bucket of post time (``bucket`` seconds, a multiple of an hour) and per
        value of ``column`` (``sentiment`` or ``intent``); unlabelled mentions are left out."""
        if column not in ("sentiment", "intent"):
            raise ValueError(column)
        name = f"hours:{brand}"
        self._advance(name, brand, now, _FILL_HOURS, HOUR)
        first, last = _whole(since, until, HOUR)
        parts: list[Part] = []
        if first < last:
            parts.append((f"SELECT 0, hour, {column}, SUM(n) FROM brand_hours WHERE brand = ?"
                          f" AND hour >= ? AND hour < ? AND {column} <> '' GROUP BY hour, {column}",
                          (brand, first, last)))
        select = (f"SELECT 1, {self._store.dialect.bucket('m.post_at')} AS b, l.{column}, COUNT(*)"
                  " FROM mentions m JOIN labels l ON l.post_uri = m.post_uri"
                  f" WHERE m.brand = ? AND l.{column} <> ''")
        for sql, params in _raw_parts(select, since, until, first, last, HOUR, name,
                                      (float(bucket), brand)):
            parts.append((f"{sql} GROUP BY b, l.{column}", params))
        out: dict[str, dict[int, int]] = {}
        for kind, b, value, n in self._union(parts):
            key = _floor(int(b) * HOUR, bucket) if int(kind) == 0 else int(b)
            d = out.setdefault(str(value), {})
            d[key] = d.get(key, 0) + int(n)
        return out

    def totals(self, brands: list[str], since: float, until: float, now: float) -> dict[str, int]:
        """Mentions of each brand posted in ``[since, until)`` (share of voice)."""
        out = {}
        first, last = _whole(since, until, HOUR)
        for brand in brands:
            name = f"hours:{brand}"
            self._advance(name, brand, now, _FILL_HOURS, HOUR)
            parts: list[Part] = []
            if first < last:
                parts.append(("SELECT SUM(n) FROM brand_hours WHERE brand = ? AND hour >= ?"
                              " AND hour < ?", (brand, first, last)))
            parts += _raw_parts("SELECT COUNT(*) FROM mentions m WHERE m.brand = ?", since,
                                until, first, last, HOUR, name, (brand,))
            out[brand] = sum(int(r[0] or 0) for r in self._union(parts))
        return out

    def top_authors(self, brand: str, since: float, until: float, now: float,
                    limit: int = 10) -> list[tuple[str, str, int]]:
        """``(network, author_id, mentions)`` of the brand's most frequent authors (by the
        mentions posted in ``[since, until)``)."""
        name = f"days:{brand}"
        self._advance(name, brand, now, _FILL_DAYS, DAY)
        first, last = _whole(since, until, DAY)
        parts: list[Part] = []
        if first < last:
            parts.append(("SELECT network, author_id, n FROM brand_author_days WHERE brand = ?"
                          " AND day >= ? AND day < ?", (brand, first, last)))
        parts += _raw_parts("SELECT p.network AS network, p.author_id AS author_id, 1 AS n"
                            " FROM mentions m JOIN posts p ON p.uri = m.post_uri"
                            " WHERE m.brand = ?", since, until, first, last, DAY, name, (brand,))
        sql = ("SELECT network, author_id, SUM(n) AS total FROM ("
               + " UNION ALL ".join(p[0] for p in parts) +
               ") u GROUP BY network, author_id ORDER BY total DESC, author_id LIMIT ?")
        params = tuple(x for p in parts for x in p[1])
        return [(str(r[0]), str(r[1]), int(r[2]))
                for r in self._store.query(sql, (*params, int(limit)), timeout=2.0)]

    def _union(self, parts: list[Part]) -> list[tuple[Any, ...]]:
        sql = " UNION ALL ".join(f"SELECT * FROM ({p[0]}) q{i}" for i, p in enumerate(parts))
        return self._store.query(sql, tuple(x for p in parts for x in p[1]), timeout=2.0)


_FILL_HOURS = """INSERT INTO brand_hours (brand, hour, sentiment, intent, n)
 SELECT m.brand, {bucket} AS h, COALESCE(l.sentiment, ''), COALESCE(l.intent, ''), COUNT(*)
 FROM mentions m LEFT JOIN labels l ON l.post_uri = m.post_uri
 WHERE m.brand = ? AND m.stored_at >= ? AND m.stored_at < ?
 GROUP BY m.brand, h, COALESCE(l.sentiment, ''), COALESCE(l.intent, '')
 ON CONFLICT (brand, hour, sentiment, intent) DO UPDATE SET n = brand_hours.n + excluded.n"""

_FILL_DAYS = """INSERT INTO brand_author_days (brand, day, network, author_id, n)
 SELECT m.brand, {bucket} AS d, p.network, p.author_id, COUNT(*)
 FROM mentions m JOIN posts p ON p.uri = m.post_uri
 WHERE m.brand = ? AND m.stored_at >= ? AND m.stored_at < ?
 GROUP BY m.brand, d, p.network, p.author_id
 ON CONFLICT (brand, day, network, author_id) DO UPDATE SET n = brand_author_days.n + excluded.n"""


__all__ = ["Rollups"]
