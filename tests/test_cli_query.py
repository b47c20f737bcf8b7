"""``reale query check`` and ``reale query test``, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reale.match import parse_query
from reale.match.reference import evaluate
from tests.conftest import WIRE, run_cli

JETSTREAM = WIRE / "bluesky" / "jetstream_v1_events.jsonl"


def test_check_prints_the_normalised_query() -> None:
    out = run_cli("query", "check", 'Fiat "Alfa Romeo" OR perché NOT spam')
    assert out.returncode == 0, out.stderr
    assert out.stdout == '(fiat AND "alfa romeo") OR (perche AND NOT spam)\n'


def test_check_shows_the_error_with_a_caret_and_exits_2() -> None:
    out = run_cli("query", "check", "(fiat OR panda")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.splitlines() == ["reale: error: expected ')' at position 14",
                                       "  (fiat OR panda",
                                       "                ^"]


def test_check_explains_a_leading_minus_instead_of_an_argparse_error() -> None:
    out = run_cli("query", "check", "-spam")
    assert out.returncode == 2
    assert "expected one argument" not in out.stderr
    assert "'-' is not an operator" in out.stderr and "NOT spam" in out.stderr


def test_check_still_has_its_help_option() -> None:
    out = run_cli("query", "check", "--help")
    assert out.returncode == 0 and "EXPR" in out.stdout


def test_query_help_explains_both_commands() -> None:
    out = run_cli("query", "--help")
    assert out.returncode == 0
    assert "check" in out.stdout and "test" in out.stdout and "examples:" in out.stdout


def test_test_prints_the_matching_posts_of_a_recording() -> None:
    replay = pytest.importorskip("reale.sources.replay")  # the sources part provides it
    if not JETSTREAM.is_file():
        pytest.skip("../shared/data is not present")
    query = "government OR country*"
    expected = [p.uri for p in replay.iter_file_posts(JETSTREAM)
                if evaluate(parse_query(query), p)]
    assert expected, "the recording should contain a matching post"

    ids = run_cli("query", "test", query, str(JETSTREAM), "--ids")
    assert ids.returncode == 0, ids.stderr
    assert ids.stdout.splitlines() == expected
    assert f"{len(expected)} of " in ids.stderr

    full = run_cli("query", "test", query, str(JETSTREAM))
    lines = full.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == expected
    assert all("[" in line for line in lines)  # the matched words are marked


def test_test_refuses_a_missing_file_and_a_bad_query() -> None:
    missing = run_cli("query", "test", "fiat", "/nonexistent/file.jsonl")
    assert missing.returncode == 2
    assert "cannot read /nonexistent/file.jsonl" in missing.stderr
    bad = run_cli("query", "test", "fiat AND", "/nonexistent/file.jsonl")
    assert bad.returncode == 2
    assert "expected a term" in bad.stderr


def test_test_never_prints_terminal_control_sequences_from_a_post(tmp_path: Path) -> None:
    """A post (or its author's handle) may carry escape sequences that would clear the screen,
    retitle the window or fake output: what reaches the terminal is only printable text."""
    did = "did:plc:esc"
    identity = {"did": did, "time_us": 1_700_000_000_000_000, "kind": "identity",
                "identity": {"did": did, "handle": "evil\x1b[31m.bsky.social", "seq": 1,
                             "time": "2026-01-01T00:00:00Z"}}
    post = {"did": did, "time_us": 1_700_000_000_000_001, "kind": "commit",
            "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "k",
                       "cid": "c", "record": {"$type": "app.bsky.feed.post",
                                              "createdAt": "2026-01-01T00:00:00Z",
                                              "text": "fiat \x1b[2J\x1b]0;owned\x07 \x9b31m \u202eok"}}}
    recording = tmp_path / "esc.jsonl"
    recording.write_text(json.dumps(identity) + "\n" + json.dumps(post) + "\n")
    out = run_cli("query", "test", "fiat", str(recording))
    assert out.returncode == 0, out.stderr
    assert out.stdout == "at://did:plc:esc/app.bsky.feed.post/k @evil[31m.bsky.social: " \
                         "[fiat] [2J]0;owned 31m ok\n"
