"""`reale replay` says what a config edit changed, like `reale run` (one code path): a replay
running in a real subprocess prints the reloader's "reloaded watch-queries" line on stderr."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from tests.conftest import ROOT

CONFIG = 'reload_interval = 0.05\n[[brands]]\nname = "fiat"\nkeywords = ["panda"]\n'
MORE = CONFIG + '[[brands]]\nname = "alfa"\nqueries = ["giulia"]\n'


def jetstream_post(n: int, at_us: int, text: str) -> str:
    return json.dumps({
        "did": "did:plc:abc", "time_us": at_us, "kind": "commit",
        "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": f"k{n}",
                   "cid": f"c{n}", "record": {"$type": "app.bsky.feed.post", "text": text,
                                              "createdAt": "2026-03-20T09:30:00Z"}}})


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    """Every line ``stream`` prints, as it prints it (read on a thread)."""
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


def wait_for(lines: queue.Queue[str], words: str, seen: list[str]) -> bool:
    """Read lines until one holds ``words`` (True) or none comes for 30 s (False)."""
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            return False
        seen.append(line)
        if words in line:
            return True


def test_a_replay_prints_what_a_config_edit_changed(tmp_path: Path) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(CONFIG, encoding="utf-8")
    recording = tmp_path / "two.jsonl"  # the second post is an hour later: the replay waits
    recording.write_text(jetstream_post(1, 1_700_000_000_000_000, "una panda") + "\n"
                         + jetstream_post(2, 1_700_003_600_000_000, "una panda") + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reale", "replay", str(recording), "--config", str(config),
         "--store", f"sqlite:///{tmp_path}/r.sqlite", "--speed", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    out, err, seen = lines_of(proc.stdout), lines_of(proc.stderr), []  # type: list[str]
    try:
        assert wait_for(out, "panda", seen), seen  # the first mention: the replay is running
        config.write_text(MORE, encoding="utf-8")
        assert wait_for(err, "reloaded watch-queries", seen), seen
        assert "brand added: alfa" in seen[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
