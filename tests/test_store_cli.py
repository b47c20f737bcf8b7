"""``reale store migrate`` and ``reale store info``, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reale.store.migrations import MIGRATIONS_DIR
from tests.conftest import DATA, run_cli

SHIPPED = sorted({p.name.split(".")[0] for p in MIGRATIONS_DIR.glob("*.sql")})


def test_migrate_then_info_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/reale.sqlite"
    first = run_cli("store", "migrate", "--store", url)
    again = run_cli("store", "migrate", "--store", url)
    assert "applied 0001_core" in first.stdout
    assert "up to date" in again.stdout

    info = run_cli("store", "info", "--store", url)
    assert "applied   0001_core" in info.stdout
    assert "mentions" in info.stdout
    as_json = json.loads(run_cli("store", "info", "--store", url, "--json").stdout)
    assert [a["name"] for a in as_json["applied"]] == SHIPPED and as_json["pending"] == []
    assert SHIPPED[0] == "0001_core"


def test_an_empty_sqlite_file_shows_every_migration_pending(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite").touch()  # e.g. made by another tool: a store with no schema yet
    out = run_cli("store", "info", "--store", f"sqlite:///{tmp_path}/empty.sqlite", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["pending"] == SHIPPED


def test_commands_that_only_read_refuse_a_store_that_is_not_there(tmp_path: Path) -> None:
    """A mistyped path is an error (exit 2, "no store at PATH"), never a new empty store."""
    missing = tmp_path / "typo" / "reale.sqlite"
    url = f"sqlite:///{missing}"
    for args in (("store", "info", "--store", url), ("store", "info", "--store", url, "--json"),
                 ("alerts", "--store", url), ("alerts", "--store", url, "--retry", "1"),
                 ("users", "list", "--store", url), ("users", "disable", "ada", "--store", url),
                 ("users", "enable", "ada", "--store", url)):
        out = run_cli(*args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert f"no store at {missing}" in out.stderr, args
        assert "Traceback" not in out.stderr
    assert not (tmp_path / "typo").exists()


def test_the_store_path_can_come_from_the_config_and_must_exist_there_too(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path}/absent.sqlite"\n')
    out = run_cli("store", "info", "--config", str(config))
    assert out.returncode == 2
    assert f"no store at {tmp_path}/absent.sqlite" in out.stderr
    assert not (tmp_path / "absent.sqlite").exists()


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


def test_info_counts_what_the_desk_stored_too(tmp_path: Path) -> None:
    """After a full replay, info shows the labels, opportunities and moments the desk stored, not
    only the raw posts: a user checking that `replay --full` worked sees it did."""
    recording = DATA / "wire" / "x-api-v2" / "streaming_output_with_error.jsonl"
    if not recording.exists():
        pytest.skip("shared data missing")
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path}/r.sqlite"\n'
                      '[[brands]]\nname = "Dogs"\nqueries = ["dogs OR doggo"]\n')
    replay = run_cli("replay", str(recording), "--config", str(config), "--full", "--quiet")
    assert replay.returncode == 0, replay.stderr
    # the summary of a full replay says what reached the desk, not only what was stored raw
    summary = replay.stdout.strip().splitlines()[-1]
    assert "6 mentions" in summary and " opportunities and " in summary and " moments" in summary
    info = json.loads(run_cli("store", "info", "--config", str(config), "--json").stdout)
    rows = info["rows"]
    assert rows["mentions"] == 6 and rows["labels"] == 6
    assert rows["opportunities"] >= 1
    for table in ("moments", "opportunity_decisions", "desk_publications", "publish_claims",
                  "alert_outbox", "web_users"):
        assert table in rows
    text = run_cli("store", "info", "--config", str(config)).stdout
    assert "opportunities" in text and "labels" in text
