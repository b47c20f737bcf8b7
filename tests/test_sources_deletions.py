"""Deletions from the networks become :class:`Deletion` events: Jetstream's delete commits of
posts (a real one from the recorded window), Mastodon's ``delete`` stream events (ids of statuses
the real Mastodon.py cassettes posted and then deleted) and hostile variants of both."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from reale.errors import DecodeError
from reale.events import Deletion, Post
from reale.sources.jetstream import JetstreamParser, parse
from reale.sources.mastodon import MastodonParser
from reale.sources.mastodon import parse as mastodon_parse
from tests.conftest import WIRE

EVENTS = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
CASSETTES = WIRE / "mastodon" / "cassettes"


def recorded_deletes() -> list[dict[str, Any]]:
    if not EVENTS.exists():
        pytest.skip("wire recordings are not present")
    lines = [json.loads(line) for line in EVENTS.read_bytes().splitlines()]
    return [e for e in lines if e.get("commit", {}).get("operation") == "delete"]


def test_the_recorded_delete_of_a_post_becomes_a_deletion_and_follow_deletes_do_not() -> None:
    deletes = recorded_deletes()
    posts = [e for e in deletes if e["commit"]["collection"] == "app.bsky.feed.post"]
    assert len(posts) == 1 and len(deletes) == 4
    (gone,) = parse(json.dumps(posts[0]))
    assert gone == Deletion(
        network="bluesky", author_id="did:plc:4smmjsqf6l5jkzczvw6vsrqc",
        uri="at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p",
        deleted_at=1783175888.377628, cursor="1783175888377628")
    assert [parse(json.dumps(e)) for e in deletes if e not in posts] == [[], [], []]


def test_the_parser_counts_every_delete_once_over_the_recorded_window() -> None:
    recorded_deletes()
    parser = JetstreamParser()
    out = [ev for line in EVENTS.read_bytes().splitlines() for ev in parser.parse(line)]
    assert parser.counts["deletes"] == 4
    assert sum(isinstance(ev, Deletion) for ev in out) == 1


@pytest.mark.parametrize("commit, why", [
    ({"operation": "delete", "collection": "app.bsky.feed.post"}, "rkey"),
    ({"operation": "delete", "collection": "app.bsky.feed.post", "rkey": ""}, "rkey"),
])
def test_a_delete_without_its_rkey_is_refused(commit: dict[str, str], why: str) -> None:
    with pytest.raises(DecodeError, match=why):
        parse(json.dumps({"did": "did:plc:a", "time_us": 1783175888377628, "kind": "commit",
                          "commit": commit}))


@pytest.mark.parametrize("time_us", [-10**17, 10**20])
def test_a_delete_at_no_calendar_time_is_refused(time_us: int) -> None:
    with pytest.raises(DecodeError, match="calendar"):
        parse(json.dumps({"did": "did:plc:a", "time_us": time_us, "kind": "commit", "commit": {
            "operation": "delete", "collection": "app.bsky.feed.post", "rkey": "3k"}}))


@pytest.mark.parametrize("raw", [
    b'{"did":"did:plc:a","time_us":1783175888377628,"kind":"commit","commit":{"operation":'
    b'"delete","collection":"app.bsky.feed.post","rkey":7}}',
    b'{"did":"did:plc:a","time_us":"soon","kind":"commit","commit":{"operation":"delete",'
    b'"collection":"app.bsky.feed.post","rkey":"3k"}}',
    b'{"did":"did:plc:a","time_us":1783175888377628,"kind":"commit","commit":{"operation":'
    b'"delete","collection":"app.bsky.feed.post","rkey":"\\ud800"}}',
])
def test_hostile_delete_commits_are_decode_errors(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        parse(raw)


def deleted_in_cassette(name: str) -> list[tuple[str, dict[str, Any]]]:
    """(status id in the DELETE request, the Status the server returned) of a cassette."""
    path = CASSETTES / name
    if not path.exists():
        pytest.skip("the Mastodon cassettes are not present")
    out = []
    for item in yaml.safe_load(path.read_text())["interactions"]:
        if item["request"]["method"] == "DELETE" and "/statuses/" in item["request"]["uri"]:
            status_id = item["request"]["uri"].rsplit("/", 1)[1]
            out.append((status_id, json.loads(item["response"]["body"]["string"])))
    return out


def test_a_mastodon_delete_names_the_uri_of_the_status_seen_before() -> None:
    deleted = deleted_in_cassette("test_status_reply.yaml")
    assert len(deleted) == 2
    parser = MastodonParser(host="localhost:3000")
    for _, status in deleted:
        (post, *_) = parser.parse(json.dumps(status))
        assert isinstance(post, Post)
    for status_id, status in deleted:
        envelope = json.dumps({"stream": ["public"], "event": "delete", "payload": status_id})
        assert parser.parse(envelope) == [Deletion(network="mastodon", uri=status["uri"],
                                                   deleted_at=0.0)]


def test_a_mastodon_delete_of_a_status_never_seen_names_it_by_server_and_id() -> None:
    (status_id, _), *_ = deleted_in_cassette("test_status_card.yaml")
    envelope = json.dumps({"event": "delete", "payload": status_id})
    assert MastodonParser(host="localhost:3000").parse(envelope) == [Deletion(
        network="mastodon", uri=f"mastodon://localhost:3000/statuses/{status_id}",
        deleted_at=0.0)]


@pytest.mark.parametrize("payload", ["", "   ", "1" * 65, "12/../34", "1?x", 7, None])
def test_hostile_mastodon_deletes_are_decode_errors(payload: object) -> None:
    with pytest.raises(DecodeError):
        mastodon_parse(json.dumps({"event": "delete", "payload": payload}))


def test_other_mastodon_envelopes_still_yield_nothing() -> None:
    assert mastodon_parse(json.dumps({"event": "notification", "payload": "{}"})) == []
