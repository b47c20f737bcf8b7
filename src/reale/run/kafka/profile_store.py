"""The shared profile tables (migration ``0006_author_profiles``): author profiles as the fetcher
stored them, and the authors whose profile some stages worker wants. One SQL text for SQLite and
PostgreSQL; every write is idempotent by (network, id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reale.signals.profiles import Profile
from reale.store import Store

Key = tuple[str, str]  # (network, author id)
CHUNK = 500  # ids per IN (...) list

_COLUMNS = "network, id, handle, followers, following, posts, created_at, fetched_at, found"


def _profile(row: Sequence[Any]) -> Profile:
    return Profile(network=str(row[0]), id=str(row[1]), handle=str(row[2] or ""),
                   followers=_int(row[3]), following=_int(row[4]), posts=_int(row[5]),
                   created_at=None if row[6] is None else float(row[6]),
                   fetched_at=float(row[7]), found=bool(row[8]))


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def read_profiles(store: Store, keys: Sequence[Key]) -> dict[Key, Profile]:
    """The stored profiles of ``keys`` (fresh or stale); keys without a row are left out."""
    by_network: dict[str, list[str]] = {}
    for network, author in dict.fromkeys(keys):
        by_network.setdefault(network, []).append(author)
    out: dict[Key, Profile] = {}
    for network, ids in by_network.items():
        for i in range(0, len(ids), CHUNK):
            part = ids[i:i + CHUNK]
            rows = store.query(f"SELECT {_COLUMNS} FROM author_profiles WHERE network = ?"
                               f" AND id IN ({', '.join('?' * len(part))})", (network, *part))
            for row in rows:
                p = _profile(row)
                out[(p.network, p.id)] = p
    return out


def profiles_since(store: Store, since: float, limit: int = 5_000) -> list[Profile]:
    """Profiles fetched at or after ``since``, oldest first (how every worker sees new ones)."""
    rows = store.query(f"SELECT {_COLUMNS} FROM author_profiles WHERE fetched_at >= ?"
                       " ORDER BY fetched_at LIMIT ?", (since, limit))
    return [_profile(r) for r in rows]


def add_wants(store: Store, keys: Sequence[Key], at: float) -> None:
    """Record that these authors' profiles are wanted; an author already wanted keeps its place."""
    if not keys:
        return
    with store.transaction() as tx:
        tx.executemany("INSERT INTO profile_wants (network, id, wanted_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (network, id) DO NOTHING",
                       [(n, i, at) for n, i in dict.fromkeys(keys)])


def oldest_wants(store: Store, limit: int) -> list[Key]:
    rows = store.query("SELECT network, id FROM profile_wants ORDER BY wanted_at, network, id"
                       " LIMIT ?", (limit,))
    return [(str(n), str(i)) for n, i in rows]


def count_wants(store: Store) -> dict[str, int]:
    """Authors wanted and not yet fetched, per network (the deployment's fetch queue)."""
    rows = store.query("SELECT network, COUNT(*) FROM profile_wants GROUP BY network")
    return {str(n): int(c) for n, c in rows}


def save_profiles(store: Store, profiles: Sequence[Profile], done: Sequence[Key],
                  forget_before: float, keep: int = 100_000) -> None:
    """In one transaction: upsert the fetched profiles (a newer fetch wins), drop the wants they
    and ``done`` answer, and drop wants older than ``forget_before`` (nobody could fetch them) or
    beyond the newest ``keep`` (more than the rate limit will ever reach: the oldest go first, as
    in the embedded cache's queue)."""
    rows = [(p.network, p.id, p.handle, p.followers, p.following, p.posts, p.created_at,
             p.fetched_at, int(p.found)) for p in profiles]
    with store.transaction() as tx:
        if rows:
            tx.executemany(
                f"INSERT INTO author_profiles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (network, id) DO UPDATE SET handle = excluded.handle,"
                " followers = excluded.followers, following = excluded.following,"
                " posts = excluded.posts, created_at = excluded.created_at,"
                " fetched_at = excluded.fetched_at, found = excluded.found"
                " WHERE excluded.fetched_at >= author_profiles.fetched_at", rows)
        keys = list(dict.fromkeys([*done, *((p.network, p.id) for p in profiles)]))
        if keys:
            tx.executemany("DELETE FROM profile_wants WHERE network = ? AND id = ?", keys)
        tx.execute("DELETE FROM profile_wants WHERE wanted_at < ?", (forget_before,))
        tx.execute("DELETE FROM profile_wants WHERE wanted_at < (SELECT wanted_at FROM"
                   " profile_wants ORDER BY wanted_at DESC LIMIT 1 OFFSET ?)", (max(0, keep - 1),))
