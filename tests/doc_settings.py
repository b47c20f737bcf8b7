"""Find the config settings the documentation names (``[section] key`` in prose, the key tables,
```toml blocks, examples/*.toml) and say whether the config model has each, for
tests/test_docs_settings.py. The model is the frozen structs the real loaders convert into.
"""

from __future__ import annotations

import re
import tomllib
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from reale.alerts.config import AlertsConfig
from reale.config import SETTINGS, BrandConfig, SourceConfig, StoreSettings
from reale.desk.aftermath_rules import AftermathParams
from reale.desk.drafts import DraftSettings
from reale.desk.guard import GuardSettings
from reale.desk.llm import LlmConfig
from reale.desk.opportunity_rules import DeskWeights, ResponseTargets
from reale.desk.realness_rules import RealnessWeights
from reale.publish.base import Account
from reale.signals.settings import SignalsConfig
from reale.web.settings import WebSettings
from tests.doc_commands import ROOT

ANY = "any key"  # a table whose keys are the user's own (brand names, product names)
Node = Any  # a struct type, a dict of name -> Node, a leaf type, or ANY

# The config file as the loaders read it: reale.config for the top level, brands and sources;
# each later stage's struct for its section (the one its loader converts the table into).
MODEL: dict[str, Node] = {
    **{s.name: type(s.default) for s in SETTINGS},
    "brands": BrandConfig, "sources": SourceConfig,
    "store": StoreSettings,  # `store = URL`, or the [store] table
    "alerts": AlertsConfig, "web": WebSettings, "signals": SignalsConfig,
    "publish": {"accounts": Account},
    "desk": {"aftermath": AftermathParams, "drafts": DraftSettings, "guard": GuardSettings,
             "llm": LlmConfig,
             "realness": RealnessWeights, "targets": ResponseTargets, "weights": DeskWeights,
             "learning": {"relevance_memory": int}},  # read by reale.run.learning
}


def _unwrap(tp: Any) -> Node:
    """A struct, a table of the user's own keys, or a leaf, out of a field's annotation."""
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        return _unwrap(typing.get_args(tp)[0])
    if origin is dict or tp is dict:
        return ANY
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return next((_unwrap(a) for a in typing.get_args(tp) if a is not type(None)), tp)
    return tp


def children(node: Node) -> dict[str, Node] | None:
    """The keys a node accepts (None: a leaf, or ANY)."""
    if isinstance(node, dict):
        return node
    if isinstance(node, type) and issubclass(node, msgspec.Struct):
        return {f.encode_name: _unwrap(f.type) for f in msgspec.structs.fields(node)}
    return None


def resolve(path: list[str]) -> Node:
    """The model's node for ``path`` (``["signals", "momentum", "params", "theta"]``), or a
    KeyError naming the first part the model does not have."""
    node: Node = MODEL
    for i, part in enumerate(path):
        if node is ANY:
            return ANY
        keys = children(node)
        matches = [k for k in keys or {} if k == part or (part.endswith("*")
                                                         and k.startswith(part[:-1]))]
        if not matches:
            where = "the top level" if i == 0 else "[" + ".".join(path[:i]) + "]"
            raise KeyError(f"{where} has no key {part!r}")
        node = (keys or {})[matches[0]]
    return node


@dataclass(frozen=True)
class DocSetting:
    where: str
    path: tuple[str, ...]


_SECTION = r"`\[\[?([a-z][a-z0-9_.]*)\]\]?`"
_KEY = r"`([a-z][a-z0-9_]*\*?)`"


def toml_paths(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path in parsed TOML (an array of tables counts as its tables' keys)."""
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                yield from toml_paths(item, prefix)
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            if prefix[-1:] != ("accounts",) or prefix[:1] != ("web",):
                yield from toml_paths(value, (*prefix, key))


def toml_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(line of the opening fence, body) of every ```toml block."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        if start is None and line.strip() == "```toml":
            start = i
        elif start is not None and line.strip() == "```":
            yield start + 1, "\n".join(lines[start + 1:i])
            start = None


def prose_settings(text: str, where: str) -> Iterator[DocSetting]:
    """``[section] key`` in one code span, ``[section]` `key`` side by side, and the key tables:
    a table whose first column is "key" or "setting" names keys of the section its heading (or a
    row's leading `[section]`) names."""
    section: tuple[str, ...] = ()
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        at = f"{where}:{number}"
        for sec, key in re.findall(r"`\[\[?([a-z][a-z0-9_.]*)\]\]? ([a-z][a-z0-9_]*\*?)", line):
            yield DocSetting(at, (*sec.split("."), key))
        if line.startswith("#"):
            found = re.findall(_SECTION, line)
            section = tuple(found[-1].split(".")) if found else ()
        if re.match(r"^\| *(key|setting) *\|", line):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if in_table and not line.startswith("|---"):
            first = line.split("|")[1]
            row_section = re.findall(_SECTION, first)
            if row_section:
                section = tuple(row_section[0].split("."))
            for key in re.findall(_KEY, re.sub(_SECTION, "", first)):
                yield DocSetting(at, (*section, key))
        else:
            for sec, key in re.findall(_SECTION + " " + _KEY, line):
                yield DocSetting(at, (*sec.split("."), key))


def section_names(text: str, where: str) -> Iterator[DocSetting]:
    """Every `[section]` and `[[section]]` code span."""
    for number, line in enumerate(text.splitlines(), 1):
        for sec in re.findall(_SECTION, line):
            yield DocSetting(f"{where}:{number}", tuple(sec.split(".")))


def settings_md_lists(text: str) -> Iterator[DocSetting]:
    """docs/settings.md's "`[[brands]]` (name, handles, …)" lists of a section's keys."""
    for m in re.finditer(r"`\[\[(brands|sources)\]\]` \(([^)]*)\)", text):
        number = text.count("\n", 0, m.start()) + 1
        for item in m.group(2).split(" — ")[0].split(","):
            key = item.split()[0]
            yield DocSetting(f"docs/settings.md:{number}", (m.group(1), key))


def uncommented(text: str) -> str:
    """An example config with its commented-out TOML switched on (``# [alerts]``, ``# key = …``)."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^# ?(\[.*\]|[a-z_]+ = .*|)$", line)
        out.append(m.group(1) if m else line)
    return "\n".join(out)


def doc_pages() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
            for p in pages if p.name != "cli.md"]


def all_doc_settings() -> list[DocSetting]:
    found: list[DocSetting] = []
    for where, text in doc_pages():
        found += prose_settings(text, where)
        for number, body in toml_blocks(text):
            found += [DocSetting(f"{where}:{number}", p) for p in toml_paths(tomllib.loads(body))]
        if where == "docs/settings.md":
            found += settings_md_lists(text)
    for path in sorted((ROOT / "examples").glob("*.toml")):
        where = path.relative_to(ROOT).as_posix()
        data = tomllib.loads(uncommented(path.read_text(encoding="utf-8")))
        found += [DocSetting(where, p) for p in toml_paths(data)]
    return found
