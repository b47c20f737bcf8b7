"""``reale store migrate`` and ``reale store info``, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from reale.store.migrations import MIGRATIONS_DIR
from tests.conftest import run_cli

SHIPPED = sorted({p.name.split(".")[0] for p in MIGRATIONS_DIR.glob("*.sql")})


def test_migrate_then_info_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/reale.sqlite"
    before = run_cli("store", "info", "--store", url, "--json")
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["pending"] == SHIPPED
    assert SHIPPED[0] == "0001_core"

    first = run_cli("store", "migrate", "--store", url)
    again = run_cli("store", "migrate", "--store", url)
    assert "applied 0001_core" in first.stdout
    assert "up to date" in again.stdout

    info = run_cli("store", "info", "--store", url)
    assert "applied   0001_core" in info.stdout
    assert "mentions" in info.stdout


def test_the_store_url_can_come_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path}/from-config.sqlite"\n')
    out = run_cli("store", "migrate", "--config", str(config))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "from-config.sqlite").exists()


def test_a_wrong_url_is_one_clear_error(tmp_path: Path) -> None:
    out = run_cli("store", "info", "--store", "mysql://localhost/x")
    assert out.returncode == 2
    assert "unknown scheme 'mysql'" in out.stderr
    assert "Traceback" not in out.stderr
