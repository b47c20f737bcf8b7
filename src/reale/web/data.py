"""What the runner writes so the web desk can show it: opportunities with their signals, moments,
understanding labels and aftermath (tables of migration 0003). Every write is idempotent by its
natural key, and each kind can also go through the store's single writer (:func:`register_writers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from reale.desk.aftermath import AftermathStatus
from reale.desk.opportunity import Opportunity
from reale.signals.cascades import CascadeStats
from reale.signals.moment_scope import MomentAlert
from reale.signals.momentum import MomentumReading
from reale.signals.reach import ReachReading
from reale.store import Store, Tx, buckets
from reale.store.deletes import tombstones
from reale.web.copies import erase_copies, without_deleted
from reale.web.deleted import close_deleted, erase_opportunities
from reale.web.expired import expire_copies, expire_opportunities
from reale.web.records import (
    Labels,
    MomentRecord,
    Momentum,
    OpportunityRecord,
    Reach,
    labels_from,
    short_key,
)
from reale.web.rollup import keep_up

_JSON = msgspec.json.Encoder()
CLOSED_FOR = 86_400.0  # a decided conversation stays closed a day (as the desk's queue)

OPP_COLUMNS = ("key", "id", "brand", "kind", "score", "status", "post_uri", "root_uri", "author",
               "text", "lang", "verdict", "created_at", "updated_at", "body", "stored_at")
# A decided opportunity stays decided when its conversation goes on, unless the decision is older
# than closed_for, or it was handled and a complaint now arrives (the answer did not solve it).
_OPP_UPSERT = """ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, score = excluded.score,
 post_uri = excluded.post_uri, author = excluded.author, text = excluded.text,
 lang = excluded.lang, verdict = excluded.verdict, updated_at = excluded.updated_at,
 body = excluded.body, stored_at = excluded.stored_at,
 status = CASE WHEN excluded.status = 'deleted' THEN 'deleted'
   WHEN opportunities.status = 'deleted' AND excluded.post_uri = opportunities.post_uri
     THEN 'deleted'
   WHEN opportunities.status = 'open' THEN 'open'
   WHEN opportunities.decided_at IS NOT NULL AND excluded.updated_at - opportunities.decided_at > {closed}
     THEN 'open'
   WHEN opportunities.status = 'handled' AND excluded.kind = 'complaint'
     AND opportunities.kind <> 'complaint' THEN 'open'
   ELSE opportunities.status END"""


def reach_of(reading: ReachReading | Reach | None, followers: int | None = None) -> Reach | None:
    """The author's reach from the signals stage's reading (or the follower count alone)."""
    if isinstance(reading, Reach):
        return reading
    if reading is not None:
        return Reach(tier=reading.tier, percentile=reading.percentile,
                     followers=reading.followers if reading.followers is not None else followers)
    return Reach(followers=followers) if followers is not None else None


def momentum_of(cascade: CascadeStats | None, reading: MomentumReading | None) -> Momentum | None:
    """The cascade's size and speed, and its predicted final size when momentum has a reading."""
    if cascade is None and reading is None:
        return None
    return Momentum(
        size=cascade.size if cascade is not None else (reading.observed if reading else None),
        velocity_per_min=cascade.velocity_per_min if cascade is not None else None,
        predicted_final=reading.predicted_final if reading is not None else None,
        low=reading.low if reading is not None else None,
        high=reading.high if reading is not None else None,
        gathering_speed=bool(reading and reading.gathering_speed),
        close_share=cascade.close_share if cascade is not None else None,
        close_network=cascade.close_network if cascade is not None else None,
        hashtag_strangers=cascade.hashtag_strangers if cascade is not None else None,
        other_strangers=cascade.other_strangers if cascade is not None else None)


def record_of(opp: Opportunity, *, network: str = "", followers: int | None = None,
              reach: ReachReading | Reach | None = None, cascade: CascadeStats | None = None,
              momentum: MomentumReading | None = None) -> OpportunityRecord:
    """The stored form of a desk :class:`Opportunity` with the signals that explain it (pure)."""
    return OpportunityRecord(
        key=short_key(opp.id), id=opp.id, brand=opp.brand, kind=opp.kind, score=opp.score,
        reasons=opp.reasons, post_uri=opp.post_uri, root_uri=opp.root_uri,
        author_handle=opp.author_handle, text=opp.text, language=opp.language,
        created_at=opp.created_at, updated_at=opp.updated_at, network=network or opp.network,
        obvious_action=opp.obvious_action, realness=opp.realness, relevance=opp.relevance,
        posts=opp.posts, reach=reach_of(reach, followers) or _scored_reach(opp),
        momentum=momentum_of(cascade, momentum), features=dict(opp.features),
        reason_codes=opp.reason_codes, realness_in=dict(opp.realness_in))


def _scored_reach(opp: Opportunity) -> Reach | None:
    """The reach the desk scored the opportunity with (what the signals knew then)."""
    if opp.author_followers is None and opp.reach_percentile is None:
        return None
    pct = opp.reach_percentile
    return Reach(tier=opp.reach_tier, followers=opp.author_followers,
                 percentile=None if pct is None else round(100.0 * pct, 1))


def _opp_row(r: OpportunityRecord, now: float | None) -> tuple[Any, ...]:
    body = msgspec.structs.replace(r, status="open", decided_at=None, decided_by="")
    return (r.key, r.id, r.brand, r.kind, float(r.score), r.status, r.post_uri, r.root_uri,
            r.author_handle, r.text, r.language, r.verdict, float(r.created_at),
            float(r.updated_at), _JSON.encode(body).decode(),
            float(r.updated_at if now is None else now))


def write_opportunities(tx: Tx, records: Sequence[OpportunityRecord],
                        closed_for: float = CLOSED_FOR, now: float | None = None) -> int:
    """Upsert opportunities inside ``tx`` (the store's writer calls this for a batch). ``now``
    stamps ``stored_at``, which a following desk process reads (default: each record's
    ``updated_at``)."""
    latest: dict[str, OpportunityRecord] = {}
    for r in close_deleted(tx, records):
        if r.key not in latest or r.updated_at >= latest[r.key].updated_at:
            latest[r.key] = r
    rows = [_opp_row(r, now) for r in sorted(latest.values(), key=lambda r: r.key)]
    return tx.insert_rows("opportunities", OPP_COLUMNS, rows,
                          _OPP_UPSERT.format(closed=float(closed_for)))


def save_opportunity(store: Store, opp: Opportunity | OpportunityRecord, **signals: Any
                     ) -> OpportunityRecord:
    """Store one opportunity (an upsert: a later reading of the conversation replaces the
    earlier one; a decision taken on it stands). ``signals``: see :func:`record_of`."""
    record = opp if isinstance(opp, OpportunityRecord) else record_of(opp, **signals)
    with store.transaction() as tx:
        write_opportunities(tx, [record], now=store.clock.now())
    return record


# A moment read again with a stricter verdict (a "same story" link, reale.signals.moment_links)
# replaces the stored read; the same alert written again (a retry, a replay after a crash) never
# softens it.
# A stricter read replaces the stored one; so does the same read with more of the moment's story
# (a later term of it in ``also``: the same moment, a longer record).
_STRICTER = ("ON CONFLICT (id) DO UPDATE SET verdict = excluded.verdict, body = excluded.body,"
             " stored_at = excluded.stored_at WHERE (moments.verdict <> 'avoid' AND"
             " excluded.verdict <> moments.verdict AND"
             " (excluded.verdict = 'avoid' OR moments.verdict IN ('safe', ''))) OR"
             " (excluded.verdict = moments.verdict AND"
             " length(excluded.body) > length(moments.body))")


def _strictest(records: Sequence[MomentRecord]) -> list[MomentRecord]:
    """One record per id: its strictest read (the latest among equals)."""
    rank = {"avoid": 2, "caution": 1}
    out: dict[str, MomentRecord] = {}
    for m in records:
        had = out.get(m.id)
        verdict = m.alert.safety.verdict if m.alert.safety else ""
        if had is None or rank.get(verdict, 0) >= rank.get(
                had.alert.safety.verdict if had.alert.safety else "", 0):
            out[m.id] = m
    return list(out.values())


def write_moments(tx: Tx, records: Sequence[MomentRecord], now: float | None = None) -> int:
    """Insert moments by id, once; a stricter safety read of a stored moment replaces its read
    (never a softer one), and so does the same read with later terms of the moment's story.
    ``now`` stamps ``stored_at`` (default: the alert's time). An example whose post was deleted
    already is kept without its text."""
    gone = tombstones(tx, [e.uri for m in records for e in m.alert.examples])
    if gone:
        records = [msgspec.structs.replace(m, alert=without_deleted(m.alert, gone))
                   for m in records]
    rows = [(m.id, m.alert.scope, m.alert.term, float(m.alert.at),
             m.alert.safety.verdict if m.alert.safety else "", float(m.alert.ratio),
             int(m.alert.count), _JSON.encode(m.alert).decode(),
             float(m.alert.at if now is None else now))
            for m in _strictest(records)]
    return tx.insert_rows("moments", ("id", "scope", "term", "at", "verdict", "ratio", "count",
                                      "body", "stored_at"), rows, _STRICTER)


def save_moment(store: Store, alert: MomentAlert) -> MomentRecord:
    """Store a moment alert from the signals stage (idempotent by scope, term and time)."""
    record = MomentRecord.of(alert)
    with store.transaction() as tx:
        write_moments(tx, [record], now=store.clock.now())
    return record


class LabelledPost(msgspec.Struct, frozen=True):
    """A post's labels, as an item for the store's writer."""

    post_uri: str
    labels: Labels
    at: float = 0.0  # when the labels were made


def write_labels(tx: Tx, items: Sequence[LabelledPost], now: float | None = None) -> int:
    """Upsert labels by post; ``now`` stamps ``stored_at`` (default: when they were made), which
    the store follower reads to update a live-feed row it showed before its labels."""
    rows = [(i.post_uri, i.labels.lang, i.labels.sentiment, i.labels.intent, float(i.at),
             _JSON.encode(i.labels).decode(), float(i.at if now is None else now))
            for i in {i.post_uri: i for i in items}.values()]
    changed = tx.insert_rows(
        "labels", ("post_uri", "lang", "sentiment", "intent", "updated_at", "body", "stored_at"),
        rows,
        "ON CONFLICT (post_uri) DO UPDATE SET lang = excluded.lang, sentiment = excluded.sentiment,"
        " intent = excluded.intent, updated_at = excluded.updated_at, body = excluded.body,"
        " stored_at = excluded.stored_at")
    # the rollups recount the hours of these posts' mentions, however late the labels come
    buckets.touch_posts(tx, [r[0] for r in rows])
    return changed


def save_labels(store: Store, labels: Mapping[str, Any]) -> int:
    """Store understanding labels, ``{post_uri: {"lang", "sentiment", "intent", ...}}`` (any
    mapping or Struct per post; a numeric sentiment in [-1, 1] becomes a label)."""
    now = store.clock.now()
    with store.transaction() as tx:
        return write_labels(tx, list(labelled(labels, now)), now=now)


class AftermathRecord(msgspec.Struct, frozen=True):
    opportunity_key: str
    status: AftermathStatus
    updated_at: float


def write_aftermath(tx: Tx, items: Sequence[AftermathRecord]) -> int:
    rows = [(a.opportunity_key, float(a.updated_at), _JSON.encode(a.status).decode())
            for a in {a.opportunity_key: a for a in items}.values()]
    return tx.insert_rows("aftermath", ("opportunity_key", "updated_at", "body"), rows,
                          "ON CONFLICT (opportunity_key) DO UPDATE SET"
                          " updated_at = excluded.updated_at, body = excluded.body")


def save_aftermath(store: Store, opportunity: str, status: AftermathStatus) -> None:
    """Store what the aftermath watch has seen for an opportunity (its id or key)."""
    key = opportunity if "|" not in opportunity else short_key(opportunity)
    with store.transaction() as tx:
        write_aftermath(tx, [AftermathRecord(key, status, store.clock.now())])


def register_writers(store: Store) -> None:
    """Let :class:`reale.store.StoreWriter` take :class:`OpportunityRecord`,
    :class:`MomentRecord`, :class:`LabelledPost` and :class:`AftermathRecord` items.
    Opportunities, moments and labels are stamped with the store's clock when their batch is written
    (``stored_at``, what :class:`reale.web.follow.StoreFollower` follows)."""
    store.register_writer(OpportunityRecord,
                          lambda tx, items: write_opportunities(tx, items, now=store.clock.now()))
    store.register_writer(MomentRecord,
                          lambda tx, items: write_moments(tx, items, now=store.clock.now()))
    store.register_writer(LabelledPost,
                          lambda tx, items: write_labels(tx, items, now=store.clock.now()))
    store.register_writer(AftermathRecord, write_aftermath)
    store.register_eraser(erase_opportunities)
    store.register_eraser(erase_copies)
    store.register_expirer(expire_opportunities)
    store.register_expirer(expire_copies)
    keep_up(store)  # the rollups' marks stay few even where no desk page is ever opened


def labelled(labels: Mapping[str, Any], at: float = 0.0) -> Iterable[LabelledPost]:
    """Writer items from ``{post_uri: labels}``."""
    return (LabelledPost(uri, labels_from(raw), at) for uri, raw in labels.items())


__all__ = [
    "AftermathRecord",
    "LabelledPost",
    "labelled",
    "momentum_of",
    "reach_of",
    "record_of",
    "register_writers",
    "save_aftermath",
    "save_labels",
    "save_moment",
    "save_opportunity",
    "write_aftermath",
    "write_labels",
    "write_moments",
    "write_opportunities",
]
