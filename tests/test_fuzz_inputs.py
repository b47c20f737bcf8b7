"""Fuzzing what people hand the command line and the desk as files or stdin: a draft request,
a situation to assess, a reply history. Whatever arrives (JSON nested thousands deep, text with
a lone surrogate, bytes that are not UTF-8) is refused with a clear DeskError or, for a line of a
history file, skipped and counted while the good lines around it are kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.desk.situation import parse_situation
from reale.desk.voice import parse_history
from reale.errors import DeskError
from tests.conftest import run_cli
from tests.fuzz_helpers import fuzz_settings

DEEP = b'{"kind": "praise", "zz": ' + b"[" * 5000 + b"]" * 5000 + b"}"
GOOD = [json.dumps({"in": "love the flowers", "out": "@amy Thank you so much!", "lang": "en"}),
        json.dumps({"in": "pacco in ritardo", "out": "@gio Ci dispiace, scrivici in DM.",
                    "lang": "it"})]


def test_a_history_line_nested_thousands_deep_is_skipped_and_counted() -> None:
    history, skipped = parse_history([GOOD[0].encode(), DEEP, GOOD[1].encode()])
    assert [h.reply for h in history] == ["@amy Thank you so much!",
                                          "@gio Ci dispiace, scrivici in DM."]
    assert skipped == 1


def test_a_history_line_with_a_lone_surrogate_is_skipped_and_counted() -> None:
    history, skipped = parse_history([GOOD[0], '{"in": "x", "out": "\ud800"}', GOOD[1]])
    assert len(history) == 2 and skipped == 1


def test_a_situation_nested_thousands_deep_is_a_desk_error() -> None:
    with pytest.raises(DeskError, match="situation"):
        parse_situation(b'{"zz": ' + b"[" * 5000 + b"]" * 5000 + b"}")


def test_a_situation_with_a_lone_surrogate_is_a_desk_error() -> None:
    with pytest.raises(DeskError, match="situation"):
        parse_situation('{"post": {"text": "\ud800"}}')


@pytest.mark.parametrize("command", ["draft", "assess"])
def test_the_command_line_refuses_stdin_nested_thousands_deep(command: str) -> None:
    out = run_cli(command, stdin=DEEP)
    assert out.returncode == 2, out.stderr
    assert "reale: error:" in out.stderr and "Traceback" not in out.stderr


LINES = st.one_of(st.sampled_from(GOOD), st.text(max_size=60),
                  st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")),
                  st.sampled_from(['{"in": "a", "out": ' + "[" * 3000 + "]" * 3000 + "}",
                                   '{"in": "a", "out": "\ud800"}', '{"out": 5}', "[]", "null"]))


@fuzz_settings()
@given(st.lists(LINES, max_size=8))
def test_any_history_file_keeps_its_good_lines_and_counts_the_rest(lines: list[str]) -> None:
    history, skipped = parse_history(lines)
    good = sum(1 for line in lines if line in GOOD)
    assert len(history) >= good
    assert len(history) + skipped == sum(1 for line in lines if line.strip())


@fuzz_settings()
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["post", "text", "author", "brand", "kind",
                                                       "followers", "lang", "x"]),
                                      inner, max_size=4), max_leaves=15))
def test_any_json_situation_is_assessed_or_refused(value: object) -> None:
    try:
        parse_situation(json.dumps(value))
    except DeskError as exc:
        assert str(exc)


@pytest.mark.parametrize("flag", ["--rate", "--duration", "--timeline-rate"])
def test_reale_simulate_refuses_an_infinite_number(flag: str) -> None:
    out = run_cli("simulate", flag, "inf", "--count", "3", timeout=30)
    assert out.returncode == 2 and flag in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("args", [("--rate", "inf"), ("--rate", "0"), ("--duration", "nan"),
                                  ("--duration", "inf"), ("--speed", "-1"), ("--speed", "nan"),
                                  ("--seed", "-1")])
def test_reale_demo_refuses_a_number_it_cannot_run_with(args: tuple[str, str]) -> None:
    out = run_cli("demo", "--no-serve", "--store", "sqlite://:memory:", *args, timeout=60)
    assert out.returncode == 2, out.stderr[-300:]
    assert args[0] in out.stderr and "Traceback" not in out.stderr
