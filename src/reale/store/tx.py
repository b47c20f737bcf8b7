"""A transaction handle that speaks the portable dialect: what later parts write their SQL against.

Write queries with ``?`` placeholders (never PostgreSQL's ``?`` JSON operator: use
``jsonb_exists``); :class:`Tx` converts them for the backend it runs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from reale.store.dialect import Dialect

Params = Sequence[Any]


@lru_cache(maxsize=512)
def _convert(dialect: Dialect, sql: str) -> str:
    return dialect.sql(sql)


class Tx:
    """One transaction (or one time-boxed read) on one connection; use it only inside its block."""

    __slots__ = ("_cursor", "dialect")

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self._cursor = cursor
        self.dialect = dialect

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the rows it changed (-1 when the backend cannot tell)."""
        self._cursor.execute(_convert(self.dialect, sql), params)
        return int(self._cursor.rowcount)

    def executemany(self, sql: str, rows: Sequence[Params]) -> int:
        """Run one statement per row in this transaction; returns the rows changed in total."""
        if not rows:
            return 0
        self._cursor.executemany(_convert(self.dialect, sql), rows)
        return max(int(self._cursor.rowcount), 0)

    def query(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Run a SELECT and return its rows as tuples."""
        self._cursor.execute(_convert(self.dialect, sql), params)
        return [tuple(r) for r in self._cursor.fetchall()]

    def query_one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        self._cursor.execute(_convert(self.dialect, sql), params)
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params],
                    conflict: str) -> int:
        """``INSERT INTO table (columns) VALUES … <conflict>`` for many rows; returns rows changed.

        ``conflict`` is the ``ON CONFLICT …`` clause that makes the insert idempotent. Backends
        may load big batches a faster way (PostgreSQL: ``COPY`` into a staging table).
        """
        marks = ", ".join("?" * len(columns))
        return self.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {conflict}", rows)

    def run_script_statement(self, statement: str) -> None:
        """Run one migration statement verbatim (no placeholder conversion)."""
        self._cursor.execute(statement)
