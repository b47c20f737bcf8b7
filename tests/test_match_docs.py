"""docs/match.md runs: its config example compiles, and its tables of examples hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reale.config import parse_config
from reale.events import Author, Post
from reale.match import Matcher, parse_query, to_text

DOC = (Path(__file__).resolve().parent.parent / "docs" / "match.md").read_text(encoding="utf-8")


def post(text: str) -> Post:
    return Post(network="bluesky", uri="at://did:plc:x/app.bsky.feed.post/1",
                author=Author(id="did:plc:x"), text=text, created_at=0.0)


def table_rows(header: str) -> list[list[str]]:
    """The rows of the markdown table whose header line starts with ``header``."""
    block = DOC.split(header, 1)[1].split("\n\n", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in block.splitlines()[2:]]


def test_the_config_example_compiles() -> None:
    toml = DOC.split("```toml\n", 1)[1].split("```", 1)[0]
    matcher = Matcher.from_brands(parse_config(toml).brands)
    [mention] = matcher.match(post("La mia macchina? Una Alfa Romeo Giulia, bellissima"))
    assert mention.brand == "Alfa Romeo"


def test_the_check_example_prints_what_the_doc_says() -> None:
    assert to_text(parse_query("Alfa Romeo OR giulia* NOT usata")) == \
        "(alfa AND romeo) OR (giulia* AND NOT usata)"


@pytest.mark.parametrize("row", table_rows("| query | matches | does not match |"))
def test_the_word_boundary_table(row: list[str]) -> None:
    query = row[0].strip("`")
    matcher = Matcher.from_query(query)
    for text in re.findall(r"\*([^*]+)\*", row[1]):
        assert matcher.match(post(text)), (query, text)
    for text in re.findall(r"\*([^*]+)\*", row[2]):
        assert not matcher.match(post(text)), (query, text)


def test_every_query_in_backticks_in_the_operator_tables_parses() -> None:
    for header in ("| term | meaning | example |", "| operator | meaning | example |"):
        for row in table_rows(header):
            for query in re.findall(r"`([^`]+)`", row[-1].split(" matches ")[0]):
                parse_query(query)


def test_the_public_surface_of_reale_match() -> None:
    import reale.match

    assert sorted(reale.match.__all__) == reale.match.__all__
    for name in reale.match.__all__:
        assert getattr(reale.match, name) is not None, name
    assert {"Matcher", "QueryReloader", "parse_query", "to_text"} <= set(reale.match.__all__)
