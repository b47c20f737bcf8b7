"""Every setting the docs name exists in the config model, and every config the docs show loads.

Settings come from ``[section] key`` in prose, the key tables of docs/*.md, docs/settings.md's
lists, ```toml blocks and examples/*.toml (its commented-out sections too); tests/doc_settings.py
finds them. Configs are loaded with the real loader and each section's real reader.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from reale.alerts.config import parse_alerts_config
from reale.config import Config, load_config, parse_config
from reale.desk.aftermath_rules import aftermath_params_from_config
from reale.desk.drafts import draft_settings
from reale.desk.llm import llm_config
from reale.desk.opportunity_rules import desk_weights_from_config, response_targets_from_config
from reale.desk.realness_rules import realness_weights_from_config
from reale.errors import ConfigError
from reale.publish.factory import accounts_from_config
from reale.run.learning import relevance_memory
from reale.signals.settings import signals_config
from reale.web.settings import web_settings
from tests.doc_commands import ROOT
from tests.doc_settings import (
    all_doc_settings,
    doc_pages,
    resolve,
    section_names,
    toml_blocks,
    uncommented,
)

# Section names the docs write on purpose although the config has no such section.
NOT_SECTIONS: dict[tuple[str, ...], str] = {
    ("alert",): "docs/settings.md shows this typo of [alerts] being refused",
    ("desk", "realnes"): "docs/settings.md shows this typo of [desk.realness] being refused",
}


def read_every_section(cfg: Config) -> None:
    """What a run does with a config's sections: each stage's reader, with its checks."""
    parse_alerts_config(cfg.extra.get("alerts"))
    web_settings(cfg.extra, cfg.team_language)
    accounts_from_config(cfg.extra, {})
    signals_config(cfg.extra)
    llm_config(cfg.extra, {})
    draft_settings(cfg.extra)
    relevance_memory(cfg.extra)
    for read in (aftermath_params_from_config, desk_weights_from_config,
                 response_targets_from_config, realness_weights_from_config):
        read(cfg.extra)


def test_every_documented_setting_exists_in_the_config_model() -> None:
    found = all_doc_settings()
    missing = []
    for setting in found:
        try:
            resolve(list(setting.path))
        except KeyError as exc:
            missing.append(f"{setting.where}: {'.'.join(setting.path)}: {exc.args[0]}")
    assert not missing, "settings the docs name but the config does not have:\n" + "\n".join(missing)
    assert len({s.path for s in found}) > 250  # the tables, blocks and examples were all read


def test_every_documented_section_exists_and_the_deliberate_typos_are_refused() -> None:
    unknown = []
    for where, text in doc_pages():
        for sec in section_names(text, where):
            if sec.path in NOT_SECTIONS:
                continue
            try:
                resolve(list(sec.path))
            except KeyError as exc:
                unknown.append(f"{sec.where}: [{'.'.join(sec.path)}]: {exc.args[0]}")
    assert not unknown, "sections the docs name but the config does not have:\n" + "\n".join(unknown)
    for path in NOT_SECTIONS:
        table = "[" + ".".join(path) + "]\nx = 1\n"
        with pytest.raises(ConfigError, match="unknown section"):
            parse_config(table)


def test_the_model_refuses_what_it_does_not_have() -> None:
    resolve(["signals", "momentum", "params", "theta"])
    resolve(["alerts", "channels", "from"])  # the TOML name, not the field's
    resolve(["web", "login_*"])
    for path in (["stroe"], ["signals", "reach", "windw"], ["desk", "llm", "modle"]):
        with pytest.raises(KeyError, match=repr(path[-1])):
            resolve(path)


def _blocks() -> list[tuple[str, str]]:
    return [(f"{where}:{number}", body) for where, text in doc_pages()
            for number, body in toml_blocks(text)]


@pytest.mark.parametrize("where, body", _blocks(), ids=[w for w, _ in _blocks()])
def test_every_toml_block_in_the_docs_loads(where: str, body: str) -> None:
    read_every_section(parse_config(body, path=where))


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.toml")), ids=lambda p: p.name)
def test_every_example_config_loads_with_its_commented_sections_switched_on(path: Path,
                                                                           tmp_path: Path) -> None:
    cfg = load_config(path)
    read_every_section(cfg)
    assert cfg.brands and cfg.sources
    switched_on = tmp_path / path.name
    switched_on.write_text(uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    raw: dict[str, Any] = tomllib.loads(switched_on.read_text(encoding="utf-8"))
    full = load_config(switched_on)
    read_every_section(full)
    assert set(raw) - set(tomllib.loads(path.read_text(encoding="utf-8"))) <= set(full.extra)
