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


def test_a_brand_the_config_does_not_name_is_refused_not_guarded_blind(tmp_path: Path) -> None:
    """--config brings the brand's handles, hashtags, products and competitors to the guard: a
    misspelt brand would guard without them (its own handle stripped, its prices blocked)."""
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Fiori"\nkeywords = ["fiori"]\n'
                      'handles = ["fiori.bsky.social"]\n', encoding="utf-8")
    req = json.dumps({"kind": "praise", "text": "adoro i vostri fiori", "lang": "it"})
    out = run_cli("draft", "--config", str(config), "--brand", "fiori", stdin=req)
    assert out.returncode == 2
    assert "brand 'fiori' is not in" in out.stderr and "[[brands]]: Fiori" in out.stderr
    assert run_cli("draft", "--config", str(config), "--brand", "Fiori", stdin=req).returncode == 0
