"""The desk repository on the Store itself (SQLite or PostgreSQL): the same tables and rows as
:class:`~reale.desk.repository.SqlDeskRepository`, through the store's transactions, so it is safe
to share between threads (the web desk serves requests from a thread pool).
"""

from __future__ import annotations

from typing import Any

import msgspec

from reale.desk import claims
from reale.desk.records import Decision, Publication, Reply
from reale.desk.repository import SqlDeskRepository, _statements, schema_sql
from reale.errors import DeskError, StoreError
from reale.store import Store

_JSON_UPDATE = "UPDATE desk_replies SET state = ?, updated_at = ?, body = ? WHERE id = ? AND state = ?"


def ensure_desk_tables(store: Store) -> None:
    """Create the desk's tables if they are missing (idempotent; ``CREATE … IF NOT EXISTS``)."""
    with store.transaction() as tx:
        for statement in _statements(schema_sql()):
            tx.run_script_statement(statement)


class StoreDeskRepository(SqlDeskRepository):
    """:class:`~reale.desk.repository.DeskRepository` over a :class:`~reale.store.Store`."""

    def __init__(self, store: Store, *, migrate: bool = True) -> None:
        super().__init__(None, paramstyle="qmark")  # the store converts placeholders itself
        self._store = store
        if migrate:
            ensure_desk_tables(store)

    def migrate(self) -> None:
        ensure_desk_tables(self._store)

    def _run(self, *statements: tuple[str, tuple[Any, ...]]) -> list[int]:
        try:
            with self._store.transaction() as tx:
                return [tx.execute(sql, params) for sql, params in statements]
        except (DeskError, StoreError):
            raise
        except Exception as exc:
            raise StoreError(f"desk write failed: {exc}") from exc

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._store.query(sql, params)

    def transition(self, reply: Reply, expected_state: str, decision: Decision) -> None:
        """Write ``reply`` and its decision if the stored state is still ``expected_state``."""
        body = self._body(reply)
        with self._store.transaction() as tx:
            changed = tx.execute(_JSON_UPDATE, (reply.state, reply.updated_at, body, reply.id,
                                                expected_state))
            if changed != 1:
                raise DeskError(f"reply {reply.id} is no longer {expected_state}: reload and retry",
                                code="desk.moved_on", values={
                                    "reply": reply.id, "state": {"key": f"st.{expected_state}"}})
            sql, params = self._decision_insert(decision)
            tx.execute(sql, params)

    def claim_publication(self, reply: Reply, publication: Publication) -> None:
        """Claim the post ``reply`` answers and store ``publication`` in one store transaction."""
        with self._store.transaction() as tx:
            claims.take(tx.execute, tx.query_one, reply, publication)
            tx.execute(*self._publication_upsert(publication))

    def deleted_at(self, uri: str) -> float | None:
        """When the author deleted the post at ``uri`` (None: not deleted, as far as the store
        knows): the store keeps a tombstone per deleted post (docs/deletions.md)."""
        row = self._store.query("SELECT deleted_at FROM deletions WHERE uri = ?", (uri,))
        return float(row[0][0]) if row else None

    @staticmethod
    def _body(reply: Reply) -> str:
        return msgspec.json.encode(reply).decode()


__all__ = ["StoreDeskRepository", "ensure_desk_tables"]
