"""Fuzzing the other places hostile text comes in: watch-queries, the posts they are matched
against, cascade files for ``reale momentum``, a replayed file with one bad line between two
good ones, the desk's query parameters and the drafter's author names. Each answers with a
result, its documented error (QueryError, DecodeError, an HTTP 4xx) or a counted skip."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.alerts.overlay import rule_from_form
from reale.config import BrandConfig
from reale.desk.drafts import DraftRequest
from reale.desk.templates import KINDS
from reale.errors import ConfigError, DecodeError, QueryError
from reale.events import Author, Post
from reale.match import Matcher, parse_query
from reale.publish.limits import fits
from reale.signals.cascade_file import parse_cascade
from reale.signals.hurdle import HurdleParams, predict_hurdle
from reale.signals.seismic import Atoms, SeismicParams, predict
from reale.sources import jetstream
from reale.sources.replay import ReplayStats, iter_file_events
from reale.web.table import SPECS
from tests.conftest import WIRE, run_cli
from tests.fuzz_helpers import fuzz_settings
from tests.test_alerts_rule_overlay import BRANDS, CFG
from tests.test_drafts import drafter
from tests.web_helpers import TestClient, build_desk, login, mention, post

# --- watch-queries -----------------------------------------------------------------------------
QUERY_PIECES = st.sampled_from([
    "(", ")", '"', "“", "*", "#", "@", ":", "/", "-", "\\", "\x00", " ", "\t", "\n", "AND", "OR",
    "NOT", "NEAR/", "NEAR/2", "NEAR/99999999999999999999", "lang:", "from:", "fiat", "é", "ß",
    "ﬁ", "日本", "\u202e", "\u200b", ".*", "[a-z]+", "(?i)", "$", "^", "|", "{2}", "a" * 300])


@pytest.mark.parametrize("query", [
    "(" * 4999 + "a" + ")" * 4999, "NOT " * 2400 + "a", "(a OR " * 1400 + "b" + ")" * 1400,
    "a" * 100_000, "a " * 4000, "a NEAR/99999999999999999999 b", "", "   ", "(((", '"unclosed',
])
def test_a_hostile_query_is_refused_with_its_position(query: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert 0 <= caught.value.position <= len(query) and str(caught.value)


@fuzz_settings()
@given(st.lists(QUERY_PIECES | st.text(max_size=4), max_size=25).map(" ".join))
def test_any_query_text_compiles_or_says_where_it_is_wrong(query: str) -> None:
    try:
        parse_query(query)
        matcher = Matcher.from_brands([BrandConfig(name="b", queries=(query,))])
    except QueryError as exc:
        assert 0 <= exc.position <= len(query) and str(exc)
        return
    post = Post(network="bluesky", uri="at://d/app.bsky.feed.post/1", author=Author(id="d"),
                text=query, created_at=0.0)
    matcher.match(post)  # the query's own words as a post: never raises


@fuzz_settings(100)
@given(st.text(max_size=300), st.text(max_size=30))
def test_any_post_text_is_matched_without_error(text: str, handle: str) -> None:
    matcher = Matcher.from_brands([BrandConfig(
        name="Fiat", handles=("fiat",), hashtags=("fiat",), keywords=("fiat panda",),
        queries=('"fiat panda" NEAR/3 auto*', "lang:it AND #fiat", "NOT a AND fiat*"))])
    post = Post(network="bluesky", uri="at://d/app.bsky.feed.post/1",
                author=Author(id="did:plc:x", handle=handle), text=text, created_at=0.0,
                hashtags=(text[:20],), mentions=(handle,), langs=(handle[:5],))
    for found in matcher.match(post):
        assert all(0 <= s.start <= s.end for s in found.spans)


# --- cascade files (reale momentum) --------------------------------------------------------------
NUMBERS = st.sampled_from(["0", "1", "100", "3600", "1e308", "5e-324", "-0", "-1", "nan", "inf",
                           "1e400", "0x10", "1_000", '"4"', "", "١", "9" * 400, "x"])
CSV_LINES = st.tuples(NUMBERS, st.sampled_from([",", ",,", ";", ""]), NUMBERS).map("".join)


@fuzz_settings()
@given(st.booleans(), st.lists(CSV_LINES, max_size=8), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from([1.0, 3600.0, 1e300]))
def test_any_cascade_file_predicts_finite_numbers_or_names_the_bad_line(
        header: bool, lines: list[str], newline: str, observe: float) -> None:
    text = newline.join((["time,followers"] if header else []) + lines)
    try:
        times, followers = parse_cascade(text, name="c.csv")
    except DecodeError as exc:
        assert str(exc).startswith("c.csv")
        return
    atoms = Atoms.from_events(times, followers)
    hurdle = predict_hurdle(atoms, observe, SeismicParams(), HurdleParams())
    seismic = predict(atoms, observe, SeismicParams())
    printed = [hurdle.predicted_final, hurdle.low, hurdle.high, hurdle.p_ended,
               seismic.predicted_final, seismic.low]
    json.dumps(printed, allow_nan=False)  # what `reale momentum` prints is valid JSON
    assert all(math.isfinite(x) for x in printed)


# --- a replayed file: good, bad, good ---------------------------------------------------------------
def _good_lines() -> list[bytes]:
    path = WIRE / "bluesky" / "jetstream_v1_golden10.jsonl"
    return [x for x in path.read_bytes().splitlines() if x.strip()] if path.exists() else []


GOOD = _good_lines()
BAD_LINES = st.one_of(
    st.binary(max_size=200).filter(lambda b: b"\n" not in b),
    st.sampled_from([b'{"did":"d","kind":"commit","x":' + b"[" * 3000 + b"]" * 3000 + b"}",
                     b'{"did":"d","time_us":1,"kind":"commit","commit":{"operation":"create",'
                     b'"collection":"app.bsky.feed.post","rkey":"r","record":{"text":"\xff"}}}',
                     b'{"did":"\\ud800","kind":"commit"}', b"\xef\xbb\xbf", b"\x00" * 50]))


@pytest.mark.skipif(len(GOOD) < 2, reason="wire recordings are not present")
@fuzz_settings(100)
@given(BAD_LINES, st.integers(0, len(GOOD) - 2))
def test_a_bad_line_between_two_good_ones_loses_neither(bad: bytes, at: int) -> None:
    first, second = GOOD[at], GOOD[at + 1]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replay.jsonl"
        path.write_bytes(b"\n".join([first, bad, second]) + b"\n")
        stats = ReplayStats()
        got = [e.uri for e in iter_file_events(path, stats)]
    parser = jetstream.JetstreamParser()
    want = [e.uri for line in (first, second) for e in parser.parse(line)]
    assert got == want  # both good lines, in order
    assert stats.lines == 3 and stats.bad + stats.unknown + stats.blank + stats.too_long == 1


# --- the desk's query parameters -------------------------------------------------------------------
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'", "9" * 400, "-1",
           "1e309", "nan", "", "2024-02-30", "0000-01-01", "-9999-01-01", "x" * 600, "\u202e",
           "{{7*7}}", "[]", "%ED%A0%80", "²"]
PARAMS = sorted({p.name for s in SPECS for p in s.params if p.where == "query"}
                | {"brand", "period", "from", "to", "page", "limit", "since", "sort", "kind"})
PAGES = [s for s in SPECS if "GET" in s.methods and s.kind in ("page", "api", "file")]


@pytest.fixture(scope="module")
def desk_client() -> Iterator[tuple[TestClient, dict[str, str]]]:
    desk = build_desk()
    with TestClient(desk.app, base_url="http://127.0.0.1:8765") as client:
        login(client, "ada")
        yield client, desk.keys


def _url(path: str, keys: dict[str, str]) -> str:
    return (path.replace("{key}", keys["late"]).replace("{reply_id}", "r99999")
            .replace("{name}", "vera").replace("{query_id}", "1"))


@fuzz_settings(150)
@given(st.data())
def test_hostile_query_parameters_get_a_page_or_a_4xx_and_stay_text(
        desk_client: tuple[TestClient, dict[str, str]], data: st.DataObject) -> None:
    client, keys = desk_client
    spec = data.draw(st.sampled_from(PAGES))
    url = _url(spec.path, keys) + (".json" if spec.twin and data.draw(st.booleans()) else "")
    params = data.draw(st.dictionaries(st.sampled_from(PARAMS), st.sampled_from(HOSTILE),
                                       min_size=1, max_size=3))
    response = client.get(url, params=params)
    assert response.status_code < 500, (url, params, response.text[:300])
    if "text/html" in response.headers.get("content-type", ""):
        assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text


def test_a_hostile_query_parameter_is_shown_escaped(
        desk_client: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = desk_client
    payload = '"><script>alert(1)</script>'
    response = client.get("/queue", params={"brand": payload})
    assert response.status_code == 404
    assert payload not in response.text  # shown as text, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_stored_post_dated_beyond_the_calendar_still_shows_on_every_page() -> None:
    desk = build_desk()
    odd = [post(990_000 + i, f"fiori fuori dal tempo {i}", at=t, author=f"t{i}")
           for i, t in enumerate([9.2e12, 253402351199.0, -62135647200.0])]
    desk.store.write_mentions([mention("Fiori", p) for p in odd])
    with TestClient(desk.app, base_url="http://127.0.0.1:8765") as client:
        login(client, "ada")
        for path in ("/live", "/live.json", "/queue", "/reports/mentions.csv",
                     f"/case/{desk.keys['late']}/export.pdf"):
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("depth", [900, 5000, 50_000])
def test_a_json_body_nested_thousands_deep_is_a_400(depth: int) -> None:
    desk = build_desk(seeded=False)
    with TestClient(desk.app, base_url="http://127.0.0.1:8765") as client:
        csrf = login(client, "ada")
        body = '{"language": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/me/language", content=body.encode(),
                               headers={"content-type": "application/json", "x-csrf-token": csrf})
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]


@fuzz_settings(60)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=20))
def test_any_json_body_gets_an_answer_below_500(
        desk_client: tuple[TestClient, dict[str, str]], value: object) -> None:
    client, _ = desk_client
    csrf = client.get("/me.json").json()["csrf"]
    response = client.post("/me/language", json={"language": value},
                           headers={"x-csrf-token": csrf})
    assert response.status_code < 500, response.text[:300]


# --- drafts for hostile authors ---------------------------------------------------------------------
NAMES = st.sampled_from(["{handle}", "{0}", "{", "\\1", "\\g<0>", "%s", "@@@", "", " ", "a" * 400,
                         "\u202e", "\x00", "<script>", "Ada\nLovelace", "bob@mastodon.social"])


@fuzz_settings(100)
@given(NAMES, NAMES, st.sampled_from(sorted(KINDS)), st.sampled_from(["bluesky", "mastodon", "x"]),
       st.sampled_from(["my order never arrived", "che bei fiori", "", "<b>hi</b>"]))
def test_drafts_for_any_author_name_fit_the_network(handle: str, name: str, kind: str,
                                                    network: str, text: str) -> None:
    drafts = drafter().propose(DraftRequest(kind=kind, text=text, author_handle=handle,
                                            author_name=name, network=network))
    assert all(fits(network, d.text) and d.text.strip() for d in drafts)
    for d in drafts:
        assert "{handle}" not in d.text or "{handle}" in handle + name  # never a raw template


# --- the command line -------------------------------------------------------------------------------
def test_reale_query_check_refuses_a_hostile_query_with_a_clear_error() -> None:
    result = run_cli("query", "check", "(" * 60 + "fiat" + ")" * 60)
    assert result.returncode == 2
    assert "nests too deeply" in result.stderr and "Traceback" not in result.stderr


# --- alert rules written in the desk ------------------------------------------------------------------
def test_a_rule_list_nested_thousands_deep_is_a_config_error() -> None:
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(ConfigError, match="is not a JSON list"):
        rule_from_form({"channels": deep}, CFG, BRANDS, name="deep")
