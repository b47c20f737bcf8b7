"""``reale alerts`` as a user runs it (a real subprocess): test a channel against a local
receiver, list the outbox, requeue a dead delivery, print the rules back; credentials from the
environment never appear in what it prints."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from reale.alerts import LocalReceiver, Outbox, open_alerts_db
from reale.alerts.routing import route
from tests.alerts_helpers import SECRET, T0, alert, config, webhook_channel
from tests.conftest import run_cli


def write_config(tmp_path: Path, url: str, store: str = "") -> Path:
    path = tmp_path / "reale.toml"
    path.write_text(f"""
store = "{store or f'sqlite:///{tmp_path}/reale.sqlite'}"

[alerts]
desk_url = "https://desk.example"

[[alerts.channels]]
name = "hook"
kind = "webhook"
url = "{url}"
secret_env = "HOOK_SECRET"

[[alerts.rules]]
name = "all"
channels = ["hook"]
""", encoding="utf-8")
    return path


def test_alerts_test_sends_a_signed_test_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    with LocalReceiver(secret=SECRET) as receiver:
        cfg = write_config(tmp_path, receiver.url)
        out = run_cli("alerts", "test", "hook", "--config", str(cfg))
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "sent a test alert to hook (webhook)"
        [got] = receiver.accepted
        assert got.verified and got.json()["event"] == "alert.test"
        assert got.json()["alert"]["link"] == "https://desk.example"


def test_a_failed_test_says_why_without_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    with LocalReceiver(secret="another-key") as receiver:
        cfg = write_config(tmp_path, receiver.url)
        out = run_cli("alerts", "test", "hook", "--config", str(cfg))
    assert out.returncode == 1 and "HTTP 401" in out.stderr  # an error, on stderr
    assert SECRET not in out.stdout + out.stderr


def test_a_missing_secret_is_named_not_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    cfg = write_config(tmp_path, "http://127.0.0.1:9/hook")
    out = run_cli("alerts", "test", "hook", "--config", str(cfg))
    assert out.returncode == 2 and "HOOK_SECRET (secret_env) is not set" in out.stderr
    out = run_cli("alerts", "test", "nowhere", "--config", str(cfg))
    assert out.returncode == 2 and "no channel named 'nowhere'" in out.stderr


def test_list_and_retry_the_dead(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/reale.sqlite"
    cfg = config([webhook_channel()], [{"name": "all", "channels": ["hook"]}])
    box = Outbox(open_alerts_db(store))
    for n in (1, 2):
        box.enqueue(alert(n), route(alert(n), cfg, T0), T0)
    box.mark_dead(1, "channel hook: HTTP 410 (gone)", T0)
    out = run_cli("alerts", "--store", store, "--state", "dead", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert listed["counts"]["dead"] == 1 and listed["counts"]["pending"] == 1
    assert [(d["id"], d["last_error"]) for d in listed["deliveries"]] == [(1, "channel hook: HTTP 410 (gone)")]
    out = run_cli("alerts", "--store", store, "--retry", "a00001.hook")
    assert out.returncode == 0 and "requeued delivery 1" in out.stdout
    table = run_cli("alerts", "--store", store).stdout
    assert "pending" in table and "dead: 0" in table and "Alert 1" in table
    again = run_cli("alerts", "--store", store, "--retry", "1")
    assert again.returncode == 0
    missing = run_cli("alerts", "--store", store, "--retry", "77")
    assert missing.returncode == 2 and "no alert delivery '77'" in missing.stderr


def test_rules_are_checked_and_printed_back(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, "https://hooks.example/x")
    out = run_cli("alerts", "rules", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert tomllib.loads(out.stdout)["alerts"]["rules"] == [{"name": "all", "channels": ["hook"]}]
    cfg.write_text(cfg.read_text().replace('channels = ["hook"]', 'channels = ["hoook"]'))
    out = run_cli("alerts", "rules", "--config", str(cfg))
    assert out.returncode == 2 and "channel 'hoook' is not defined" in out.stderr
    assert "Traceback" not in out.stderr


def test_rules_in_force_count_the_desks_edits_and_say_where_each_came_from(tmp_path: Path) -> None:
    from reale.alerts.config import RuleConfig
    from reale.alerts.rulestore import RuleStore

    cfg = write_config(tmp_path, "https://hooks.example/x")
    store = open_alerts_db(f"sqlite:///{tmp_path}/reale.sqlite")
    RuleStore(store).put("night", "desk", RuleConfig(name="night", channels=("hook",),
                                                     kinds=("backlash",)),
                         disabled=False, base=None, by="ada", at=T0, action="added")
    RuleStore(store).put("all", "config", None, disabled=True, base=None, by="ada", at=T0,
                         action="disabled")
    out = run_cli("alerts", "rules", "--in-force", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert [r["name"] for r in tomllib.loads(out.stdout)["alerts"]["rules"]] == ["night"]
    assert "# all: config (not in force: disabled)" in out.stderr
    assert "# night: desk" in out.stderr
    plain = run_cli("alerts", "rules", "--config", str(cfg))
    assert [r["name"] for r in tomllib.loads(plain.stdout)["alerts"]["rules"]] == ["all"]


def test_rules_in_force_come_in_the_order_the_desk_arranged(tmp_path: Path) -> None:
    from reale.alerts.config import RuleConfig
    from reale.alerts.rulestore import RuleStore

    cfg = write_config(tmp_path, "https://hooks.example/x")
    rules = RuleStore(open_alerts_db(f"sqlite:///{tmp_path}/reale.sqlite"))
    rules.add("night", RuleConfig(name="night", channels=("hook",), digest_minutes=60),
              by="ada", at=T0)
    rules.reorder(["night", "all"], moved="night", action="moved up", by="ada", at=T0)
    out = run_cli("alerts", "rules", "--in-force", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert [r["name"] for r in tomllib.loads(out.stdout)["alerts"]["rules"]] == ["night", "all"]
    assert out.stderr.index("# night: desk") < out.stderr.index("# all: config")


def test_an_empty_listing_names_what_it_looked_for(tmp_path: Path) -> None:
    """Every alert delivered: the default listing (pending, held, dead) is empty and says which
    states it looked at and how to see the sent ones, not "no deliveries in those states"."""
    store = f"sqlite:///{tmp_path}/reale.sqlite"
    cfg = config([webhook_channel()], [{"name": "all", "channels": ["hook"]}])
    box = Outbox(open_alerts_db(store))
    box.enqueue(alert(1), route(alert(1), cfg, T0), T0)
    box.mark_sent(1, T0)
    out = run_cli("alerts", "--store", store).stdout
    assert out.startswith("no pending, held or dead deliveries (--state sent or --state all "
                          "lists the others)\n")
    assert "sent: 1" in out
    dead = run_cli("alerts", "--store", store, "--state", "dead").stdout
    assert dead.startswith("no dead deliveries")
