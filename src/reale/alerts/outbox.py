"""The outbox: every delivery an alert owes, written when the alert is submitted and then moved
through its states by the dispatcher (pending → sent, or → dead after its last try).

Rows of one lane, (brand, channel), go out in id order: only a lane's oldest pending row is ever
due, so an earlier alert that keeps failing holds the later ones back until it is sent or dead.
Every method is one transaction on a :class:`reale.alerts.db.Database` (the store, or SQLite).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal

import msgspec

from reale.alerts.db import Database, TxLike
from reale.alerts.dedup import Earlier, decide
from reale.alerts.digest import build_digest
from reale.alerts.model import Alert, Message, MessageEvent, severity_rank
from reale.alerts.routing import Route
from reale.errors import AlertError

State = Literal["held", "pending", "sent", "dead", "digested"]
STATES: tuple[str, ...] = ("held", "pending", "sent", "dead", "digested")

_COLS = ("id, delivery_id, brand, channel, rule, dedup_key, alert_id, event, state, severity, "
         "score, message, attempts, next_at, created_at, sent_at, last_error")
_DECODE = msgspec.json.Decoder(Message)
_ENCODE = msgspec.json.Encoder()


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """One outbox row."""

    id: int
    delivery_id: str
    brand: str
    channel: str
    rule: str
    dedup_key: str
    alert_id: str
    event: str
    state: str
    severity: int
    score: float | None
    message: Message
    attempts: int
    next_at: float
    created_at: float
    sent_at: float | None
    last_error: str


class Enqueued(msgspec.Struct, frozen=True):
    """What :meth:`Outbox.enqueue` did for one channel."""

    channel: str
    outcome: Literal["queued", "held", "update", "replaced", "duplicate"]
    delivery_id: str = ""


def _row(r: Sequence[Any]) -> Delivery:
    return Delivery(id=int(r[0]), delivery_id=r[1], brand=r[2], channel=r[3], rule=r[4],
                    dedup_key=r[5], alert_id=r[6], event=r[7], state=r[8], severity=int(r[9]),
                    score=None if r[10] is None else float(r[10]), message=_DECODE.decode(r[11]),
                    attempts=int(r[12]), next_at=float(r[13]), created_at=float(r[14]),
                    sent_at=None if r[15] is None else float(r[15]), last_error=r[16])


class Outbox:
    """The durable queue of alert deliveries."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- writing -----------------------------------------------------------------------------
    def enqueue(self, alert: Alert, routes: Sequence[Route], now: float) -> list[Enqueued]:
        """Write one row per route (de-duplicated per channel) in one transaction."""
        with self.db.transaction() as tx:
            return [self._enqueue_one(tx, alert, r, now) for r in routes]

    def _enqueue_one(self, tx: TxLike, alert: Alert, route: Route, now: float) -> Enqueued:
        earlier = [Earlier(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5]) for r in tx.query(
            "SELECT id, alert_id, state, event, severity, score FROM alert_outbox"
            " WHERE channel = ? AND dedup_key = ? AND event <> 'alert.digest' ORDER BY id",
            (route.channel, alert.dedup_key))]
        decision = decide(earlier, alert, route.rule)
        if decision == "duplicate":
            return Enqueued(route.channel, "duplicate")
        if decision == "replace":
            return self._replace_held(tx, earlier, alert, route)
        update = decision == "update"
        sent = msgspec.structs.replace(alert, update_of=earlier[0].alert_id) if update else alert
        message = Message(event="alert.updated" if update else "alert.created", brand=alert.brand,
                          rule=route.rule.name, alert=sent)
        state = "held" if route.hold_until is not None else "pending"
        delivery_id = f"{alert.id}.{route.channel}"
        tx.execute(
            "INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key, alert_id,"
            " event, state, severity, score, message, attempts, next_at, created_at, last_error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '')"
            " ON CONFLICT (delivery_id) DO NOTHING",
            (delivery_id, alert.brand, route.channel, route.rule.name, alert.dedup_key, alert.id,
             message.event, state, severity_rank(alert.severity), alert.score,
             _ENCODE.encode(message).decode(), route.hold_until or now, now))
        outcome: Literal["update", "held", "queued"] = \
            "update" if update else ("held" if state == "held" else "queued")
        return Enqueued(route.channel, outcome, delivery_id)

    def _replace_held(self, tx: TxLike, earlier: list[Earlier], alert: Alert,
                      route: Route) -> Enqueued:
        last = earlier[-1]
        first_id = earlier[0].alert_id if last.event == "alert.updated" else None
        event: MessageEvent = "alert.updated" if first_id else "alert.created"
        message = Message(event=event, brand=alert.brand, rule=route.rule.name,
                          alert=msgspec.structs.replace(alert, update_of=first_id))
        tx.execute("UPDATE alert_outbox SET message = ?, severity = ?, score = ? WHERE id = ?",
                   (_ENCODE.encode(message).decode(), severity_rank(alert.severity),
                    alert.score, last.id))
        return Enqueued(route.channel, "replaced")

    def release_held(self, now: float, max_items: Callable[[str], int]) -> int:
        """Turn held rows that are due into deliveries: one row alone goes as it is, several of
        a (rule, channel, brand) become one digest. Returns the deliveries made pending."""
        with self.db.transaction() as tx:
            rows = [_row(r) for r in tx.query(
                f"SELECT {_COLS} FROM alert_outbox WHERE state = 'held' AND next_at <= ?"
                " ORDER BY id", (now,))]
            groups: dict[tuple[str, str, str], list[Delivery]] = defaultdict(list)
            for row in rows:
                groups[(row.rule, row.channel, row.brand)].append(row)
            for (rule, channel, brand), group in groups.items():
                if len(group) == 1:
                    tx.execute("UPDATE alert_outbox SET state = 'pending', next_at = ? WHERE id = ?",
                               (now, group[0].id))
                else:
                    self._insert_digest(tx, group, rule, channel, brand, max_items(rule), now)
            return len(groups)

    def _insert_digest(self, tx: TxLike, group: list[Delivery], rule: str, channel: str,
                       brand: str, max_items: int, now: float) -> None:
        alerts = [d.message.alert for d in group if d.message.alert is not None]
        message = build_digest(alerts, brand=brand, rule=rule, max_items=max_items)
        ids = f"{group[0].id}-{group[-1].id}"
        tx.execute(
            "INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key, alert_id,"
            " event, state, severity, score, message, attempts, next_at, created_at, last_error)"
            " VALUES (?, ?, ?, ?, ?, '', 'alert.digest', 'pending', ?, ?, ?, 0, ?, ?, '')",
            (f"digest.{channel}.{ids}", brand, channel, rule, f"digest:{rule}:{ids}",
             max(d.severity for d in group), max((d.score or 0.0) for d in group),
             _ENCODE.encode(message).decode(), now, now))
        tx.execute(f"UPDATE alert_outbox SET state = 'digested' WHERE state = 'held' AND id IN "
                   f"({', '.join('?' * len(group))})", [d.id for d in group])

    def mark_sent(self, row_id: int, now: float) -> None:
        with self.db.transaction() as tx:
            tx.execute("UPDATE alert_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,"
                       " last_error = '' WHERE id = ?", (now, row_id))

    def mark_retry(self, row_id: int, error: str, next_at: float) -> None:
        with self.db.transaction() as tx:
            tx.execute("UPDATE alert_outbox SET attempts = attempts + 1, next_at = ?,"
                       " last_error = ? WHERE id = ?", (next_at, error[:1000], row_id))

    def mark_dead(self, row_id: int, error: str, now: float) -> None:
        with self.db.transaction() as tx:
            tx.execute("UPDATE alert_outbox SET state = 'dead', attempts = attempts + 1,"
                       " next_at = ?, last_error = ? WHERE id = ?", (now, error[:1000], row_id))

    def requeue(self, ref: str, now: float) -> Delivery:
        """Send a dead (or pending) delivery again from its first try; ``ref`` is its number or
        its delivery id. It takes its place in its lane by age, ahead of younger alerts."""
        found = self.get(ref)
        if found is None:
            raise AlertError(f"no alert delivery {ref!r}; see `reale alerts --state all`")
        if found.state not in ("dead", "pending"):
            raise AlertError(f"delivery {ref} is {found.state}; only dead or pending ones can be "
                             "requeued")
        with self.db.transaction() as tx:
            tx.execute("UPDATE alert_outbox SET state = 'pending', attempts = 0, next_at = ?,"
                       " last_error = '' WHERE id = ?", (now, found.id))
        return msgspec.structs.replace(found, state="pending", attempts=0, next_at=now, last_error="")

    # -- reading -----------------------------------------------------------------------------
    def due_heads(self, now: float) -> list[Delivery]:
        """The oldest pending row of each lane, where it is due now."""
        rows = self.db.query(
            f"SELECT {_COLS} FROM alert_outbox WHERE id IN (SELECT MIN(id) FROM alert_outbox"
            " WHERE state = 'pending' GROUP BY brand, channel) AND next_at <= ? ORDER BY id", (now,))
        return [_row(r) for r in rows]

    def next_due(self, after: float | None = None) -> float | None:
        """When the next lane head or held row comes due (after ``after``, if given);
        ``None`` when nothing waits."""
        sql = ("SELECT MIN(next_at) FROM alert_outbox WHERE (id IN (SELECT MIN(id) FROM alert_outbox"
               " WHERE state = 'pending' GROUP BY brand, channel) OR state = 'held')")
        rows = self.db.query(sql + " AND next_at > ?", (after,)) if after is not None else \
            self.db.query(sql)
        value = rows[0][0] if rows else None
        return None if value is None else float(value)

    def get(self, ref: str) -> Delivery | None:
        """A row by its number or its delivery id."""
        if ref.isdigit():
            rows = self.db.query(f"SELECT {_COLS} FROM alert_outbox WHERE id = ?", (int(ref),))
        else:
            rows = self.db.query(f"SELECT {_COLS} FROM alert_outbox WHERE delivery_id = ?", (ref,))
        return _row(rows[0]) if rows else None

    def list(self, states: Sequence[str] = ("pending", "held", "dead"), *, brand: str | None = None,
             channel: str | None = None, limit: int = 100) -> list[Delivery]:
        """Rows in the given states, oldest first (what `reale alerts` and the desk show)."""
        bad = [s for s in states if s not in STATES]
        if bad:
            raise AlertError(f"unknown delivery state {bad[0]!r}; states: {', '.join(STATES)}")
        sql = f"SELECT {_COLS} FROM alert_outbox WHERE state IN ({', '.join('?' * len(states))})"
        params: list[Any] = list(states)
        for column, value in (("brand", brand), ("channel", channel)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        rows = self.db.query(sql + " ORDER BY id LIMIT ?", (*params, max(1, limit)))
        return [_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Rows per state (every state present, zero when none)."""
        found = dict(self.db.query("SELECT state, COUNT(*) FROM alert_outbox GROUP BY state"))
        return {s: int(found.get(s, 0)) for s in STATES}


__all__ = ["STATES", "Delivery", "Enqueued", "Outbox", "State"]
