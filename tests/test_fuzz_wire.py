"""Fuzzing the wire parsers with mutated real recordings: whatever arrives (flipped bytes, a cut
line, nesting thousands deep, a lone surrogate, a field of the wrong type, an absurd number or
time), each parser returns events or raises ``DecodeError``; a replayed stream of good, bad and
good lines delivers both good ones and counts the bad one. The minimal examples the fuzzing found
are kept as plain tests first. ``REALE_FUZZ_EXAMPLES=5000`` runs the properties longer."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.errors import DecodeError
from reale.signals import profiles
from reale.sources import jetstream, mastodon, xstream
from reale.sources.replay import ReplayStats, iter_file_events
from tests.conftest import WIRE
from tests.fuzz_helpers import fuzz_settings

Parser = Callable[[Any], object]
PARSERS: dict[str, Parser] = {
    "jetstream": jetstream.parse, "mastodon": mastodon.parse, "x": xstream.parse,
    "bluesky-profiles": profiles.parse_bluesky_profiles,
    "mastodon-account": profiles.parse_mastodon_account, "x-users": profiles.parse_x_users,
}
RECORDINGS = {"jetstream": "bluesky/jetstream_v1_golden10.jsonl",
              "mastodon": "mastodon/statuses.jsonl", "x": "x-api-v2/two_tweets.jsonl"}


def _lines(name: str) -> list[bytes]:
    path = WIRE / RECORDINGS[name]
    if not path.exists():
        pytest.skip("wire recordings are not present")
    return [x for x in path.read_bytes().splitlines() if x.strip()]


def _first_post(name: str) -> dict[str, Any]:
    """The first line of a recording that parses to a post, as a JSON object."""
    for line in _lines(name):
        try:
            if PARSERS[name](line):
                return dict(json.loads(line))
        except (DecodeError, ValueError):
            continue
    raise AssertionError(f"no post in {name}")


def _decodes_or_refuses(parse: Parser, raw: bytes | str) -> None:
    try:
        parsed = parse(raw)
    except DecodeError as exc:
        assert str(exc)  # a clear message, never an empty one
        return
    items = parsed[0] if isinstance(parsed, tuple) else parsed
    for item in items if isinstance(items, list) else [items]:  # events, or profiles
        author = getattr(item, "author", None)
        for t in (getattr(item, "created_at", None), author and author.created_at):
            if t is not None:  # every time is one a calendar (and the desk) can show
                datetime.fromtimestamp(t, UTC)


# --- the minimal examples the fuzzing found ------------------------------------------------

DEEP = b'{"x":' + b"[" * 5000 + b"]" * 5000 + b"}"


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_json_nested_thousands_deep_is_a_decode_error(name: str) -> None:
    with pytest.raises(DecodeError):
        PARSERS[name](DEEP)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_a_lone_surrogate_in_a_text_message_is_a_decode_error(name: str) -> None:
    with pytest.raises(DecodeError):
        PARSERS[name]('{"did": "\ud800", "kind": "commit", "id": "1", "uri": "x"}')


def test_a_tweet_id_too_large_for_a_time_is_a_decode_error() -> None:
    obj = _first_post("x")
    tweet = obj["data"][0] if isinstance(obj["data"], list) else obj["data"]
    tweet["id"] = "9" * 400
    tweet.pop("created_at", None)
    with pytest.raises(DecodeError, match="tweet id"):
        xstream.parse(json.dumps(obj))


def test_a_reply_whose_url_is_not_a_url_still_links_to_its_parent() -> None:
    obj = _first_post("mastodon")
    obj.update(in_reply_to_id="5", url="http://[abc/x")
    post, reply = mastodon.parse(json.dumps(obj))
    assert reply.subject == post.reply_parent
    assert post.reply_parent is not None and post.reply_parent.endswith("/statuses/5")


def test_a_bluesky_post_dated_past_the_year_9999_takes_the_relays_time() -> None:
    obj = _first_post("jetstream")
    obj["commit"]["record"]["createdAt"] = "9999-12-31T23:59:59-14:00"  # 10000-01-01 in UTC
    post = jetstream.parse(json.dumps(obj))[0]
    assert post.created_at == obj["time_us"] / 1e6


def test_a_bluesky_post_with_no_time_a_calendar_can_show_is_a_decode_error() -> None:
    obj = _first_post("jetstream")
    obj["commit"]["record"]["createdAt"] = ""
    obj["time_us"] = 2**63 - 1  # the year 294,000
    with pytest.raises(DecodeError, match="time"):
        jetstream.parse(json.dumps(obj))


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_mastodon_status_dated_outside_the_calendar_is_a_decode_error(when: str) -> None:
    obj = _first_post("mastodon")
    obj["created_at"] = when
    with pytest.raises(DecodeError, match="created_at"):
        mastodon.parse(json.dumps(obj))


def test_the_parsers_memories_keep_no_absurdly_long_entry() -> None:
    """100,000 remembered handles or status URIs of 4 MB each would be 400 GB."""
    handles = jetstream.HandleCache()
    handles.update("did:plc:a", "a" * 4_000_000)
    handles.update("did:plc:" + "b" * 4_000_000, "b.bsky.social")
    handles.update("did:plc:c", "c.bsky.social")
    assert len(handles) == 1 and handles.get("did:plc:c") == "c.bsky.social"
    ids = mastodon.IdIndex()
    ids.update("1", "https://x.example/" + "u" * 4_000_000)
    ids.update("2" * 4_000_000, "https://x.example/2")
    ids.update("3", "https://x.example/3")
    assert ids.get("1") == "" and ids.get("3") == "https://x.example/3"


def test_a_replayed_stream_keeps_the_good_lines_around_a_deep_one(tmp_path: Path) -> None:
    good = _lines("jetstream")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([good[0], b'{"did":"d","kind":"commit","x":' + DEEP + b"}",
                                 good[1]]) + b"\n")
    stats = ReplayStats()
    got = [e.uri for e in iter_file_events(path, stats)]
    want = [e.uri for line in good[:2] for e in jetstream.parse(line)]
    assert got == want and want
    assert stats.bad == 1


# --- properties ------------------------------------------------------------------------------

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**63, 2**64, -(2**70), 1e308, -1e308, 0.5, "", "\x00", "9" * 400,
    "²", "1e400", "NaN", "http://[abc/x", "x" * 30_000, "2024-02-30T00:00:00Z",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "+275760-09-13T00:00:00Z",
    "<script>alert(1)</script>", "\u202e", [], {}, [[[[[]]]]], {"uri": 5}, [{"id": None}],
]


def _mutate(obj: Any, data: st.DataObject) -> None:
    """Replace one field anywhere in ``obj`` (a dict or list tree) with an odd value."""
    node = obj
    while isinstance(node, (dict, list)) and node:
        key = data.draw(st.sampled_from(sorted(node)) if isinstance(node, dict)
                        else st.integers(0, len(node) - 1))
        if not isinstance(node[key], (dict, list)) or data.draw(st.booleans()):
            node[key] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
            return
        node = node[key]


def _samples() -> list[bytes]:
    if not WIRE.exists():
        return []
    files = [WIRE / p for p in RECORDINGS.values()] + sorted((WIRE / "x-api-v2").glob("*.jsonl"))
    return [x for f in files if f.exists() for x in f.read_bytes().splitlines()[:6] if x.strip()]


SAMPLES = _samples()
needs_samples = pytest.mark.skipif(not SAMPLES, reason="wire recordings are not present")


@needs_samples
@fuzz_settings()
@given(st.data())
def test_real_events_with_odd_fields_are_parsed_or_refused(data: st.DataObject) -> None:
    try:
        obj = json.loads(data.draw(st.sampled_from(SAMPLES)))
    except ValueError:
        return  # the recordings keep a corrupt line on purpose
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(obj, data)
    raw = json.dumps(obj)
    for parse in PARSERS.values():
        _decodes_or_refuses(parse, raw)


@needs_samples
@fuzz_settings()
@given(st.data())
def test_real_events_with_flipped_bytes_cuts_or_inserts_are_parsed_or_refused(
        data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(SAMPLES)))
    how = data.draw(st.sampled_from(["flip", "cut", "nest", "surrogate"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    message: bytes | str
    if how == "flip":
        raw[at] = data.draw(st.integers(0, 255))
        message = bytes(raw)
    elif how == "cut":
        message = bytes(raw[:at])
    elif how == "nest":
        depth = data.draw(st.sampled_from([10, 999, 1000, 20_000]))
        message = bytes(raw[:-1]) + b',"z":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
    else:
        text = bytes(raw).decode("utf-8", "replace")
        message = text[:at] + data.draw(st.sampled_from(["\ud800", "\\ud800", "\\udc00\\ud800"])) + text[at:]
    for parse in PARSERS.values():
        _decodes_or_refuses(parse, message)
