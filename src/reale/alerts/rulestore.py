"""Where the desk's alert-rule edits live: the ``alert_rules`` table (store migration 0009), its
change log ``alert_rule_log``, and the rules' order as admins arranged it (``alert_rule_order``,
0010). :class:`RuleStore` reads and writes them; :class:`LiveRules` gives the rules in force
(config + edits, in that order), re-read from the store every few seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from reale.alerts.config import AlertsConfig, RuleConfig
from reale.alerts.db import Database
from reale.alerts.overlay import Origin, RuleEdit, effective, rule_json
from reale.errors import AlertError, DeskError, RealeError, StoreError

log = logging.getLogger("reale.alerts")
_COLUMNS = "name, origin, rule, disabled, base, updated_by, updated_at"


class LogEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One change of a rule made in the desk: who, when, what (``rule`` as JSON after it)."""

    name: str
    action: str  # added, edited, disabled, enabled, reverted, deleted
    rule: str
    by: str
    at: float


def _edit(row: tuple[Any, ...]) -> RuleEdit:
    name, origin, rule, disabled, base, by, at = row
    parsed = msgspec.json.decode(rule, type=RuleConfig) if rule else None
    return RuleEdit(name=name, origin=origin, rule=parsed, disabled=bool(disabled), base=base,
                    by=by, at=float(at))


def _taken(name: str) -> DeskError:
    return DeskError(f"a rule named {name!r} exists already (another admin may have added it a "
                     "moment ago): reload the page and edit it instead", code="rule.taken",
                     values={"name": repr(name)})


class RuleStore:
    """The desk's edits on a store (any :class:`reale.alerts.db.Database`, migrated)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def edits(self) -> list[RuleEdit]:
        """Every edit, in the order the rules were first touched in the desk."""
        rows = self.db.query(f"SELECT {_COLUMNS} FROM alert_rules ORDER BY position, name")
        return [_edit(r) for r in rows]

    def get(self, name: str) -> RuleEdit | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM alert_rules WHERE name = ?", (name,))
        return _edit(rows[0]) if rows else None

    def put(self, name: str, origin: Origin, rule: RuleConfig | None, *, disabled: bool,
            base: RuleConfig | str | None, by: str, at: float, action: str) -> None:
        """Write (or replace) the edit of rule ``name`` and log the change, in one transaction.
        ``base``: the config rule it edits (or its JSON, kept from an earlier edit)."""
        text = rule_json(rule) if rule else ""
        based = base if isinstance(base, str) else rule_json(base) if base else ""
        with self.db.transaction() as tx:
            old = tx.query("SELECT position FROM alert_rules WHERE name = ?", (name,))
            if old:
                position = int(old[0][0])
                tx.execute("DELETE FROM alert_rules WHERE name = ?", (name,))
            else:
                top = tx.query("SELECT MAX(position) FROM alert_rules")
                position = int(top[0][0] or 0) + 1
            tx.execute(f"INSERT INTO alert_rules ({_COLUMNS}, position) VALUES (?, ?, ?, ?, ?, ?, "
                       "?, ?)", (name, origin, text, int(disabled), based, by, at, position))
            tx.execute("INSERT INTO alert_rule_log (name, action, rule, by_user, at) VALUES "
                       "(?, ?, ?, ?, ?)", (name, action, text, by, at))

    def add(self, name: str, rule: RuleConfig, *, by: str, at: float) -> None:
        """Make a new desk rule ``name``; :class:`DeskError` (a conflict) when the name is taken,
        also when another admin's add of the same name commits first (on PostgreSQL the insert
        then breaks the primary key: the name is read again to tell that from a store failure)."""
        try:
            with self.db.transaction() as tx:
                if tx.query("SELECT 1 FROM alert_rules WHERE name = ?", (name,)):
                    raise _taken(name)
                top = tx.query("SELECT MAX(position) FROM alert_rules")
                tx.execute(f"INSERT INTO alert_rules ({_COLUMNS}, position) VALUES (?, ?, ?, ?, ?, "
                           "?, ?, ?)", (name, "desk", rule_json(rule), 0, "", by, at,
                                        int(top[0][0] or 0) + 1))
                tx.execute("INSERT INTO alert_rule_log (name, action, rule, by_user, at) VALUES "
                           "(?, 'added', ?, ?, ?)", (name, rule_json(rule), by, at))
        except StoreError:
            if self.get(name) is not None:  # someone else's insert of this name won the race
                raise _taken(name) from None
            raise

    def remove(self, name: str, *, by: str, at: float, action: str) -> None:
        """Drop the edit of ``name`` (revert a config rule, delete a desk rule) and log it."""
        with self.db.transaction() as tx:
            if tx.execute("DELETE FROM alert_rules WHERE name = ?", (name,)) != 1:
                raise AlertError(f"the desk has no edit of rule {name!r}")
            if action == "deleted":  # a rule made again later starts at the end, not here
                tx.execute("DELETE FROM alert_rule_order WHERE name = ?", (name,))
            tx.execute("INSERT INTO alert_rule_log (name, action, rule, by_user, at) VALUES "
                       "(?, ?, '', ?, ?)", (name, action, by, at))

    def order(self) -> list[str]:
        """The rule names as an admin arranged them (empty: the default order)."""
        return [r[0] for r in self.db.query("SELECT name FROM alert_rule_order "
                                            "ORDER BY position, name")]

    def reorder(self, names: Sequence[str], *, moved: str, action: str, by: str, at: float
                ) -> None:
        """Keep ``names`` as the rules' order (all of them, first decides) and log that rule
        ``moved`` was moved (``action``: "moved up", "moved down"), in one transaction."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM alert_rule_order")
            for position, name in enumerate(names, start=1):
                tx.execute("INSERT INTO alert_rule_order (name, position) VALUES (?, ?)",
                           (name, position))
            tx.execute("INSERT INTO alert_rule_log (name, action, rule, by_user, at) VALUES "
                       "(?, ?, '', ?, ?)", (moved, action, by, at))

    def history(self, limit: int = 50) -> list[LogEntry]:
        """The latest changes, newest first."""
        rows = self.db.query("SELECT name, action, rule, by_user, at FROM alert_rule_log "
                             "ORDER BY at DESC, id DESC LIMIT ?", (limit,))
        return [LogEntry(name=r[0], action=r[1], rule=r[2], by=r[3], at=float(r[4])) for r in rows]


class LiveRules:
    """The rules in force: ``config`` with the store's edits laid over it, re-read at most every
    ``interval`` seconds (monotonic time) by :meth:`current`. A failed read keeps the last rules."""

    def __init__(self, config: AlertsConfig, rules: RuleStore | None, *, interval: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.base = config
        self.rules = rules
        self.interval = interval
        self._monotonic = monotonic
        self._edits: tuple[list[RuleEdit], list[str]] = ([], [])
        self._config = config
        self._read_at: float | None = None

    def current(self) -> AlertsConfig:
        """The config to route by now (reloading when ``interval`` has passed)."""
        now = self._monotonic()
        if self.rules is not None and (self._read_at is None or now - self._read_at >= self.interval):
            self._read_at = now
            self.reload()
        return self._config

    def reload(self) -> bool:
        """Read the edits now; True when the rules in force changed."""
        if self.rules is None:
            return False
        try:
            edits, order = self.rules.edits(), self.rules.order()
        except RealeError as exc:  # the store briefly down, or not migrated: keep the last rules
            log.warning("cannot read the desk's alert rules, keeping the last ones: %s", exc)
            return False
        if (edits, order) == self._edits:
            return False
        self._edits = (edits, order)
        self._config = effective(self.base, edits, order)
        log.info("alert rules reloaded: %d in force (%d desk edits%s)", len(self._config.rules),
                 len(edits), ", in the desk's order" if order else "")
        return True


__all__ = ["LiveRules", "LogEntry", "RuleStore"]
