"""Every ``reale …`` command the docs tell a user to type parses with the real CLI parser.

Commands come from README.md, docs/*.md (not the generated docs/cli.md), examples/ and the CLI's
own help (tests/doc_commands.py). They are parsed, never run. Placeholders (FILE, HOST:PORT, …)
are replaced by realistic values from PLACEHOLDERS; a synopsis line (``reale x [--a A | --b B]``)
is tried without its optional parts and with each alternative of them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex

import pytest

from reale.cli import build_parser
from tests.doc_commands import DocCommand, all_doc_commands

# What each placeholder the docs write stands for: whole words, replaced before parsing.
PLACEHOLDERS: dict[str, list[str]] = {
    "FILE": ["var/sim.jsonl"],
    "FILE.jsonl": ["var/sim.jsonl"],
    "FILE.csv": ["var/cascade.csv"],
    "A": ["2.0"],  # SEISMIC's alpha and gamma
    "G": ["0.5"],
    "HOST:PORT": ["127.0.0.1:9092"],
    "CHANNEL": ["team-slack"],
    "ID": ["3"],
    "TASK": ["sentiment"],
    "SECONDS": ["60"],
    "B": ["Volta"],
    "URL": ["sqlite:///var/reale.sqlite"],
    "ROLE": ["stages"],
    "NAME": ["ada"],
    "N": ["10"],
    "postgresql://…": ["postgresql://reale@db/reale"],
    "…": ["fiorella OR #fiorella"],  # `reale query check '…'`: the query goes there
    "...": [],  # "and more of the same" in a synopsis
}

# `reale kafka worker …`: "…" there stands for the worker's options, not one word.
WHOLE_LINE: dict[str, str] = {
    "reale kafka worker …": "reale kafka worker --role stages --bootstrap 127.0.0.1:9092 "
                            "--store postgresql://reale@db/reale --config reale.toml",
}

# Prose names a command (`reale run`, `reale replay --full`) without the arguments it requires:
# for a code span in prose (never a code block), the missing ones are added from here, keyed by
# the command and the name argparse gives the missing argument.
REQUIRED: dict[tuple[str, str], list[str]] = {
    ("run", "--config"): ["--config", "reale.toml"],
    ("replay", "files"): ["var/sim.jsonl"],
    ("eval", "task"): ["sentiment"],
    ("eval", "--data"): ["--data", "var/labelled.jsonl"],
    ("query check", "EXPR"): ["fiat OR panda"],
    ("users", "ACTION"): ["list"],
    ("users add", "name"): ["ada"],
    ("users add", "--role"): ["--role", "admin"],
}

# Code spans that name an option in prose rather than a command to type, with why.
MENTIONS: dict[str, tuple[list[str], str]] = {
    "reale assess --config": (["reale", "assess", "--config", "reale.toml"],
                              "prose names the option; its value is the config file"),
    "reale replay --speed": (["reale", "replay", "--speed", "10", "var/sim.jsonl"],
                             "contracts.md names the option that paces a replay"),
}


class ParseError(Exception):
    pass


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise ParseError(err.getvalue().strip().splitlines()[-1]) from None


def _command_path(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    path: list[str] = []
    for word in argv:
        subs = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None)
        if not isinstance(subs, dict) or word not in subs:
            break
        path.append(word)
        parser = subs[word]
    return " ".join(path)


def _strip_shell(text: str) -> str:
    """The command alone: no trailing `# comment` or redirection."""
    text = re.sub(r"\s+#\s.*$", "", text)
    return re.sub(r"\s+[0-9]?[<>].*$", "", text).strip()


def _unchain(text: str) -> str:
    """Without a pipe or ``&&`` into another program (after a synopsis's ``a | b`` is resolved)."""
    return re.split(r"\s+(?:\||&&|;)\s+", text)[0].strip()


def _variants(text: str) -> list[str]:
    """A synopsis line's concrete forms: without its ``[optional]`` parts, then with them and
    each alternative of ``a | b`` and ``x|y|z`` in turn; any other line as it is."""
    bracket, choice = r"\s*\[([^\[\]]*)\]", r"(?<!\S)(\S+\|\S+)"
    if not re.search(r"\[(?:-|[A-Z])", text) and not re.search(r"\s--\S+ \w+\|\w", text):
        return [text]
    alternatives = [len(re.split(r"\s+\|\s+|\|", g)) for g in re.findall(r"\[([^\[\]]*)\]", text)]
    alternatives += [len(w.split("|")) for w in re.findall(r"\S+\|\S+", text)]
    out = [re.sub(bracket, "", text)] if "[" in text else []
    for i in range(max(alternatives)):
        def pick(alts: list[str], i: int = i) -> str:
            return alts[min(i, len(alts) - 1)]
        form = re.sub(bracket, lambda m: " " + pick(re.split(r"\s+\|\s+", m.group(1))), text)
        out.append(re.sub(choice, lambda m: pick(m.group(1).split("|")), form))
    return out


def _argv(text: str) -> list[str]:
    words: list[str] = []
    for word in shlex.split(text):
        if word in PLACEHOLDERS:
            words += PLACEHOLDERS[word]
        elif word.endswith(",..."):  # `--tasks language,sentiment,...`
            words.append(word[:-4])
        else:
            words.append(word)
    return words[1:]  # without `reale`


def check(parser: argparse.ArgumentParser, cmd: DocCommand,
          used: set[tuple[str, str]] | None = None) -> list[str]:
    """The errors (empty if none) parsing one documented command in each of its forms; the
    REQUIRED entries it took are added to ``used``."""
    text = _strip_shell(cmd.text)
    if cmd.inline and text in MENTIONS:
        forms = [MENTIONS[text][0][1:]]
    else:
        forms = [_argv(_unchain(v)) for v in _variants(WHOLE_LINE.get(text, text))]
    errors = []
    for argv in forms:
        for _ in range(4):
            try:
                _parse(parser, argv)
                break
            except ParseError as exc:
                missing = re.search(r"the following arguments are required: (.*)", str(exc))
                path = _command_path(parser, argv)
                names = [(path, n.strip()) for n in missing.group(1).split(",")] if missing else []
                fill = [REQUIRED.get(n) for n in names] if names and cmd.inline else [None]
                if any(f is None for f in fill):
                    errors.append(f"{cmd.where}: `{cmd.text}` -> reale {' '.join(argv)}: {exc}")
                    break
                (used if used is not None else set()).update(names)
                argv = argv + [w for f in fill if f for w in f]
        else:
            errors.append(f"{cmd.where}: `{cmd.text}`: still missing arguments after "
                          f"reale {' '.join(argv)}")
    return errors


def test_docs_name_commands_in_every_source() -> None:
    """The extraction finds commands in README, docs, examples and the CLI's help: if it found
    none somewhere, the checks below would pass vacuously."""
    found = all_doc_commands(build_parser())
    sources = {c.where.split(":")[0] for c in found}
    assert "README.md" in sources
    assert "examples/reale.toml" in sources
    assert any(s.startswith("docs/") for s in sources)
    assert any(s.startswith("help of reale") for s in sources)
    assert len(found) > 150


def test_every_documented_command_parses() -> None:
    parser = build_parser()
    errors = [e for cmd in all_doc_commands(parser) for e in check(parser, cmd)]
    assert not errors, "documented commands the CLI refuses:\n" + "\n".join(errors)


def test_every_exception_list_entry_is_still_used() -> None:
    """A MENTIONS, WHOLE_LINE or REQUIRED entry the docs no longer need is dead: remove it."""
    parser, used = build_parser(), set[tuple[str, str]]()
    commands = all_doc_commands(parser)
    texts = {_strip_shell(c.text) for c in commands}
    assert not [t for t in (*MENTIONS, *WHOLE_LINE) if t not in texts]
    for cmd in commands:
        check(parser, cmd, used)
    assert set(REQUIRED) - used == set()


@pytest.mark.parametrize("line, error", [
    ("reale simulate --cuont 10", "unrecognized arguments: --cuont"),
    ("reale eval sentimental --data FILE", "invalid choice: 'sentimental'"),
    ("reale momentum --cascade FILE", "required: --observe"),
    ("reale kafka worker --role source --bootstrap", "expected one argument"),
])
def test_a_command_the_parser_refuses_is_reported_with_doc_line_and_error(line: str, error: str) -> None:
    errors = check(build_parser(), DocCommand("docs/x.md:7", line, inline=False))
    assert len(errors) == 1 and errors[0].startswith("docs/x.md:7: `" + line + "`")
    assert error in errors[0]


def test_a_synopsis_line_is_tried_bare_and_with_each_alternative() -> None:
    assert _variants("reale store info [--store URL | --config reale.toml] [--json]") == [
        "reale store info",
        "reale store info --store URL --json",
        "reale store info --config reale.toml --json",
    ]
    assert _variants("reale kafka worker --role source|stages --json") == [
        "reale kafka worker --role source --json", "reale kafka worker --role stages --json"]


def test_a_misspelt_role_for_the_kafka_runner_is_refused_as_the_worker_refuses_it() -> None:
    """README's `reale run --runner kafka --role source|matcher|stages|moments`: the parser knows
    the roles, so a typo is an argparse error at once (it used to be checked only after the
    broker had answered: with none reachable, the user heard about the broker instead)."""
    line = "reale run --runner kafka --role sourc --bootstrap 127.0.0.1:9092 --config reale.toml"
    for command in (line, line.replace("run --runner kafka", "kafka worker")):
        errors = check(build_parser(), DocCommand("README.md:1", command, inline=False))
        assert len(errors) == 1 and "argument --role: invalid choice: 'sourc'" in errors[0]
