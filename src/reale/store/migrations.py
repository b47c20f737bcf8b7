"""Versioned schema migrations: numbered SQL files, applied once each, recorded in a table.

A migration is ``NNNN_name.sql`` (portable, with ``{{tokens}}``) or a pair
``NNNN_name.sqlite.sql`` + ``NNNN_name.postgresql.sql``. Loading and rendering here are pure;
:meth:`reale.store.Store.migrate` applies them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import msgspec

from reale.errors import StoreError
from reale.store.dialect import Dialect, split_statements

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_FORMER_RE = re.compile(r"^-- was sha256 ([0-9a-f]{64})$", re.MULTILINE)
_NAME_RE = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgresql))?\.sql$")

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    applied_at {{float}} NOT NULL
)"""


class Migration(msgspec.Struct, frozen=True):
    """One migration rendered for one dialect."""

    version: int
    name: str  # e.g. "0001_core": the key recorded in schema_migrations
    statements: tuple[str, ...]
    checksum: str
    # checksums of this migration's former texts (``-- was sha256 HEX`` lines): a store that
    # applied one of them has this migration (a file may be rewritten to the same schema only)
    former: tuple[str, ...] = ()


class Applied(msgspec.Struct, frozen=True):
    """A row of ``schema_migrations``."""

    name: str
    version: int
    checksum: str
    applied_at: float


def load_migrations(dialect: Dialect, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in ``directory`` for ``dialect``, ordered by (version, name)."""
    sources: dict[str, tuple[int, str]] = {}
    for path in sorted(directory.glob("*.sql")):
        m = _NAME_RE.match(path.name)
        if not m:
            raise StoreError(f"migration file {path.name!r} is not named NNNN_name[.dialect].sql")
        version, stem, only = int(m.group(1)), f"{m.group(1)}_{m.group(2)}", m.group(3)
        if only is not None and only != dialect.name:
            continue
        if stem in sources and only is None:
            continue  # a dialect-specific file overrides the portable one
        sources[stem] = (version, path.read_text(encoding="utf-8"))
    return [_render(stem, version, text, dialect) for stem, (version, text) in sorted(
        sources.items(), key=lambda kv: (kv[1][0], kv[0]))]


def _render(name: str, version: int, text: str, dialect: Dialect) -> Migration:
    rendered = dialect.render(text)
    statements = tuple(split_statements(rendered))
    if not statements:
        raise StoreError(f"migration {name} has no statements")
    checksum = hashlib.sha256(rendered.encode("utf-8")).hexdigest()
    return Migration(version=version, name=name, statements=statements, checksum=checksum,
                     former=tuple(_FORMER_RE.findall(text)))


def pending(migrations: list[Migration], applied: list[Applied]) -> list[Migration]:
    """Migrations not applied yet; an applied one whose file changed is an error.

    A migration, once applied anywhere, is history: change the schema with a new file instead.
    (A file rewritten to reach the same schema another way, as 0013 was to fill ``post_at`` in
    batches, lists its former checksums in ``-- was sha256 HEX`` lines.)
    """
    done = {a.name: a for a in applied}
    for m in migrations:
        old = done.get(m.name)
        if old is not None and old.checksum != m.checksum and old.checksum not in m.former:
            raise StoreError(f"migration {m.name} changed after it was applied "
                             f"(checksum {old.checksum[:12]} in the store, {m.checksum[:12]} now): "
                             "add a new numbered migration instead of editing an applied one")
    return [m for m in migrations if m.name not in done]
