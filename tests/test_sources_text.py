"""The text scanners and the time reader the parsers share give what their plain definitions
give (a regex over the whole text, datetime), however the fast paths find it."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from reale.sources.text import (
    MAX_TIME,
    MIN_TIME,
    dedupe,
    hashtags_in,
    iso_to_epoch,
    links_in,
    mentions_in,
    merge,
)

_ALPHABET = [*"#@:/httpsHTTPSſ&_.-ab1 \n<\"'`éè東٣²", "://", "http://", "https://", "&#",
             ".bsky.social", "@x.y", "HtTpS://"]


def _defined_links(text: str) -> list[str]:
    return [u.rstrip(".,;:!?)]}…»\"'")
            for u in re.findall(r"https?://[^\s<>\"'`]+", text, re.IGNORECASE)]


def _defined_marked(text: str, marker: str, body: str, also: str) -> list[str]:
    """A body after each ``marker`` not glued to a word character or to one of ``also``."""
    found = []
    for i, char in enumerate(text):
        prev = text[i - 1] if i else " "
        if char == marker and not (prev.isalnum() or prev == "_" or prev in also):
            m = re.compile(body).match(text, i + 1)
            if m:
                found.append(m.group())
    return found


def _defined_tags(text: str) -> list[str]:
    return _defined_marked(text, "#", r"\w*[^\W\d]\w*", "&#")


def _defined_mentions(text: str) -> list[str]:
    body = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?"
    return [m.rstrip(".") for m in _defined_marked(text, "@", body, "@")]


def test_links_are_every_url_a_scan_of_the_whole_text_finds() -> None:
    text = ("see https://a.b/c?d=1). and hhttp://x.y, ftp://no HTTPS://UP.IT/x "
            "http://a.com/http://b.com :// http://")
    assert links_in(text) == ["https://a.b/c?d=1", "http://x.y", "HTTPS://UP.IT/x",
                              "http://a.com/http://b.com"]
    assert links_in("httpſ://long.s") == ["httpſ://long.s"]  # re's IGNORECASE: ſ is an s
    assert links_in("no links: here") == []


def test_scanners_agree_with_their_definitions_on_random_text() -> None:
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 25)))
        assert links_in(text) == _defined_links(text), text
        assert hashtags_in(text) == _defined_tags(text), text
        assert mentions_in(text) == _defined_mentions(text), text


def _defined_epoch(value: str) -> float | None:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    seconds = (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


def test_times_read_again_are_the_floats_datetime_gives() -> None:
    values = ["2026-07-04T14:38:06.240Z", "2026-07-04T14:38:06.999Z", "2026-07-04T14:38:07.001Z",
              "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z",
              "0001-01-01T23:59:59.999Z", "0001-01-02T00:00:00.000Z", "9999-12-30T00:00:00.000Z",
              "9999-12-31T23:59:59.999Z", "2023-02-29T12:00:00.000Z", "2026-07-04T24:00:00.000Z",
              "2026-07-04T23:59:60.000Z", "2026-07-04T14:38:06.24Z", "2026-07-04T14:38:06.240",
              "2026-07-04 14:38:06.240Z", "2026-07-04T14:38:06.240+02:00", "2026-07-04T14:38:0٣.240Z",
              "2026-07-04T14:38:06.240z", ""]
    rng = random.Random(5)
    values += [f"{rng.randint(1, 9999):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
               f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
               f"{rng.randint(0, 999):03d}Z" for _ in range(2000)]
    # The second and third passes read seconds and milliseconds remembered by earlier ones,
    # also mixed with other values' milliseconds.
    mixed = [a[:19] + b[19:] for a, b in zip(values, reversed(values), strict=True)]
    for value in values + values + mixed:
        assert iso_to_epoch(value) == _defined_epoch(value), value


def test_merge_is_dedupe_of_both_lists_in_every_small_case() -> None:
    rng = random.Random(2)
    for _ in range(5_000):
        first = [rng.choice(["", "a", "b", "c"]) for _ in range(rng.randint(0, 3))]
        second = [rng.choice(["", "a", "b", "c"]) for _ in range(rng.randint(0, 3))]
        assert merge(first, second) == dedupe(first + second), (first, second)
