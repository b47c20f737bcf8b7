"""Mastodon Status entities → Posts and Interactions: HTML to safe plain text, reblogs, replies,
and the account's counts in the Author."""

from __future__ import annotations

import json

import pytest

from reale.errors import DecodeError
from reale.events import Deletion, Interaction, Post
from reale.sources.html import html_to_text
from reale.sources.mastodon import MastodonParser, parse
from tests.conftest import WIRE

STATUSES = WIRE / "mastodon" / "statuses.jsonl"


@pytest.fixture
def statuses() -> dict[str, bytes]:
    if not STATUSES.exists():
        pytest.skip("wire recordings are not present")
    return {json.loads(x)["id"]: x for x in STATUSES.read_bytes().splitlines()}


def test_a_status_becomes_a_post_with_its_author(statuses: dict[str, bytes]) -> None:
    (post,) = parse(statuses["117020576916218297"])
    assert isinstance(post, Post)
    assert post.text == "@mastodonpy_test hello!"
    assert post.mentions == ("mastodonpy_test",)
    assert post.uri == "http://localhost:3000/ap/users/117020565693913441/statuses/117020576916218297"
    assert post.langs == ("en",) and post.cursor == "117020576916218297"
    assert post.author.handle == "admin" and post.author.followers == 1
    assert post.author.posts == 2 and post.author.created_at == 1785542400.0


def test_entities_are_unescaped_and_hashtag_links_become_tags(statuses: dict[str, bytes]) -> None:
    (post,) = parse(statuses["117020592137523525"])
    assert post.text == "you can't say that on television"
    (tagged,) = parse(statuses["117020593741189701"])
    assert tagged.text == "#hoot (hashtag toot)" and tagged.hashtags == ("hoot",)


def test_a_reblog_yields_the_original_post_and_a_repost(statuses: dict[str, bytes]) -> None:
    original, repost = parse(statuses["117020586027094262"])
    assert isinstance(original, Post) and isinstance(repost, Interaction)
    assert repost.kind == "repost" and repost.subject == original.uri
    assert repost.uri.endswith("/activity") and repost.cursor == "117020586027094262"


def test_a_reply_links_to_its_parent_once_the_parent_was_seen(statuses: dict[str, bytes]) -> None:
    parser = MastodonParser()
    (parent,) = parser.parse(statuses["117020583245459824"])
    reply, interaction = parser.parse(statuses["117020583258292382"])
    assert isinstance(reply, Post) and reply.reply_parent == parent.uri
    assert isinstance(interaction, Interaction) and interaction.kind == "reply"
    unseen, _ = parse(statuses["117020583258292382"])
    assert unseen.reply_parent == "mastodon://localhost:3000/statuses/117020583245459824"


def test_html_never_survives_and_scripts_are_dropped() -> None:
    text, links = html_to_text(
        '<p>Hi<script>alert("x")</script> <b>there</b></p><p>a<br/>b &lt;i&gt;</p>'
        '<p><a href="https://ex.am/ple"><span class="invisible">https://</span>ex.am/ple</a></p>')
    assert text == "Hi there\n\na\nb <i>\n\nhttps://ex.am/ple"
    assert links == ["https://ex.am/ple"]


def test_the_websocket_envelope_and_non_update_events() -> None:
    status = STATUSES.read_bytes().splitlines()[0] if STATUSES.exists() else None
    if status is None:
        pytest.skip("wire recordings are not present")
    envelope = json.dumps({"stream": ["public"], "event": "update", "payload": status.decode()})
    assert len(parse(envelope)) == 1
    assert parse(json.dumps({"stream": ["public"], "event": "delete", "payload": "1"})) == [
        Deletion(network="mastodon", uri="mastodon:///statuses/1", deleted_at=0.0)]
    assert parse(json.dumps({"stream": ["public"], "event": "filters_changed", "payload": ""})) == []


@pytest.mark.parametrize("raw", [b"<html>", b'{"id": "1"}', b'{"id": 1, "uri": "u"}', b"\xc3\x28"])
def test_malformed_statuses_raise_decode_error(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        parse(raw)
