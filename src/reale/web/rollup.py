"""Rollups behind the brand pages: mentions per brand, hour, sentiment and intent, and per brand,
day and author, built incrementally from closed periods (older than ``lag``) the first time a
page needs them. A chart reads the rollup for closed periods and the raw tables for the rest, so
a month of a busy brand costs a few thousand rows instead of tens of thousands of joins.

Mentions are stamped when they match (times only grow); labels that arrive more than ``lag``
after their mention are left out of the closed hour's counts.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from reale.store import Store, Tx

HOUR, DAY = 3600.0, 86_400.0
LAG = 3600.0


def _floor(t: float, width: float) -> int:
    return math.floor(t / width)


class Rollups:
    """Builds and reads the rollups of one store (safe to share between threads)."""

    def __init__(self, store: Store, lag: float = LAG) -> None:
        self._store = store
        self.lag = lag
        self._lock = threading.Lock()

    # -- building ---------------------------------------------------------------------------
    def _advance(self, name: str, brand: str, width: float, now: float,
                 fill: str) -> int:
        """Roll up every closed period not yet rolled up; returns the mark (first open one)."""
        target = _floor(now - self.lag, width)
        with self._lock, self._store.transaction() as tx:
            found = tx.query_one("SELECT mark FROM rollup_marks WHERE name = ?", (name,))
            mark = int(found[0]) if found else self._first(tx, brand, width, target)
            if mark < target:
                tx.execute(fill.format(bucket=tx.dialect.bucket("m.matched_at")),
                           (float(width), brand, mark * width, target * width))
                mark = target
            tx.execute("INSERT INTO rollup_marks (name, mark) VALUES (?, ?) ON CONFLICT (name)"
                       " DO UPDATE SET mark = excluded.mark", (name, mark))
        return mark

    @staticmethod
    def _first(tx: Tx, brand: str, width: float, target: int) -> int:
        row = tx.query_one("SELECT MIN(matched_at) FROM mentions WHERE brand = ?", (brand,))
        return _floor(float(row[0]), width) if row and row[0] is not None else target

    def hours_mark(self, brand: str, now: float) -> int:
        return self._advance(f"hours:{brand}", brand, HOUR, now, _FILL_HOURS)

    def days_mark(self, brand: str, now: float) -> int:
        return self._advance(f"days:{brand}", brand, DAY, now, _FILL_DAYS)

    # -- reading ----------------------------------------------------------------------------
    def label_series(self, brand: str, column: str, since: float, until: float, bucket: float,
                     now: float) -> dict[str, dict[int, int]]:
        """Mentions per bucket (of ``bucket`` seconds, a multiple of an hour) and per value of
        ``column`` (``sentiment`` or ``intent``); unlabelled mentions are left out."""
        if column not in ("sentiment", "intent"):
            raise ValueError(column)
        split = max(since, min(until, self.hours_mark(brand, now) * HOUR))
        out: dict[str, dict[int, int]] = {}
        rolled = self._store.query(
            f"SELECT hour, {column}, SUM(n) FROM brand_hours WHERE brand = ? AND hour >= ?"
            f" AND hour < ? AND {column} <> '' GROUP BY hour, {column}",
            (brand, _floor(since, HOUR), _floor(split, HOUR)), timeout=2.0)
        for hour, value, n in rolled:
            b = _floor(int(hour) * HOUR, bucket)
            out.setdefault(str(value), {})[b] = out.get(str(value), {}).get(b, 0) + int(n)
        raw = self._store.query(
            f"SELECT {self._store.dialect.bucket('m.matched_at')} AS b, l.{column}, COUNT(*)"
            " FROM mentions m JOIN labels l ON l.post_uri = m.post_uri WHERE m.brand = ?"
            f" AND m.matched_at >= ? AND m.matched_at < ? AND l.{column} <> ''"
            f" GROUP BY b, l.{column}", (float(bucket), brand, split, float(until)), timeout=2.0)
        for b, value, n in raw:
            d = out.setdefault(str(value), {})
            d[int(b)] = d.get(int(b), 0) + int(n)
        return out

    def totals(self, brands: list[str], since: float, until: float, now: float) -> dict[str, int]:
        """Mentions of each brand in ``[since, until)`` (share of voice), from the hourly rollup
        for closed hours and the raw mentions for the rest (``since``/``until`` on hours)."""
        out = {}
        for brand in brands:
            split = max(since, min(until, self.hours_mark(brand, now) * HOUR))
            rolled = self._store.query(
                "SELECT COALESCE(SUM(n), 0) FROM brand_hours WHERE brand = ? AND hour >= ?"
                " AND hour < ?", (brand, _floor(since, HOUR), _floor(split, HOUR)), timeout=2.0)
            raw = self._store.query(
                "SELECT COUNT(*) FROM mentions WHERE brand = ? AND matched_at >= ?"
                " AND matched_at < ?", (brand, split, float(until)), timeout=2.0)
            out[brand] = int(rolled[0][0]) + int(raw[0][0])
        return out

    def top_authors(self, brand: str, since: float, until: float, now: float,
                    limit: int = 10) -> list[tuple[str, str, int]]:
        """``(network, author_id, mentions)`` of the brand's most frequent authors."""
        mark = self.days_mark(brand, now)
        first_day = math.ceil(since / DAY)
        last_day = min(mark, _floor(until, DAY))
        parts: list[tuple[str, tuple[Any, ...]]] = []
        if first_day < last_day:
            parts.append(("SELECT network, author_id, n FROM brand_author_days WHERE brand = ?"
                          " AND day >= ? AND day < ?", (brand, first_day, last_day)))
            spans = [(since, first_day * DAY), (last_day * DAY, until)]
        else:
            spans = [(since, until)]
        for lo, hi in spans:
            if hi > lo:
                parts.append(("SELECT p.network AS network, p.author_id AS author_id, 1 AS n"
                              " FROM mentions m JOIN posts p"
                              " ON p.uri = m.post_uri WHERE m.brand = ? AND m.matched_at >= ?"
                              " AND m.matched_at < ?", (brand, lo, hi)))
        if not parts:
            return []
        sql = ("SELECT network, author_id, SUM(n) AS total FROM ("
               + " UNION ALL ".join(p[0] for p in parts) +
               ") u GROUP BY network, author_id ORDER BY total DESC, author_id LIMIT ?")
        params = tuple(x for p in parts for x in p[1])
        return [(str(r[0]), str(r[1]), int(r[2]))
                for r in self._store.query(sql, (*params, int(limit)), timeout=2.0)]


_FILL_HOURS = """INSERT INTO brand_hours (brand, hour, sentiment, intent, n)
 SELECT m.brand, {bucket} AS h, COALESCE(l.sentiment, ''), COALESCE(l.intent, ''), COUNT(*)
 FROM mentions m LEFT JOIN labels l ON l.post_uri = m.post_uri
 WHERE m.brand = ? AND m.matched_at >= ? AND m.matched_at < ?
 GROUP BY m.brand, h, COALESCE(l.sentiment, ''), COALESCE(l.intent, '')
 ON CONFLICT (brand, hour, sentiment, intent) DO UPDATE SET n = excluded.n"""

_FILL_DAYS = """INSERT INTO brand_author_days (brand, day, network, author_id, n)
 SELECT m.brand, {bucket} AS d, p.network, p.author_id, COUNT(*)
 FROM mentions m JOIN posts p ON p.uri = m.post_uri
 WHERE m.brand = ? AND m.matched_at >= ? AND m.matched_at < ?
 GROUP BY m.brand, d, p.network, p.author_id
 ON CONFLICT (brand, day, network, author_id) DO UPDATE SET n = excluded.n"""


__all__ = ["Rollups"]
