"""The outputs the docs show are what the commands print: the ``reale query check`` sessions of
docs/match.md, the ``reale assess`` example of docs/realness.md and the ``reale momentum`` example
of docs/signals.md are run for real (a subprocess each) and compared with the page.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tests.conftest import run_cli
from tests.doc_settings import doc_pages


def _console_sessions(page: str) -> list[tuple[str, str]]:
    """(command, output shown) for each ``$ reale query check …`` in a ```console block."""
    text = dict(doc_pages())[page]
    sessions = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith("reale query check "):
                sessions.append((command, output.rstrip("\n")))
    return sessions


def test_the_query_check_sessions_in_match_md_print_what_the_page_shows() -> None:
    sessions = _console_sessions("docs/match.md")
    assert len(sessions) >= 2
    for command, shown in sessions:
        out = run_cli(*shlex.split(command)[1:], timeout=60)
        assert (out.stdout + out.stderr).rstrip("\n") == shown, command
        assert out.returncode == (2 if shown.startswith("reale: error") else 0)


def test_the_assess_example_in_realness_md_gives_the_verdict_the_page_shows() -> None:
    text = dict(doc_pages())["docs/realness.md"]
    m = re.search(r"\$ echo '(.*?)' \| reale assess\n(.*?)```", text, re.S)
    assert m, "docs/realness.md has no `echo '…' | reale assess` example"
    shown = json.loads(m.group(2).replace(", …]", "]"))
    out = run_cli("assess", stdin=m.group(1), timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert (got["verdict"], got["risk"]) == (shown["verdict"], shown["risk"])
    for key in ("reasons", "advice"):  # the page shows the first ones and elides the rest
        assert got[key][:len(shown[key])] == shown[key]


def test_the_momentum_example_in_signals_md_prints_the_page_s_figures(data_dir: Path) -> None:
    text = " ".join(dict(doc_pages())["docs/signals.md"].split())
    m = re.search(r"SEISMIC example after one hour: `(\{.*?\})`", text)
    assert m, "docs/signals.md has no `reale momentum` example"
    cascade = data_dir / "cascades" / "seismic-example" / "tweet_127001313513967616.csv"
    out = run_cli("momentum", "--cascade", str(cascade), "--observe", "3600", timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == json.loads(m.group(1))

