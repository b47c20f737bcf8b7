"""``reale draft`` as a user runs it: JSON in, drafts out, clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_draft_command_proposes_replies_from_a_history(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    history.write_text(
        json.dumps({"in": "il pacco non è arrivato", "out": "@gio Ciao! Scrivici in DM il numero d'ordine."})
        + "\n{broken\n", encoding="utf-8")
    req = {"kind": "complaint", "text": "il mio pacco non è mai arrivato", "lang": "it",
           "author_handle": "zoe", "network": "bluesky"}
    out = run_cli("draft", "--history", str(history), stdin=json.dumps(req))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["skipped_lines"] == 1
    assert result["drafts"][0]["text"] == "@zoe Ciao! Scrivici in DM il numero d'ordine."
    assert 2 <= len(result["drafts"]) <= 3


def test_draft_command_rejects_bad_json_clearly() -> None:
    out = run_cli("draft", stdin="{nope")
    assert out.returncode == 2 and "not a draft request" in out.stderr
    assert "Traceback" not in out.stderr
