"""Alerts raised on Kafka go to the alerts outbox in the batch's own store transaction: the
brand stage collects them (:class:`AlertCollector`, shaped like the dispatcher's ``raise_*``),
and the registered writer routes them into ``alert_outbox`` with the outbox's own de-duplication.
The source role, which has no batch transaction, enqueues its ``source`` alerts itself
(:class:`OutboxAlerts`).

A batch consumed again after a crash raises the same alerts again; the outbox sees their
de-duplication keys (``opportunity:<id>``, ``moment:<brand>:<scope:term:time>``) and keeps one.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec

from reale.alerts import AlertsConfig
from reale.alerts.emit import AlertFactory
from reale.alerts.model import Alert
from reale.alerts.outbox import Outbox
from reale.alerts.routing import Route, route
from reale.clock import Clock
from reale.store import Store, Tx


class PendingAlert(msgspec.Struct, frozen=True):
    """A store item: an alert with the routes it takes, enqueued when the batch is written."""

    alert: Alert
    routes: tuple[Route, ...]
    at: float


class AlertCollector:
    """Builds and routes alerts like :class:`reale.alerts.AlertDispatcher` and keeps them as
    store items (``items``) instead of writing them itself."""

    def __init__(self, config: AlertsConfig, clock: Clock, rng: random.Random | None = None) -> None:
        self.config = config
        self.clock = clock
        self.factory = AlertFactory(config.desk_url, rng)
        self.items: list[PendingAlert] = []

    def _add(self, alert: Alert) -> list[PendingAlert]:
        now = self.clock.now()
        routes = tuple(route(alert, self.config, now))
        if not routes:
            return []
        item = PendingAlert(alert, routes, now)
        self.items.append(item)
        return [item]

    def raise_opportunity_alert(self, opportunity: Any) -> list[PendingAlert]:
        return self._add(self.factory.opportunity(opportunity, self.clock.now()))

    def raise_moment_alert(self, moment: Any) -> list[PendingAlert]:
        return self._add(self.factory.moment(moment, self.clock.now()))

    def raise_backlash_alert(self, backlash: Any) -> list[PendingAlert]:
        return self._add(self.factory.backlash(backlash, self.clock.now()))

    def raise_sla_alert(self, item: Any) -> list[PendingAlert]:
        return self._add(self.factory.sla(item, self.clock.now()))

    def raise_source_alert(self, source: Any) -> list[PendingAlert]:
        return self._add(self.factory.source(source, self.clock.now()))

    def take(self) -> list[PendingAlert]:
        items, self.items = self.items, []
        return items


class _InTx:
    """The outbox's database, inside a transaction already open (the batch's)."""

    def __init__(self, tx: Tx, dialect: Any) -> None:
        self._tx = tx
        self.dialect = dialect

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        yield self._tx

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._tx.query(sql, params)


def write_alerts(tx: Tx, items: Sequence[PendingAlert], dialect: Any = None) -> int:
    """Enqueue each alert's deliveries (de-duplicated by the outbox); returns the rows written."""
    outbox = Outbox(_InTx(tx, dialect))
    done = 0
    for item in items:
        done += sum(e.outcome != "duplicate"
                    for e in outbox.enqueue(item.alert, list(item.routes), item.at))
    return done


class OutboxAlerts:
    """``raise_source_alert`` for a role with no batch to ride on (the source role): each alert
    is routed by the rules in force (the config's with the desk's edits) and enqueued in its
    own transaction; the stages role's alert delivery sends it."""

    def __init__(self, config: AlertsConfig, store: Store, clock: Clock,
                 rules: Callable[[], AlertsConfig] | None = None) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.rules = rules or (lambda: config)

    def raise_source_alert(self, source: Any) -> int:
        collector = AlertCollector(self.rules(), self.clock)
        collector.raise_source_alert(source)
        items = collector.take()
        if not items:
            return 0
        with self.store.transaction() as tx:
            return write_alerts(tx, items, self.store.dialect)


def register(store: Store) -> None:
    """Teach ``store`` to write :class:`PendingAlert` items in a batch."""
    store.register_writer(PendingAlert, lambda tx, items: write_alerts(tx, items, store.dialect))


__all__ = ["AlertCollector", "OutboxAlerts", "PendingAlert", "register", "write_alerts"]
