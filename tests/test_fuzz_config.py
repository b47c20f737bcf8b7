"""Fuzzing the configuration: the TOML examples of the docs with a value of the wrong type put
anywhere are accepted or refused with a ConfigError naming the setting, by the core loader and by
every section's reader (web, publish, signals, desk, alerts) — never another exception."""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.config import Config, SourceConfig, load_config, parse_config
from reale.desk.drafts import draft_settings
from reale.desk.guard import guard_settings
from reale.desk.llm import llm_config
from reale.errors import ConfigError, RealeError
from reale.publish.factory import accounts_from_config
from reale.run.learning import relevance_memory
from reale.run.wiring import alerts_from_config
from reale.signals.settings import signals_config
from reale.sources.base import MemoryCursorStore
from reale.sources.factory import build_sources
from reale.store.url import parse_store_url
from reale.web.settings import web_settings
from tests.conftest import ROOT, run_cli
from tests.fuzz_helpers import fuzz_settings

READERS: dict[str, Callable[[Config], object]] = {
    "web": lambda c: web_settings(c.extra, c.team_language),
    "publish": lambda c: accounts_from_config(c.extra, {}),
    "signals": lambda c: signals_config(c.extra),
    "desk.llm": lambda c: llm_config(c.extra, {}),
    "desk.drafts": lambda c: draft_settings(c.extra),
    "desk.guard": lambda c: guard_settings(c.extra),
    "desk.learning": lambda c: relevance_memory(c.extra),
    "alerts": lambda c: alerts_from_config(c.extra),
}


def _read_all(text: str) -> None:
    """Load ``text`` and read every section, as ``reale run`` does: a ConfigError (or another
    RealeError with its message) is the only way to refuse."""
    try:
        cfg = parse_config(text)
    except ConfigError as exc:
        assert str(exc)
        return
    for reader in READERS.values():
        try:
            reader(cfg)
        except RealeError as exc:
            assert str(exc)


# --- the minimal examples the fuzzing found ------------------------------------------------

@pytest.mark.parametrize("section", ["desk", "web", "alerts", "signals", "publish"])
@pytest.mark.parametrize("value", ['"text"', "true", "[1, 2]", "nan"])
def test_a_section_that_is_not_a_table_is_a_config_error(section: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"\[{section}\] must be a table"):
        parse_config(f"{section} = {value}\n")


def test_a_desk_subsection_that_is_not_a_table_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"\[desk.llm\] must be a table"):
        parse_config("[desk]\nllm = 5\n")


def test_publish_accounts_that_are_not_a_list_of_tables_are_a_config_error() -> None:
    cfg = parse_config("[publish]\naccounts = 1000\n")
    with pytest.raises(ConfigError, match=r"publish.accounts"):
        accounts_from_config(cfg.extra, {})


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "reale.toml"
    path.write_bytes(b'store = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path)


@pytest.mark.parametrize("text", ["[web]\nlive_interval = nan\n", "[desk.drafts]\nconsensus = nan\n",
                                  "[[sources]]\nkind = \"replay\"\nspeed = -nan\n",
                                  "[signals]\nx = [1.0, [nan]]\n"])
def test_nan_is_refused_wherever_it_is_written(text: str) -> None:
    with pytest.raises(ConfigError, match="= nan: write a number"):
        parse_config(text)


def test_tables_nested_thousands_deep_are_a_config_error() -> None:
    with pytest.raises(ConfigError):
        parse_config("x = " + "[" * 5000 + "]" * 5000 + "\n")


@pytest.mark.parametrize("url", ["postgresql://[::1", "postgresql://h:port/db",
                                 "sqlite:///x\x00.db", "postgresql://h/db\x00"])
def test_a_store_url_that_cannot_be_opened_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="store URL"):
        parse_store_url(url)


def test_reale_store_refuses_a_malformed_address_with_a_clear_error() -> None:
    out = run_cli("store", "migrate", "--store", "postgresql://[::1")
    assert out.returncode == 2 and "store URL" in out.stderr and "Traceback" not in out.stderr


@fuzz_settings()
@given(st.text(max_size=40), st.sampled_from(["sqlite://", "sqlite:///", "postgresql://", "x://"]))
def test_any_store_url_parses_or_is_a_config_error(rest: str, scheme: str) -> None:
    try:
        parsed = parse_store_url(scheme + rest)
    except ConfigError as exc:
        assert str(exc)
        return
    assert "\x00" not in parsed.target


# --- properties ------------------------------------------------------------------------------

def _doc_samples() -> list[dict[str, Any]]:
    out = []
    files = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "examples" / "reale.toml"]
    for f in files:
        text = f.read_text(encoding="utf-8")
        blocks = [text] if f.suffix == ".toml" else re.findall(r"```toml\n(.*?)```", text, re.S)
        for block in blocks:
            try:
                out.append(tomllib.loads(block))
            except tomllib.TOMLDecodeError:
                continue
    return out


SAMPLES = _doc_samples()
ODD: list[Any] = [-1, 0, 2**63 - 1, -(2**63), math.nan, math.inf, -0.0, 0.5, "", "\x00", "x" * 5000,
                  "nan", "<script>", "../../etc/passwd", "http://[::1", True, [], {}, [1, "a"],
                  {"a": {"b": 1}}, [[[]]]]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (int, float, str)):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


def _mutate(obj: Any, data: st.DataObject) -> None:
    node = obj
    while isinstance(node, (dict, list)) and node:
        key = data.draw(st.sampled_from(sorted(node)) if isinstance(node, dict)
                        else st.integers(0, len(node) - 1))
        if not isinstance(node[key], (dict, list)) or data.draw(st.integers(0, 3)) == 0:
            node[key] = copy.deepcopy(data.draw(st.sampled_from(ODD)))
            return
        node = node[key]


@pytest.mark.skipif(not SAMPLES, reason="no TOML examples in docs/")
@fuzz_settings()
@given(st.data())
def test_documented_configs_with_odd_values_load_or_say_what_is_wrong(data: st.DataObject) -> None:
    merged: dict[str, Any] = {}
    for sample in data.draw(st.lists(st.sampled_from(SAMPLES), min_size=1, max_size=3)):
        for key, value in copy.deepcopy(sample).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(merged, data)
    _read_all("\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in merged.items()))


# --- source settings ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["jetstream", "mastodon", "x", "replay"])
@pytest.mark.parametrize(("setting", "value"), [("rewind", math.inf), ("rewind", math.nan),
                                                ("speed", math.nan), ("speed", -1.0),
                                                ("max_gap", -math.inf)])
def test_a_source_number_that_is_not_finite_and_positive_is_a_config_error(
        kind: str, setting: str, value: float) -> None:
    cfg = SourceConfig(kind=kind, url="https://example.social", token="t", path="x.jsonl",
                       **{setting: value})
    with pytest.raises(ConfigError, match=setting):
        build_sources(cfg, cursor_store=MemoryCursorStore())


def test_reale_replay_refuses_a_speed_that_is_not_a_number() -> None:
    out = run_cli("replay", "nowhere.jsonl", "--speed", "nan")
    assert out.returncode == 2 and "speed" in out.stderr and "Traceback" not in out.stderr
