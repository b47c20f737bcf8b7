"""``reale users`` creates the first admin; ``reale serve`` serves the desk on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import httpx

from reale.web.serving import free_port
from tests.conftest import ROOT, run_cli


def test_users_add_list_and_disable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    out = run_cli("users", "add", "ada", "--role", "admin", "--password-stdin", "--store", url,
                  stdin="a long password\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ada: admin"
    short = run_cli("users", "add", "bob", "--role", "viewer", "--password-stdin", "--store", url,
                    stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr
    run_cli("users", "add", "vera", "--role", "viewer", "--lang", "it", "--password-stdin",
            "--store", url, stdin="another password\n")
    assert run_cli("users", "disable", "vera", "--store", url).returncode == 0
    listing = run_cli("users", "list", "--store", url).stdout.splitlines()
    assert listing == ["ada\tadmin\t-\tactive", "vera\tviewer\tit\tdisabled"]
    wrong_role = run_cli("users", "add", "x", "--role", "boss", "--store", url)
    assert wrong_role.returncode == 2 and "invalid choice" in wrong_role.stderr


def test_serve_binds_127_0_0_1_and_serves_the_desk(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "{url}"\n[[brands]]\nname = "Fiori"\nkeywords = ["fiori"]\n'
                      "[web]\nargon2_time_cost = 1\nargon2_memory_kib = 8\n"
                      "argon2_parallelism = 1\n", encoding="utf-8")
    run_cli("users", "add", "ada", "--role", "admin", "--password-stdin", "--config", str(config),
            stdin="a long password\n")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "reale", "serve", "--config", str(config),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # waiting for the server process to bind is I/O, not test logic
            try:
                r = httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "reale serve did not start"
                time.sleep(0.1)
        assert r.json()["ok"] is True
        with httpx.Client(base_url=base) as client:
            token = client.get("/login.json").json()["csrf"]
            client.post("/login", data={"user": "ada", "password": "a long password",
                                        "csrf": token})
            assert client.get("/me.json").json()["role"] == "admin"
            assert client.get("/settings.json").json()["brands"][0]["name"] == "Fiori"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"Reale desk on http://127.0.0.1:{port}" in out


def test_the_last_active_admin_cannot_be_disabled(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    for name in ("ada", "bea"):
        run_cli("users", "add", name, "--role", "admin", "--password-stdin", "--store", url,
                stdin="a long password\n")
    assert run_cli("users", "disable", "bea", "--store", url).returncode == 0
    refused = run_cli("users", "disable", "ada", "--store", url)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "reale: error: 'ada' is the last active admin; add or enable another admin first,"
        " or the team is locked out of administration"]
    assert run_cli("users", "list", "--store", url).stdout.splitlines() == [
        "ada\tadmin\t-\tactive", "bea\tadmin\t-\tdisabled"]
    demoted = run_cli("users", "add", "ada", "--role", "viewer", "--password-stdin", "--store",
                      url, stdin="a long password\n")
    assert demoted.returncode == 2
    assert demoted.stderr.strip().splitlines() == [
        "reale: error: 'ada' is the last active admin; make another admin first, or the team is"
        " locked out of administration"]
    assert run_cli("users", "enable", "bea", "--store", url).returncode == 0
    assert run_cli("users", "disable", "ada", "--store", url).returncode == 0


def test_serve_refuses_web_accounts_naming_an_unknown_publishing_account(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path / "desk.sqlite"}"\n'
                      '[[brands]]\nname = "Fiori"\nkeywords = ["fiori"]\n'
                      '[[publish.accounts]]\nname = "fiori-bsky"\nnetwork = "bluesky"\n'
                      'handle = "fiori.bsky.social"\ndry_run = true\n'
                      '[web.accounts]\nFiori = "fiori-bksy"\n', encoding="utf-8")
    out = run_cli("serve", "--config", str(config), "--port", str(free_port()))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "reale: error: web.accounts: Fiori = 'fiori-bksy' names no publishing account;"
        " configured: dry-run-bluesky, dry-run-mastodon, dry-run-x, fiori-bsky"
        " ([[publish.accounts]], docs/publishing.md)"]
    config.write_text(config.read_text(encoding="utf-8").replace('Fiori = "fiori-bksy"',
                                                                 'Fiory = "fiori-bsky"'),
                      encoding="utf-8")
    typo = run_cli("serve", "--config", str(config), "--port", str(free_port()))
    assert typo.returncode == 2
    assert "web.accounts: 'Fiory' is not a brand in reale.toml; brands: Fiori" in typo.stderr


def test_run_serve_keeps_the_desk_up_after_a_replay_ends_until_sigterm(tmp_path: Path) -> None:
    recording = tmp_path / "one.jsonl"
    recording.write_text(json.dumps({
        "did": "did:plc:abc", "time_us": 1_700_000_000_000_000, "kind": "commit",
        "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "k",
                   "cid": "c", "record": {"$type": "app.bsky.feed.post",
                                          "text": "@acme.bsky.social my new Acme kettle "
                                                  "broke after two days. Nobody answers!",
                                          "createdAt": "2026-03-20T09:30:00Z"}}}) + "\n")
    config = tmp_path / "reale.toml"
    port = free_port()  # from [web] port: --port defaults to it, as `reale serve` does
    config.write_text(f'store = "sqlite:///{tmp_path / "r.sqlite"}"\n'
                      '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
                      f'[[sources]]\nkind = "replay"\npath = "{recording}"\n'
                      f'[web]\nport = {port}\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "reale", "run", "--config", str(config),
                             "--serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(180, proc.kill)  # a hung process fails the test, never the suite
    guard.start()
    try:
        said = []
        assert proc.stderr is not None
        for line in proc.stderr:  # waits for the process to speak: I/O, not test logic
            said.append(line)
            if "the sources have ended" in line:
                break
        desk = f"http://127.0.0.1:{port}/live"
        assert said[-1] == f"reale: the sources have ended; the desk stays at {desk} until Ctrl-C\n"
        # nobody can log in yet: the hint names this config, so the user lands in this store
        assert ("reale: no users yet: create the first admin with "
                f"`reale users add NAME --role admin --config {config}`\n") in said
        assert proc.poll() is None, "the desk closed when the replay ended"
        # what the desk shows is stored once the sources end, not only at Ctrl-C: the labels
        # and the opportunity (an alert would link to it) of the last post
        with closing(sqlite3.connect(tmp_path / "r.sqlite")) as db:
            assert db.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == 1
            assert db.execute("SELECT COUNT(*) FROM opportunities").fetchone()[0] == 1
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()["ok"] is True
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        guard.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "1 mentions" in out


def test_run_serve_refuses_a_bad_accounts_entry_before_anything_starts(tmp_path: Path) -> None:
    """The desk's [web.accounts] check comes first: no store opened, no model loaded, no source
    read; exit 2 with the one-line reason."""
    recording = tmp_path / "one.jsonl"
    recording.write_text('{"not": "read"}\n')
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path / "never.sqlite"}"\n'
                      '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
                      f'[[sources]]\nkind = "replay"\npath = "{recording}"\n'
                      '[web.accounts]\nAcme = "acme-bsky"\n', encoding="utf-8")
    out = run_cli("run", "--config", str(config), "--serve", "--port", str(free_port()))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "reale: error: web.accounts: Acme = 'acme-bsky' names no publishing account;"
        " configured: dry-run-bluesky, dry-run-mastodon, dry-run-x ([[publish.accounts]],"
        " docs/publishing.md)"]
    assert out.stdout == ""
    assert not (tmp_path / "never.sqlite").exists()
    serve = run_cli("serve", "--config", str(config), "--port", str(free_port()))
    assert serve.returncode == 2 and "names no publishing account" in serve.stderr
    assert not (tmp_path / "never.sqlite").exists()


def test_serve_without_users_says_how_to_add_one_to_the_store_it_reads(tmp_path: Path) -> None:
    """A user added without the desk's --config lands in the default store and cannot log in:
    the hint carries the same --config (or --store)."""
    config = tmp_path / "reale.toml"
    config.write_text(f'store = "sqlite:///{tmp_path / "elsewhere.sqlite"}"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for where in (("--config", str(config)), ("--store", f"sqlite:///{tmp_path / 'w.sqlite'}")):
        proc = subprocess.Popen([sys.executable, "-m", "reale", "serve", *where, "--port",
                                 str(free_port())], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        guard = threading.Timer(120, proc.kill)
        guard.start()
        try:
            assert proc.stderr is not None
            first = proc.stderr.readline()  # printed before the server starts: I/O, not logic
        finally:
            guard.cancel()
            proc.terminate()
            proc.communicate(timeout=20)
        assert first == ("reale: no users yet: create the first admin with "
                         f"`reale users add NAME --role admin {where[0]} {where[1]}`\n")
