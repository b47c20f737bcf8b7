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


def test_a_brand_may_list_its_products_with_their_prices() -> None:
    inline = parse_config('[[brands]]\nname = "Mela"\n'
                          'products = { "Mela 12 Pro" = 1099, "Mela Mini" = 599.5 }\n')
    assert inline.brands[0].products == {"Mela 12 Pro": 1099.0, "Mela Mini": 599.5}
    table = parse_config('[[brands]]\nname = "Volta"\n[brands.products]\n"Volta Pico" = 16900\n')
    assert table.brands[0].products == {"Volta Pico": 16900.0}
    assert parse_config('[[brands]]\nname = "A"\n').brands[0].products == {}


@pytest.mark.parametrize("products, message", [
    ('{ "Mela 12 Pro" = "1099" }', r"brand 'Mela': products: the price of 'Mela 12 Pro' must be a "
                                   r"number of euros \(0 or more\), got '1099'"),
    ('{ "Mela 12 Pro" = -5 }', r"the price of 'Mela 12 Pro' .* got -5"),
    ('{ "Mela 12 Pro" = true }', r"the price of 'Mela 12 Pro' .* got True"),
    ('{ "Mela 12 Pro" = nan }', r"the price of 'Mela 12 Pro' .* got nan"),
    ('{ "Mela 12 Pro" = { price = 1099 } }', r"the price of 'Mela 12 Pro' .* got \{'price': 1099\}"),
    ('{ "  " = 10 }', r"a product name must be 1 to 200 characters, got '  '"),
    ('["Mela 12 Pro"]', r"Expected `object`, got `array` - at `\$.brands\[0\].products`"),
])
def test_ill_typed_products_are_refused_naming_the_brand_and_the_product(
        products: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"^reale\.toml: .*" + message):
        parse_config(f'[[brands]]\nname = "Mela"\nproducts = {products}\n', path="reale.toml")
    with pytest.raises(ConfigError, match="producs"):  # a misspelt key is an unknown field
        parse_config('[[brands]]\nname = "Mela"\nproducs = { "Mela" = 1 }\n')


def test_every_section_the_config_accepts_is_named_in_settings_md_with_its_page() -> None:
    """docs/settings.md is where the README sends a user for "every setting": each section the
    config accepts is listed there with the page that documents its keys."""
    from reale.config import DESK_SECTIONS, SECTIONS

    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    names = [s for s in SECTIONS if s != "desk"] + [f"desk.{d}" for d in DESK_SECTIONS]
    for name in names:
        row = next((line for line in doc.splitlines()
                    if line.startswith((f"| `[{name}", f"| `[[{name}"))), "")
        assert row, f"[{name}] is not in the sections table of docs/settings.md"
        page = row.split("|")[2].strip().strip("`")
        assert (ROOT / "docs" / page.split("#")[0]).is_file(), (name, page)
