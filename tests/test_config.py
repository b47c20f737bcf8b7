"""The config is TOML, frozen, validated at the edge, and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from reale.config import SETTINGS, Config, parse_config
from reale.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_a_brand_with_queries_parses_into_a_frozen_config() -> None:
    cfg = parse_config('[[brands]]\nname = "Fiorella"\nhandles = ["fiorella"]\nqueries = ["fiori AND #ff"]\n')
    assert cfg.brands[0].name == "Fiorella"
    assert cfg.brands[0].queries == ("fiori AND #ff",)
    with pytest.raises(AttributeError):
        cfg.store = "x"  # type: ignore[misc]


def test_bad_toml_names_the_file() -> None:
    with pytest.raises(ConfigError, match=r"my\.toml"):
        parse_config("brands = [", path="my.toml")


def test_unknown_brand_field_is_an_error() -> None:
    with pytest.raises(ConfigError, match="colour"):
        parse_config('[[brands]]\nname = "A"\ncolour = "red"\n')


def test_a_misspelt_setting_or_section_is_refused_not_silently_ignored() -> None:
    # ignored, `stroe` would have sent every mention to the default SQLite file
    with pytest.raises(ConfigError, match=r"unknown setting 'stroe'; did you mean 'store'\?"):
        parse_config('stroe = "postgresql://db/reale"\n', path="reale.toml")
    with pytest.raises(ConfigError, match=r"unknown section \[alert\]; did you mean \[alerts\]\?"):
        parse_config("[alert]\ndesk_url = 'http://x'\n")
    with pytest.raises(ConfigError, match=r"\[desk.realnes\]; did you mean \[desk.realness\]\?"):
        parse_config("[desk.realnes]\ntransactional_at = 0.6\n")
    # a section of a later stage with a name of its own is that stage's to read
    assert parse_config("[understand]\nbatch = 8\n").extra == {"understand": {"batch": 8}}


def test_duplicate_brands_are_refused() -> None:
    with pytest.raises(ConfigError, match="unique"):
        parse_config('[[brands]]\nname = "A"\n[[brands]]\nname = "A"\n')


def test_every_setting_is_documented_and_has_a_config_field() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    fields = set(msgspec.structs.fields(Config) and [f.name for f in msgspec.structs.fields(Config)])
    for s in SETTINGS:
        assert f"`{s.name}`" in doc, f"{s.name} is not in docs/settings.md"
        assert s.name in fields
        assert getattr(Config(), s.name) == s.default


def test_the_example_config_parses() -> None:
    for path in (ROOT / "examples").glob("*.toml"):
        parse_config(path.read_text(encoding="utf-8"), path=str(path))
