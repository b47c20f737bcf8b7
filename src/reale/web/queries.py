"""The reads behind the desk's pages: the feed, open opportunities, decisions, moments, labels,
aftermath. Each is one time-boxed query on the store returning typed records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from reale.desk.aftermath import AftermathStatus
from reale.errors import DeskError
from reale.events import Mention, Post
from reale.signals.moment_scope import MomentAlert
from reale.store import Store
from reale.store import rows as store_rows
from reale.web.records import (
    DISMISSALS,
    OPEN,
    Labels,
    MomentRecord,
    OpportunityDecision,
    OpportunityRecord,
)

_OPP = msgspec.json.Decoder(OpportunityRecord)
_LABELS = msgspec.json.Decoder(Labels)
_ALERT = msgspec.json.Decoder(MomentAlert)
_AFTER = msgspec.json.Decoder(AftermathStatus)
OPP_SELECT = "SELECT status, decided_at, decided_by, body FROM opportunities"
# A mention with its post, labels and opportunity (the live feed's rows); add WHERE/ORDER BY.
FEED_SELECT = ("SELECT m.brand, m.query, m.spans, m.matched_at, p.raw, l.body,"
               " o.status, o.decided_at, o.decided_by, o.body FROM mentions m"
               " JOIN posts p ON p.uri = m.post_uri"
               " LEFT JOIN labels l ON l.post_uri = m.post_uri"
               " LEFT JOIN opportunities o ON o.post_uri = m.post_uri AND o.brand = m.brand")


class FeedRow(msgspec.Struct, frozen=True, kw_only=True):
    """One mention as the live feed shows it: the post, its labels, its opportunity if any."""

    mention: Mention
    labels: Labels | None = None
    opportunity: OpportunityRecord | None = None


def opportunity_row(row: tuple[Any, ...]) -> OpportunityRecord:
    """A row of :data:`OPP_SELECT` as an :class:`OpportunityRecord` (status from its columns)."""
    rec = _OPP.decode(row[3])
    return msgspec.structs.replace(rec, status=row[0], decided_at=row[1], decided_by=row[2] or "")


def feed(store: Store, *, brand: str | None = None, lang: str | None = None,
         sentiment: str | None = None, kind: str | None = None, limit: int = 50,
         timeout: float | None = None) -> list[FeedRow]:
    """The newest mentions, optionally of one brand, language, sentiment or kind (an opportunity
    kind, or an intent label)."""
    where, params = ["1 = 1"], []  # type: list[str], list[Any]
    if brand:
        where.append("m.brand = ?")
        params.append(brand)
    if lang:
        where.append("(l.lang = ? OR (COALESCE(l.lang, '') = '' AND p.langs LIKE ?))")
        params += [lang, f'["{lang}"%']
    if sentiment:
        where.append("l.sentiment = ?")
        params.append(sentiment)
    if kind:
        where.append("(o.kind = ? OR l.intent = ?)")
        params += [kind, kind]
    sql = FEED_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY m.matched_at DESC LIMIT ?"
    found = store.query(sql, (*params, int(limit)), timeout=timeout)
    return [feed_row(r) for r in found]


def feed_row(r: tuple[Any, ...]) -> FeedRow:
    """A row of :data:`FEED_SELECT` as a :class:`FeedRow`."""
    return FeedRow(mention=Mention(brand=r[0], query=r[1], spans=store_rows.decode_spans(r[2]),
                                   matched_at=r[3], post=store_rows.decode_post(r[4])),
                   labels=_LABELS.decode(r[5]) if r[5] else None,
                   opportunity=opportunity_row(r[6:10]) if r[9] else None)


def opportunities(store: Store, *, brand: str | None = None, status: str | None = OPEN,
                  since: float | None = None, until: float | None = None, limit: int = 200,
                  timeout: float | None = None) -> list[OpportunityRecord]:
    """Opportunities by score (highest first), open ones by default."""
    where, params = ["1 = 1"], []  # type: list[str], list[Any]
    for clause, value in (("status = ?", status), ("brand = ?", brand),
                          ("created_at >= ?", since), ("created_at < ?", until)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"{OPP_SELECT} WHERE {' AND '.join(where)} ORDER BY score DESC, key LIMIT ?"
    return [opportunity_row(r) for r in store.query(sql, (*params, int(limit)), timeout=timeout)]


def count_open(store: Store, *, brand: str | None = None, before: float | None = None,
               since: float | None = None) -> int:
    """How many opportunities are open (of ``brand``; created before ``before``, since ``since``)."""
    return int(_open_stats(store, brand, before, since)[0] or 0)


def oldest_open(store: Store, *, brand: str | None = None, before: float | None = None
                ) -> float | None:
    """When the oldest open opportunity (of ``brand``, created before ``before``) was created."""
    found = _open_stats(store, brand, before, None)[1]
    return None if found is None else float(found)


def _open_stats(store: Store, brand: str | None, before: float | None,
                since: float | None) -> tuple[Any, Any]:
    where, params = ["status = ?"], [OPEN]  # type: list[str], list[Any]
    for clause, value in (("brand = ?", brand), ("created_at < ?", before),
                          ("created_at >= ?", since)):
        if value is not None:
            where.append(clause)
            params.append(value)
    found = store.query("SELECT COUNT(*), MIN(created_at) FROM opportunities WHERE "
                        f"{' AND '.join(where)}", tuple(params), timeout=2.0)
    return (found[0][0], found[0][1]) if found else (0, None)


def get_opportunity(store: Store, key: str) -> OpportunityRecord | None:
    found = store.query(f"{OPP_SELECT} WHERE key = ?", (key,))
    return opportunity_row(found[0]) if found else None


def decide(store: Store, decision: OpportunityDecision) -> None:
    """Record a team decision on an opportunity and set its status (dismissed or handled). The
    decision keeps the opportunity as it is stored now: what the desk learns from (docs/desk.md)."""
    status = decision.action if decision.action in (*DISMISSALS, "handled") else None
    with store.transaction() as tx:
        tx.execute("INSERT INTO opportunity_decisions (opportunity_key, action, actor, role, at,"
                   " comment, body) VALUES (?, ?, ?, ?, ?, ?, COALESCE((SELECT body FROM"
                   " opportunities WHERE key = ?), ''))",
                   (decision.opportunity_key, decision.action, decision.actor, decision.role,
                    float(decision.at), decision.comment, decision.opportunity_key))
        if status is not None:
            changed = tx.execute("UPDATE opportunities SET status = ?, decided_at = ?,"
                                 " decided_by = ? WHERE key = ?",
                                 (status, float(decision.at), decision.actor,
                                  decision.opportunity_key))
            if changed != 1:
                raise DeskError(f"no opportunity with key {decision.opportunity_key!r}",
                                code="err.no_opportunity",
                                values={"key_": repr(decision.opportunity_key)})


def decisions(store: Store, key: str) -> list[OpportunityDecision]:
    found = store.query("SELECT opportunity_key, action, actor, role, at, comment FROM"
                        " opportunity_decisions WHERE opportunity_key = ? ORDER BY at, id", (key,))
    return [OpportunityDecision(opportunity_key=r[0], action=r[1], actor=r[2], role=r[3],
                                at=float(r[4]), comment=r[5]) for r in found]


def moment_row(row: tuple[Any, ...]) -> MomentRecord:
    """``(id, body)`` of the moments table as a :class:`MomentRecord`."""
    return MomentRecord(id=row[0], alert=_ALERT.decode(row[1]))


def moments(store: Store, *, scope: str | None = None, since: float | None = None,
            limit: int = 100, timeout: float | None = None) -> list[MomentRecord]:
    """Moments newest first; ``scope`` is a brand or ``"*"`` (the whole stream)."""
    where, params = ["1 = 1"], []  # type: list[str], list[Any]
    if scope is not None:
        where.append("scope = ?")
        params.append(scope)
    if since is not None:
        where.append("at >= ?")
        params.append(float(since))
    sql = f"SELECT id, body FROM moments WHERE {' AND '.join(where)} ORDER BY at DESC, id LIMIT ?"
    return [moment_row(r) for r in store.query(sql, (*params, int(limit)), timeout=timeout)]


def get_moment(store: Store, moment_id: str) -> MomentRecord | None:
    found = store.query("SELECT id, body FROM moments WHERE id = ?", (moment_id,))
    return moment_row(found[0]) if found else None


def labels_for(store: Store, uris: Iterable[str]) -> dict[str, Labels]:
    wanted = sorted(set(uris))
    out: dict[str, Labels] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        for uri, body in store.query(f"SELECT post_uri, body FROM labels WHERE post_uri IN ({marks})",
                                     tuple(chunk)):
            out[uri] = _LABELS.decode(body)
    return out


def aftermath_for(store: Store, key: str) -> AftermathStatus | None:
    found = store.query("SELECT body FROM aftermath WHERE opportunity_key = ?", (key,))
    return _AFTER.decode(found[0][0]) if found else None


def recent_posts(store: Store, since: float, limit: int = 5000) -> list[Post]:
    """Stored posts written since ``since``, newest first (for the query preview)."""
    found = store.query("SELECT raw FROM posts WHERE created_at >= ? ORDER BY created_at DESC"
                        " LIMIT ?", (float(since), int(limit)), timeout=2.0)
    return [store_rows.decode_post(r[0]) for r in found]


def label_series(store: Store, brand: str, column: str, since: float, until: float,
                 bucket: float) -> dict[str, dict[int, int]]:
    """Mentions per bucket of post time and per label value (``column``: ``sentiment`` or
    ``intent``)."""
    if column not in ("sentiment", "intent"):
        raise DeskError(f"no label series for {column!r}")
    sql = (f"SELECT {store.dialect.bucket('m.post_at')} AS b, l.{column}, COUNT(*)"
           " FROM mentions m JOIN labels l ON l.post_uri = m.post_uri"
           f" WHERE m.brand = ? AND m.post_at >= ? AND m.post_at < ? AND l.{column} <> ''"
           f" GROUP BY b, l.{column}")
    out: dict[str, dict[int, int]] = {}
    for b, value, n in store.query(sql, (float(bucket), brand, float(since), float(until))):
        out.setdefault(str(value), {})[int(b)] = int(n)
    return out


def mention_totals(store: Store, brands: Sequence[str], since: float, until: float
                   ) -> dict[str, int]:
    """Mentions of each brand posted in ``[since, until)`` (share of voice)."""
    if not brands:
        return {}
    marks = ", ".join("?" * len(brands))
    found = store.query(f"SELECT brand, COUNT(*) FROM mentions WHERE brand IN ({marks})"
                        " AND post_at >= ? AND post_at < ? GROUP BY brand",
                        (*brands, float(since), float(until)))
    got = {str(b): int(n) for b, n in found}
    return {b: got.get(b, 0) for b in brands}


def watch_queries(store: Store, brand: str | None = None) -> list[tuple[int, str, str, str, float]]:
    """Watch-queries added from the desk: ``(id, brand, query, created_by, created_at)``."""
    sql = "SELECT id, brand, query, created_by, created_at FROM watch_queries"
    params: tuple[Any, ...] = ()
    if brand is not None:
        sql, params = sql + " WHERE brand = ?", (brand,)
    return [(int(r[0]), r[1], r[2], r[3], float(r[4]))
            for r in store.query(sql + " ORDER BY brand, id", params)]


__all__ = [
    "FEED_SELECT",
    "OPP_SELECT",
    "FeedRow",
    "aftermath_for",
    "decide",
    "decisions",
    "feed",
    "feed_row",
    "get_moment",
    "get_opportunity",
    "label_series",
    "labels_for",
    "mention_totals",
    "moment_row",
    "moments",
    "opportunities",
    "opportunity_row",
    "recent_posts",
    "watch_queries",
]
