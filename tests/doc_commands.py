"""Find the ``reale …`` command lines the documentation tells a user to type (README, docs/*.md,
examples/, the CLI's own help) so tests/test_docs_commands.py can parse each with the real parser.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DocCommand:
    """One ``reale …`` line as written, and where: ``where`` is ``docs/x.md:12`` or
    ``help of reale query:3``; ``inline`` says it came from a `code span` in prose."""

    where: str
    text: str
    inline: bool


def doc_files() -> list[Path]:
    """README.md, every docs/*.md except the generated docs/cli.md, and everything in examples/."""
    docs = sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")
    examples = sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())
    return [ROOT / "README.md", *docs, *examples]


_START = re.compile(r"^\s*(?:\$\s+)?(?:#\s+)?(reale\s.*)$")  # `$ reale …`, `# reale …` (TOML comment)
_INLINE = re.compile(r"(?<!`)`(reale\s[^`]+)`(?!`)")
_HELP_GLOSS = re.compile(r"\s{2,}(?=[a-z(])")  # the gloss after a command in a --help listing
_CHAIN = re.compile(r"(?:&&|\|\||;|\|)\s*(reale\s.*)$")  # `… && reale …`, `… | reale …`


def _join_continued(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Lines with their numbers (1-based), a trailing backslash joining the next line on."""
    i = 0
    while i < len(lines):
        start, text = i, lines[i]
        while text.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text.rstrip()[:-1] + " " + lines[i].strip()
        yield start + 1, text
        i += 1


def commands_in_text(text: str, where: str) -> list[DocCommand]:
    """Every ``reale …`` command in a page: whole lines in code blocks (in a text without code
    blocks, such as --help or a TOML file, any line that starts with one) and `reale …` code
    spans in prose, also those that wrap onto the next line."""
    found: list[DocCommand] = []
    lines = text.splitlines()
    fenced = any(line.lstrip().startswith("```") for line in lines)
    in_fence, prose = False, []
    for number, line in _join_continued(lines):
        fence = line.lstrip().startswith("```")
        in_fence ^= fence
        if fence or in_fence or not fenced:
            m = _START.match(line) or _CHAIN.search(line)
            if m and (in_fence or not fenced):
                found.append(DocCommand(f"{where}:{number}", m.group(1).strip(), inline=False))
                line = ""
        if fence or in_fence:
            line = ""
        prose += [""] * (number - 1 - len(prose)) + [line]
    body = "\n".join(prose)
    for m in _INLINE.finditer(body):
        number = body.count("\n", 0, m.start()) + 1
        found.append(DocCommand(f"{where}:{number}", " ".join(m.group(1).split()), inline=True))
    return sorted(found, key=lambda c: int(c.where.rsplit(":", 1)[1]))


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def help_texts(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(``reale a b``, its --help text) for every command and sub-command."""
    if path:
        yield "reale " + " ".join(path), parser.format_help()
    for name, sub in sorted(_subparsers(parser).items()):
        yield from help_texts(sub, (*path, name))


def all_doc_commands(parser: argparse.ArgumentParser) -> list[DocCommand]:
    found: list[DocCommand] = []
    for path in doc_files():
        rel = path.relative_to(ROOT).as_posix()
        found += commands_in_text(path.read_text(encoding="utf-8"), rel)
    for name, text in help_texts(parser):
        for cmd in commands_in_text(text, f"help of {name}"):  # `reale x    what it does`
            found.append(DocCommand(cmd.where, _HELP_GLOSS.split(cmd.text)[0], cmd.inline))
    return found
