"""Property tests: whatever bytes arrive, the parsers answer with events or a DecodeError —
never another exception — and mutated real events behave the same."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reale.errors import DecodeError
from reale.sources import jetstream, mastodon, xstream
from reale.sources.html import html_to_text
from reale.sources.sse import SseDecoder
from tests.conftest import WIRE

PARSERS = [jetstream.parse, mastodon.parse, xstream.parse]


def _samples() -> list[bytes]:
    files = [WIRE / "bluesky" / "jetstream_v1_golden10.jsonl", WIRE / "mastodon" / "statuses.jsonl",
             WIRE / "x-api-v2" / "streaming_output_with_error.jsonl"]
    return [line for f in files if f.exists() for line in f.read_bytes().splitlines()[:4]]


SAMPLES = _samples()


def _only_decode_errors(raw: bytes | str) -> None:
    for parse in PARSERS:
        with contextlib.suppress(DecodeError):
            parse(raw)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_decode_error(raw: bytes) -> None:
    _only_decode_errors(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_real_events_with_a_field_replaced_raise_nothing_but_decode_error(
        data: st.DataObject) -> None:
    if not SAMPLES:
        pytest.skip("wire recordings are not present")
    obj = json.loads(data.draw(st.sampled_from(SAMPLES)))
    node = obj
    while isinstance(node, dict) and node:  # walk down to a random field and replace it
        key = data.draw(st.sampled_from(sorted(node)))
        if not isinstance(node[key], dict) or data.draw(st.booleans()):
            node[key] = data.draw(json_values)
            break
        node = node[key]
    _only_decode_errors(json.dumps(obj))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_html_to_text_never_keeps_a_tag_it_was_given(html: str) -> None:
    text, _ = html_to_text("<p>" + html.replace("<", "<b>") + "</p>")
    assert "<b>" not in text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30).map(lambda s: s.replace("\n", "")), max_size=20))
def test_the_sse_decoder_accepts_any_lines(lines: list[str]) -> None:
    decoder = SseDecoder(max_data=50)
    for line in [*lines, ""]:
        event = decoder.feed(line)
        assert event is None or len(event.data) <= 50 + len(lines)



OWN_SAMPLES = [(jetstream.parse, "bluesky/jetstream_v1_golden10.jsonl", b'"text":"'),
               (mastodon.parse, "mastodon/statuses.jsonl", b'"content": "'),
               (xstream.parse, "x-api-v2/two_tweets.jsonl", b'"text": "')]


@pytest.mark.parametrize(("parse", "name", "field"), OWN_SAMPLES,
                         ids=["jetstream", "mastodon", "x"])
def test_invalid_utf8_in_a_post_text_is_a_decode_error(parse: object, name: str,
                                                       field: bytes) -> None:
    path = WIRE / name
    if not path.exists():
        pytest.skip("wire recordings are not present")
    line = next(x for x in path.read_bytes().splitlines() if field in x)
    broken = line.replace(field, field + b"caf\xe9 \xff\xfe ", 1)  # Latin-1, never UTF-8
    with pytest.raises(DecodeError, match="UTF-8"):
        parse(broken)  # type: ignore[operator]
