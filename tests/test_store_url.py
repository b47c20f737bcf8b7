"""Store URLs, the portable SQL layer and migration files (pure), and the errors a wrong URL or
a file that is not a database gets."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import reale.store.dialect
import reale.store.policy
import reale.store.url
from reale.errors import ConfigError, StoreError
from reale.store.dialect import POSTGRESQL, SQLITE, split_statements
from reale.store.migrations import load_migrations
from reale.store.url import parse_store_url, redact


@pytest.mark.parametrize(("url", "dialect", "target"), [
    ("sqlite:///var/reale.sqlite", "sqlite", "var/reale.sqlite"),
    ("sqlite:////srv/reale/db.sqlite", "sqlite", "/srv/reale/db.sqlite"),
    ("sqlite://:memory:", "sqlite", ":memory:"),
    ("sqlite:///:memory:", "sqlite", ":memory:"),
    ("postgresql://reale:pw@127.0.0.1:5432/reale", "postgresql",
     "postgresql://reale:pw@127.0.0.1:5432/reale"),
    ("postgres://u@/db?host=/tmp/pg", "postgresql", "postgresql://u@/db?host=/tmp/pg"),
])
def test_urls_name_a_backend_and_a_place(url: str, dialect: str, target: str) -> None:
    parsed = parse_store_url(url)
    assert (parsed.dialect, parsed.target) == (dialect, target)


def test_sqlite_durability_is_set_in_the_url() -> None:
    default = parse_store_url("sqlite:///x.db")
    assert (default.synchronous, default.busy_timeout_ms) == ("NORMAL", 5000)
    strict = parse_store_url("sqlite:///x.db?synchronous=full&busy_timeout=100")
    assert (strict.synchronous, strict.busy_timeout_ms) == ("FULL", 100)


@pytest.mark.parametrize(("url", "says"), [
    ("reale.sqlite", "no scheme"),
    ("mysql://x/y", "unknown scheme"),
    ("sqlite://relative.db", "sqlite:///relative/path"),
    ("sqlite:///x.db?synchronous=sometimes", "synchronous must be"),
    ("sqlite:///x.db?journal=wal", "unknown option"),
    ("sqlite:///x.db?busy_timeout=soon", "milliseconds"),
])
def test_a_wrong_url_says_what_to_write(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        parse_store_url(url)


def test_passwords_never_reach_logs() -> None:
    assert redact("postgresql://reale:s3cret@db:5432/reale") == "postgresql://reale:***@db:5432/reale"
    assert redact("sqlite:///var/reale.sqlite") == "sqlite:///var/reale.sqlite"


def test_queries_are_written_once_for_both_backends() -> None:
    sql = "SELECT * FROM posts WHERE text LIKE '%fiat%' AND uri = ?"
    assert SQLITE.sql(sql) == sql
    assert POSTGRESQL.sql(sql) == "SELECT * FROM posts WHERE text LIKE '%%fiat%%' AND uri = %s"


def test_migration_tokens_pick_each_backends_types() -> None:
    assert SQLITE.render("t {{float}}, b {{ blob }}") == "t REAL, b BLOB"
    assert POSTGRESQL.render("t {{float}}, b {{blob}}") == "t DOUBLE PRECISION, b BYTEA"
    with pytest.raises(StoreError, match="unknown migration token"):
        SQLITE.render("x {{decimal}}")


def test_statements_split_on_semicolons_outside_quotes_and_comments() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT 'a;b');\n-- note; here\nINSERT INTO a VALUES (';');\n"
    assert split_statements(script) == ["CREATE TABLE a (x TEXT DEFAULT 'a;b')",
                                        "-- note; here\nINSERT INTO a VALUES (';')"]


def test_a_dialect_file_overrides_the_portable_one(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x {{float}});")
    (tmp_path / "0001_a.postgresql.sql").write_text("CREATE TABLE a (x JSONB);")
    (tmp_path / "0002_b.sqlite.sql").write_text("CREATE TABLE b (x TEXT);")
    pg = load_migrations(POSTGRESQL, tmp_path)
    lite = load_migrations(SQLITE, tmp_path)
    assert [(m.name, m.statements) for m in pg] == [("0001_a", ("CREATE TABLE a (x JSONB)",))]
    assert [m.name for m in lite] == ["0001_a", "0002_b"]
    assert lite[0].statements == ("CREATE TABLE a (x REAL)",)


def test_a_misnamed_migration_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "add_labels.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match="NNNN_name"):
        load_migrations(SQLITE, tmp_path)


@pytest.mark.parametrize("module", [reale.store.url, reale.store.dialect, reale.store.policy])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    from reale.store import open_store

    notes = tmp_path / "notes.txt"
    notes.write_text("this is not a database, just a long enough text file " * 100)
    with pytest.raises(StoreError, match=r"notes\.txt"):
        open_store(f"sqlite:///{notes}")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(f"sqlite:///{notes}/inside/reale.sqlite")
