"""The X filtered-stream client against a local chunked HTTP server that serves the real
``streaming_output_with_error.jsonl`` (with its corrupt line and keep-alives), and the rule sync
against the same server's rules endpoint."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from reale.config import BrandConfig
from reale.errors import DecodeError
from reale.sources.base import MemoryCursorStore, SourceItem
from reale.sources.local.x_server import XServer
from reale.sources.xrules import Rule, plan_rules, sync_rules, translate_query
from reale.sources.xstream import parse
from reale.sources.xstream_client import XStreamClient
from tests.conftest import WIRE
from tests.sources_helpers import NoWait, event_key, item_keys, take

RECORDING = WIRE / "x-api-v2" / "streaming_output_with_error.jsonl"
TOKEN = "bearer-abc"


@pytest.fixture
def lines() -> list[bytes]:
    if not RECORDING.exists():
        pytest.skip("wire recordings are not present")
    return RECORDING.read_bytes().splitlines()


def expected(lines: list[bytes]) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        with contextlib.suppress(DecodeError):
            out += [event_key(e) for e in parse(line)]
    return sorted(out)


def test_the_stream_skips_and_counts_the_corrupt_line(lines: list[bytes]) -> None:
    want = expected(lines)

    async def scenario() -> tuple[list[SourceItem], XStreamClient]:
        async with XServer(lines, token=TOKEN) as server:
            client = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait())
            got = await take(client, len(want), settle=0.1)
            await client.aclose()
            return got, client

    got, client = asyncio.run(scenario())
    assert item_keys(got) == want
    assert client.stats.bad == 1 and client.stats.keepalives >= 7
    assert client.stats.disconnects == 0


def test_a_dropped_stream_with_backfill_loses_nothing_and_repeats_nothing(
        lines: list[bytes]) -> None:
    want = expected(lines)

    async def scenario() -> tuple[list[SourceItem], XStreamClient, XServer]:
        async with XServer(lines, token=TOKEN, drop_after=3, publish_while_down=2) as server:
            client = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait(),
                                   backfill_minutes=2)
            got = await take(client, len(want), settle=0.1)
            await client.aclose()
            return got, client, server

    got, client, server = asyncio.run(scenario())
    assert item_keys(got) == want
    assert client.stats.disconnects == 1 and client.stats.duplicates == 2
    assert server.requests[1].query["backfill_minutes"] == ["2"]


def test_a_restart_from_the_committed_cursor_repeats_nothing(lines: list[bytes]) -> None:
    want = expected(lines)
    store = MemoryCursorStore()

    async def scenario() -> list[SourceItem]:
        async with XServer(lines, token=TOKEN, recent=len(lines)) as server:
            first = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait(),
                                  cursor_store=store, backfill_minutes=5)
            before = await take(first, 4)
            await first.aclose()  # commits; the server meanwhile sent everything it had
            second = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait(),
                                   cursor_store=store, backfill_minutes=5)
            after = await take(second, len(want) - len(before), settle=0.1)
            await second.aclose()
            assert server.requests[-1].query["backfill_minutes"] == ["5"]
            return before + after

    assert item_keys(asyncio.run(scenario())) == want


def test_rules_are_synced_to_exactly_the_desired_set(lines: list[bytes]) -> None:
    brands = [BrandConfig(name="ferrari", handles=("Ferrari",), hashtags=("F1",),
                          keywords=("Ferrari", "prancing horse"),
                          queries=('"Ferrari" NEAR/3 regalo', "ferrar*"))]
    plan = plan_rules(brands, max_rules=5, max_rule_length=512)
    assert plan.rules == [Rule('@Ferrari OR from:Ferrari OR #F1 OR Ferrari OR "prancing horse" '
                               'OR ("Ferrari" regalo)', "ferrari")]
    assert any("NEAR/3" in n for n in plan.notes) and any("ferrar*" in n for n in plan.notes)

    async def scenario() -> XServer:
        async with XServer(lines, token=TOKEN) as server:
            server.rules = {"9": {"id": "9", "value": "stale rule", "tag": "old"}}
            async with httpx.AsyncClient() as http:
                report = await sync_rules(http, TOKEN, plan.rules, server.base_url)
                again = await sync_rules(http, TOKEN, plan.rules, server.base_url)
            assert report.deleted == ["9"] and len(report.added) == 1
            assert again.added == [] and again.deleted == [] and again.kept == 1
            return server

    server = asyncio.run(scenario())
    assert [r["value"] for r in server.rules.values()] == [plan.rules[0].value]


def test_handles_that_x_cannot_have_are_left_out_of_the_rules() -> None:
    """A brand lists its Bluesky DID and handle and its Mastodon account next to its X handle.
    X usernames are 1-15 letters, digits and _: a rule naming another kind of account is
    refused by X, and a refused rule keeps the whole stream from starting."""
    brand = BrandConfig(name="fiat", handles=("Fiat", "did:plc:z72i7hdynmk6r22z27h6tvur",
                                              "fiat.bsky.social", "@fiat@mastodon.social",
                                              "783214"), keywords=("panda",))
    plan = plan_rules([brand])
    assert plan.rules == [Rule("@Fiat OR from:Fiat OR from:783214 OR panda", "fiat")]
    assert sum("not an X username" in n for n in plan.notes) == 3


def test_keywords_with_quotes_brackets_or_a_leading_dash_stay_one_term_of_the_rule() -> None:
    """A keyword is matched as written: in the rule it must not open a group, negate what
    follows or end a phrase early (X refuses such a rule, and a refused rule keeps the whole
    stream from starting)."""
    brand = BrandConfig(name="bolt", keywords=('say "bolt"', "bolt(500)", "-bolt", '"', "bolt"))
    plan = plan_rules([brand])
    assert plan.rules == [Rule('"say bolt" OR "bolt(500)" OR "-bolt" OR bolt', "bolt")]


def test_operators_are_capitals_in_rules_as_in_queries() -> None:
    """'not' in lower case is an ordinary word in a watch-query: the rule must ask for it,
    not exclude what follows (which would drop every tweet the query matches)."""
    assert translate_query("fiat not panda")[0] == "fiat not panda"
    assert translate_query("fiat NOT panda")[0] == "fiat -panda"
    assert translate_query("fiat or panda AND punto")[0] == "fiat or panda punto"


def test_phrases_become_rules_only_as_x_can_read_them() -> None:
    """Typographic quotes delimit a phrase in a watch-query, so they do in the rule; a phrase
    with a wildcard cannot be a rule (X would look for a literal '*')."""
    assert translate_query("“alfa romeo” giulia")[0] == '"alfa romeo" giulia'
    clause, notes = translate_query('"fiat pand*" OR punto')
    assert clause is None and "cannot be expressed" in notes[0]


def test_a_bad_line_after_a_restart_is_logged_with_the_stored_cursor(
        lines: list[bytes], caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryCursorStore()
    store.set_cursor("x", "1377650277642338305")

    async def scenario() -> None:
        async with XServer(lines, token=TOKEN) as server:
            client = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait(),
                                   cursor_store=store)
            await take(client, len(expected(lines)), settle=0.1)
            await client.aclose()

    with caplog.at_level("WARNING", logger="reale.sources"):
        asyncio.run(scenario())
    assert "skipped a bad message after cursor 1377650277642338305" in caplog.text


def test_a_line_too_long_to_read_is_dropped_as_it_arrives_and_counted(
        lines: list[bytes]) -> None:
    want = expected(lines)
    served = [*lines[:3], b'{"data":{"text":"' + b"x" * 3_000_000, *lines[3:]]  # no end in sight

    async def scenario() -> XStreamClient:
        async with XServer(served, token=TOKEN) as server:
            client = XStreamClient(token=TOKEN, base_url=server.base_url, sleep=NoWait(),
                                   max_line_bytes=1_000_000)
            got = await take(client, len(want), settle=0.1)
            assert item_keys(got) == want
            await client.aclose()
            return client

    client = asyncio.run(scenario())
    assert client.stats.extra["oversized"] == 1 and client.stats.bad == 1  # the recorded one
    assert client.stats.disconnects == 0
