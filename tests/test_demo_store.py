"""`reale demo` recreates its store at each run, so it must never delete a team's real store that
`--store` names by mistake: it refuses (exit 2) and leaves the file as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reale.errors import ConfigError
from reale.run.demo import demo_brands
from reale.run.demo_store import reset_demo_store
from reale.store import open_store
from tests.conftest import run_cli
from tests.web_helpers import mention, post

DEMO_BRANDS = [b.name for b in demo_brands()]


def store_with(path: Path, brand: str, user: str = "") -> str:
    url = f"sqlite:///{path}"
    with open_store(url) as store:
        store.write_mentions([mention(brand, post(1, f"ciao {brand}", at=1_780_000_000.0))])
    if user:
        con = sqlite3.connect(path)
        con.execute("INSERT INTO web_users (name, password_hash, created_at, updated_at) "
                    "VALUES (?, 'x', 0, 0)", (user,))
        con.commit()
        con.close()
    return url


def test_the_demo_refuses_to_wipe_a_store_with_another_desks_data(tmp_path: Path) -> None:
    url = store_with(tmp_path / "team.sqlite", "Doggo Spa")
    out = run_cli("demo", "--no-serve", "--duration", "1", "--store", url)
    assert out.returncode == 2, out.stdout
    assert "holds mentions of other brands (Doggo Spa)" in out.stderr
    assert "Traceback" not in out.stderr
    with open_store(url) as store:
        assert store.table_counts()["mentions"] == 1


def test_a_store_with_desk_users_other_than_demo_is_refused_too(tmp_path: Path) -> None:
    url = store_with(tmp_path / "team.sqlite", DEMO_BRANDS[0], user="ada")
    with pytest.raises(ConfigError, match=r"desk users \(ada\)"):
        reset_demo_store(url, DEMO_BRANDS)
    assert (tmp_path / "team.sqlite").exists()


def test_a_file_that_is_no_reale_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.sqlite").write_text("my notes")
    with pytest.raises(ConfigError, match=r"SQLite cannot|not a Reale store"):
        reset_demo_store(f"sqlite:///{tmp_path}/notes.sqlite", DEMO_BRANDS)
    assert (tmp_path / "notes.sqlite").read_text() == "my notes"


def test_an_earlier_demos_store_is_recreated(tmp_path: Path) -> None:
    url = store_with(tmp_path / "demo.sqlite", DEMO_BRANDS[0], user="demo")
    reset_demo_store(url, DEMO_BRANDS)
    assert not (tmp_path / "demo.sqlite").exists()
