"""Report exports of hostile posts: in CSV a text cell a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, tab, CR first, OWASP's list) starts with ``'``, while the numeric
columns stay numbers (a post dated before 1970 has a negative time); JSON keeps every value as
written, since it is data, not a sheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from reale.events import Author, Post
from reale.web.data import save_opportunity
from reale.web.views.reports import NUMERIC_COLUMNS, OPP_COLUMNS, cell, safe_cell
from tests.web_helpers import build_desk, client_for, mention, opportunity_of

FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")
BEFORE_1970 = datetime(1969, 12, 31, 12, tzinfo=UTC).timestamp()  # -43200.0


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_text_cell_that_would_run_as_a_formula_is_prefixed(formula: str) -> None:
    assert safe_cell(formula) == "'" + formula
    assert cell("text", formula) == "'" + formula
    assert cell("score", formula) == "'" + formula  # text in a numeric column is still text


def test_numbers_in_numeric_columns_stay_numbers_and_plain_text_is_untouched() -> None:
    assert {"created_at", "matched_at", "score", "decided_at"} == NUMERIC_COLUMNS
    assert cell("created_at", -43200.0) == "-43200.0" and cell("score", -5) == "-5"
    assert cell("decided_at", None) == "" and cell("score", float("-inf")) == "'-inf"
    assert cell("text", "-5") == "'-5"  # a post's text is never read as a number
    assert cell("text", "ciao = ciao") == "ciao = ciao" and cell("author", "a@b") == "a@b"


def test_a_hostile_post_exports_as_text_and_its_negative_time_as_a_number() -> None:
    desk = build_desk(seeded=False)
    p = Post(network="bluesky", uri="at://did:plc:mallory/app.bsky.feed.post/1",
             author=Author(id="did:plc:mallory", handle="=cmd|' /C calc'!A0"),
             text=f"@fiori.bsky.social {FORMULAS[0]}", created_at=BEFORE_1970, langs=("@it",),
             received_at=BEFORE_1970 + 1)
    desk.store.write_mentions([mention("Fiori", p)])
    save_opportunity(desk.store, opportunity_of("Fiori", p, complaint=0.9))
    for client, _ in client_for(desk, "vera"):
        period = "from=1969-12-31&to=1969-12-31"
        rows = list(csv.DictReader(io.StringIO(
            client.get(f"/reports/opportunities.csv?{period}").text)))
        assert len(rows) == 1 and list(rows[0]) == list(OPP_COLUMNS)
        row = rows[0]
        assert float(row["created_at"]) == BEFORE_1970  # a number a sheet can sum and sort
        assert row["text"] == "'" + p.text and row["author"] == "'=cmd|' /C calc'!A0"
        assert row["lang"] == "'@it"
        data = client.get(f"/reports/opportunities.json?{period}").json()
        assert data[0]["text"] == p.text and data[0]["created_at"] == BEFORE_1970


def test_a_brand_named_outside_latin1_exports_with_an_ascii_and_a_utf8_file_name() -> None:
    desk = build_desk(seeded=False)
    p = Post(network="bluesky", uri="at://did:plc:c/app.bsky.feed.post/1",
             author=Author(id="did:plc:c", handle="c.bsky.social"), text="Čokolada 北京, buonissima",
             created_at=desk.clock.now() - 60, langs=("it",))
    desk.store.write_mentions([mention("Čokolada 北京", p)])  # a brand the store holds
    for client, _ in client_for(desk, "vera"):
        for what in ("mentions.csv", "mentions.json", "opportunities.csv", "opportunities.json"):
            r = client.get(f"/reports/{what}", params={"brand": "Čokolada 北京"})
            assert r.status_code == 200, what
            disposition = r.headers["content-disposition"]
            assert disposition.startswith('attachment; filename="reale-') and disposition.isascii()
            assert "filename*=UTF-8''reale-" in disposition and "%C4%8Cokolada_%E5%8C%97" in disposition
        assert "buonissima" in client.get("/reports/mentions.csv",
                                          params={"brand": "Čokolada 北京"}).text
