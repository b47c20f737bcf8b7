"""The demo recreates its SQLite store at each run; before deleting a file it checks that the file
holds nothing but an earlier demo (its brands, its ``demo`` user), so ``reale demo --store`` pointed
at a team's real store by mistake is refused instead of wiping it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from reale.errors import ConfigError

DEMO_USER = "demo"


def reset_demo_store(store_url: str, brands: Iterable[str]) -> None:
    """Delete the SQLite store (and its WAL files) of an earlier demo; refuse anything else.
    A non-SQLite URL and ``:memory:`` are left alone."""
    if not store_url.startswith("sqlite:///") or store_url.endswith(":memory:"):
        return
    path = Path(store_url.removeprefix("sqlite:///"))
    if path.is_file() and path.stat().st_size > 0:
        foreign = foreign_data(path, set(brands))
        if foreign:
            raise ConfigError(f"--store {path} holds {foreign}; the demo deletes and recreates its "
                              "store at each run: give it a path of its own (default "
                              "var/demo.sqlite)")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def foreign_data(path: Path, brands: set[str]) -> str:
    """What in the SQLite file ``path`` no demo wrote ("" when it is a demo's store)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"a file SQLite cannot open ({exc})"
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_migrations" not in tables:
            return "data that is not a Reale store"
        found: list[str] = []
        if "mentions" in tables:
            others = sorted({r[0] for r in con.execute("SELECT DISTINCT brand FROM mentions")}
                            - brands)
            if others:
                found.append(f"mentions of other brands ({', '.join(others[:5])})")
        if "web_users" in tables:
            users = sorted({r[0] for r in con.execute("SELECT name FROM web_users")} - {DEMO_USER})
            if users:
                found.append(f"desk users ({', '.join(users[:5])})")
        return " and ".join(found)
    except sqlite3.Error as exc:
        return f"a file SQLite cannot read ({exc})"
    finally:
        con.close()
