"""Where the desk keeps replies, decisions, publications and the team: a protocol and its SQL
implementation on any DB-API connection (SQLite's ``sqlite3`` or PostgreSQL's ``psycopg``).

The tables come from the store migration ``0002_desk.sql`` through :func:`migrate` (idempotent; the store's migration
system calls it). Each state change and its decision are written in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any, Protocol

import msgspec

from reale.desk import claims
from reale.desk.records import Decision, Member, Publication, Reply
from reale.desk.roles import Role, parse_role
from reale.errors import DeskError, StoreError

_JSON = msgspec.json.Encoder()


DESK_MIGRATIONS = ("0002_desk.sql", "0011_publish_claims.sql")


def schema_sql() -> str:
    """The DDL of the desk's tables, publish claims included (portable SQL)."""
    folder = resources.files("reale.store").joinpath("migrations")
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in DESK_MIGRATIONS)


def _statements(sql: str) -> list[str]:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def migrate(conn: Any) -> None:
    """Create the desk's tables on a DB-API connection if they are missing."""
    cur = conn.cursor()
    try:
        for stmt in _statements(schema_sql()):
            cur.execute(stmt)
        conn.commit()
    except Exception as exc:
        conn.rollback()
        raise StoreError(f"could not create the desk tables: {exc}") from exc


class DeskRepository(Protocol):
    """What the approval workflow and the publishers need from storage."""

    def put_member(self, member: Member) -> None: ...
    def role_of(self, name: str) -> Role | None: ...
    def members(self) -> list[Member]: ...
    def insert_reply(self, reply: Reply, decision: Decision) -> None: ...
    def transition(self, reply: Reply, expected_state: str, decision: Decision) -> None: ...
    def get_reply(self, reply_id: str) -> Reply | None: ...
    def replies(self, *, brand: str | None = None, state: str | None = None,
                limit: int = 500, opportunity_id: str | None = None) -> list[Reply]: ...
    def decisions(self, reply_id: str) -> list[Decision]: ...
    def get_decision(self, decision_id: str) -> Decision | None: ...
    def get_publication(self, reply_id: str) -> Publication | None: ...
    def put_publication(self, publication: Publication) -> None: ...
    def claim_publication(self, reply: Reply, publication: Publication) -> None: ...
    def recent_texts(self, brand: str, limit: int = 200) -> list[str]: ...
    def deleted_at(self, uri: str) -> float | None: ...


def _paramstyle(conn: Any) -> str:
    module = type(conn).__module__.split(".")[0]
    return "format" if module in ("psycopg", "psycopg2") else "qmark"


class SqlDeskRepository:
    """:class:`DeskRepository` on a DB-API connection (one thread; the desk's own process)."""

    def __init__(self, conn: Any, *, paramstyle: str | None = None) -> None:
        self._conn = conn
        self._style = paramstyle or _paramstyle(conn)
        self._deletions = False  # whether the database holds the store's tombstones (found once)

    def migrate(self) -> None:
        migrate(self._conn)

    # -- plumbing -------------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._style == "format" else sql

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor whose writes are committed together, or rolled back on any error (a
        :class:`DeskError` goes on as it is, anything else as a :class:`StoreError`)."""
        cur = self._conn.cursor()
        try:
            yield cur
            self._conn.commit()
        except DeskError:
            self._conn.rollback()
            raise
        except Exception as exc:
            self._conn.rollback()
            raise StoreError(f"desk write failed: {exc}") from exc

    def _run(self, *statements: tuple[str, tuple[Any, ...]]) -> list[int]:
        counts: list[int] = []
        with self._transaction() as cur:
            for sql, params in statements:
                cur.execute(self._sql(sql), params)
                counts.append(cur.rowcount)
        return counts

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self._conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            rows = list(cur.fetchall())
            self._conn.commit()  # end the read transaction (PostgreSQL holds one open otherwise)
        except Exception as exc:
            self._conn.rollback()
            raise StoreError(f"desk read failed: {exc}") from exc
        return rows

    # -- team -----------------------------------------------------------------------------------
    def put_member(self, member: Member) -> None:
        role = parse_role(member.role)
        self._run(("DELETE FROM desk_members WHERE name = ?", (member.name,)),
                  ("INSERT INTO desk_members (name, role) VALUES (?, ?)", (member.name, role.value)))

    def role_of(self, name: str) -> Role | None:
        rows = self._query("SELECT role FROM desk_members WHERE name = ?", (name,))
        return parse_role(rows[0][0]) if rows else None

    def members(self) -> list[Member]:
        return [Member(n, r) for n, r in self._query("SELECT name, role FROM desk_members ORDER BY name")]

    # -- replies and decisions ------------------------------------------------------------------
    def _decision_insert(self, d: Decision) -> tuple[str, tuple[Any, ...]]:
        return (
            "INSERT INTO desk_decisions (id, reply_id, seq, action, actor, role, at, comment,"
            " text_digest) SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?"
            " FROM desk_decisions WHERE reply_id = ?",
            (d.id, d.reply_id, d.action, d.actor, d.role, d.at, d.comment, d.text_digest, d.reply_id),
        )

    def insert_reply(self, reply: Reply, decision: Decision) -> None:
        self._run(
            ("INSERT INTO desk_replies (id, brand, account, state, kind, created_at, updated_at, body)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             (reply.id, reply.brand, reply.account, reply.state, reply.kind, reply.created_at,
              reply.updated_at, _JSON.encode(reply).decode())),
            self._decision_insert(decision),
        )

    def transition(self, reply: Reply, expected_state: str, decision: Decision) -> None:
        """Write ``reply`` (new state/text) and its decision, if the stored state is still
        ``expected_state``; otherwise nothing is written and :class:`DeskError` says so."""
        with self._transaction() as cur:
            cur.execute(self._sql(
                "UPDATE desk_replies SET state = ?, updated_at = ?, body = ? WHERE id = ? AND state = ?"),
                (reply.state, reply.updated_at, _JSON.encode(reply).decode(), reply.id, expected_state))
            if cur.rowcount != 1:
                raise DeskError(f"reply {reply.id} is no longer {expected_state}: reload and retry",
                                code="desk.moved_on", values={
                                    "reply": reply.id, "state": {"key": f"st.{expected_state}"}})
            sql, params = self._decision_insert(decision)
            cur.execute(self._sql(sql), params)

    def get_reply(self, reply_id: str) -> Reply | None:
        rows = self._query("SELECT body FROM desk_replies WHERE id = ?", (reply_id,))
        return msgspec.json.decode(rows[0][0], type=Reply) if rows else None

    def replies(self, *, brand: str | None = None, state: str | None = None,
                limit: int = 500, opportunity_id: str | None = None) -> list[Reply]:
        """Replies, most recently changed first; ``opportunity_id``: only that opportunity's
        (all of them, however many the brand wrote since)."""
        sql = "SELECT body FROM desk_replies WHERE 1 = 1"
        params: list[Any] = []
        if opportunity_id is not None:  # the id lives in the body: narrow with LIKE, then check
            sql += " AND body LIKE ? ESCAPE '!'"
            needle = '"opportunity_id":' + msgspec.json.encode(opportunity_id).decode()
            params.append("%" + re.sub(r"([!%_])", r"!\1", needle) + "%")
        if brand is not None:
            sql += " AND brand = ?"
            params.append(brand)
        if state is not None:
            sql += " AND state = ?"
            params.append(state)
        sql += " ORDER BY updated_at DESC, id LIMIT ?"
        params.append(int(limit))
        found = [msgspec.json.decode(r[0], type=Reply) for r in self._query(sql, tuple(params))]
        if opportunity_id is not None:
            found = [r for r in found if r.opportunity_id == opportunity_id]
        return found

    _DECISION_COLS = "id, reply_id, action, actor, role, at, comment, text_digest"

    @staticmethod
    def _decision(row: tuple[Any, ...]) -> Decision:
        return Decision(id=row[0], reply_id=row[1], action=row[2], actor=row[3], role=row[4],
                        at=float(row[5]), comment=row[6], text_digest=row[7])

    def decisions(self, reply_id: str) -> list[Decision]:
        rows = self._query(f"SELECT {self._DECISION_COLS} FROM desk_decisions WHERE reply_id = ?"
                           " ORDER BY seq", (reply_id,))
        return [self._decision(r) for r in rows]

    def get_decision(self, decision_id: str) -> Decision | None:
        rows = self._query(f"SELECT {self._DECISION_COLS} FROM desk_decisions WHERE id = ?",
                           (decision_id,))
        return self._decision(rows[0]) if rows else None

    # -- publications ---------------------------------------------------------------------------
    def get_publication(self, reply_id: str) -> Publication | None:
        rows = self._query("SELECT body FROM desk_publications WHERE reply_id = ?", (reply_id,))
        return msgspec.json.decode(rows[0][0], type=Publication) if rows else None

    @staticmethod
    def _publication_upsert(p: Publication) -> tuple[str, tuple[Any, ...]]:
        return (
            "INSERT INTO desk_publications (reply_id, network, account, state, at, body)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reply_id) DO UPDATE SET"
            " network = excluded.network, account = excluded.account, state = excluded.state,"
            " at = excluded.at, body = excluded.body",
            (p.reply_id, p.network, p.account, p.state, p.at, _JSON.encode(p).decode()))

    def put_publication(self, publication: Publication) -> None:
        """Store a publication by its reply (idempotent); a failed one gives back its claim."""
        statements = [self._publication_upsert(publication)]
        if publication.state in claims.RELEASED:
            statements.append((claims.RELEASE, (publication.reply_id,)))
        self._run(*statements)

    def claim_publication(self, reply: Reply, publication: Publication) -> None:
        """Claim the post ``reply`` answers and store ``publication`` (pending) in one
        transaction; :class:`DuplicateReply` (nothing written) when another reply holds it."""
        with self._transaction() as cur:
            def run(sql: str, params: tuple[Any, ...]) -> int:
                cur.execute(self._sql(sql), params)
                return int(cur.rowcount)

            def one(sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
                cur.execute(self._sql(sql), params)
                row = cur.fetchone()
                return None if row is None else tuple(row)

            claims.take(run, one, reply, publication)
            run(*self._publication_upsert(publication))

    def recent_texts(self, brand: str, limit: int = 200) -> list[str]:
        """Texts of the brand's most recently published replies (for the repetition check)."""
        return [r.text for r in self.replies(brand=brand, state="published", limit=limit)]

    # -- deletions ------------------------------------------------------------------------------
    def deleted_at(self, uri: str) -> float | None:
        """When the author deleted the post at ``uri``, from the store's tombstones when this
        connection's database holds them (docs/deletions.md); None: not deleted, or a database
        without the store's tables (the desk cannot know there)."""
        if not self._has_deletions():
            return None
        rows = self._query("SELECT deleted_at FROM deletions WHERE uri = ?", (uri,))
        return float(rows[0][0]) if rows else None

    def _has_deletions(self) -> bool:
        """Whether the database has the store's ``deletions`` table (once found, remembered: a
        table is not dropped; a store migrated later is seen at the next look)."""
        if not self._deletions:
            sql = ("SELECT to_regclass('deletions') IS NOT NULL" if self._style == "format" else
                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'deletions'")
            self._deletions = bool(self._query(sql)[0][0])
        return self._deletions


__all__ = ["DeskRepository", "SqlDeskRepository", "migrate", "schema_sql"]
