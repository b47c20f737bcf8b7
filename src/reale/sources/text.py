"""Pure helpers shared by the parsers: hashtags, @mentions and links found in plain text, ISO
times to epoch seconds, and order-keeping de-duplication. Facets/entities from the wire are
preferred; these scans make the event model robust when a client forgot to send them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

# Each scanner finds its marker with str.find and matches the body there: far cheaper than a
# regex search over every position of the text (this runs on every post of a firehose).
# A hashtag follows a non-word character (or the start) and needs a letter: #caffè, #東京, not #1.
_TAG_BODY = re.compile(r"\w*[^\W\d]\w*")
# @handle, @user.bsky.social, @user@mastodon.social (a Mastodon acct)
_MENTION_BODY = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
                           r"(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}…»\"'"
MAX_TEXT_CHARS = 20_000  # longer post texts are truncated (networks cap posts far below this)


def dedupe(items: Sequence[str]) -> tuple[str, ...]:
    """Distinct non-empty items in first-seen order."""
    if not items:
        return ()
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def _scan(text: str, marker: str, body: re.Pattern[str], also: str) -> list[str]:
    """Bodies after each ``marker`` that starts a token (text start, or after a character that
    is neither a word character nor one of ``also``)."""
    out: list[str] = []
    find, match = text.find, body.match
    i = find(marker)
    while i != -1:
        prev = text[i - 1] if i else " "
        if not (prev.isalnum() or prev == "_" or prev in also):
            m = match(text, i + 1)
            if m:
                out.append(m.group())
        i = find(marker, i + 1)
    return out


def merge(first: list[str], second: list[str]) -> tuple[str, ...]:
    """``dedupe(first + second)`` with the common cases (nothing, one item) made cheap."""
    if not first:
        if not second:
            return ()
        if len(second) == 1:
            return (second[0],) if second[0] else ()
    elif not second and len(first) == 1:
        return (first[0],) if first[0] else ()
    if first == second:  # facets and text agree (the usual case for tagged posts)
        return dedupe(first)
    return dedupe(first + second)


def hashtags_in(text: str) -> list[str]:
    """Hashtags written in ``text``, without the ``#``."""
    return _scan(text, "#", _TAG_BODY, "&#") if "#" in text else []


def mentions_in(text: str) -> list[str]:
    """@handles written in ``text``, without the ``@`` (trailing dots dropped)."""
    if "@" not in text:
        return []
    return [m.rstrip(".") for m in _scan(text, "@", _MENTION_BODY, "@")]


def links_in(text: str) -> list[str]:
    """http(s) URLs written in ``text``, without trailing punctuation."""
    if "://" not in text:
        return []
    return [u.rstrip(_URL_TRAILING) for u in _URL.findall(text)]


# Event times stay a day inside datetime's calendar (years 1 to 9999), so that every part can
# show one in any time zone: "9999-12-31T23:59:59-14:00" is the year 10000 in UTC.
MIN_TIME = -62135510400.0  # 0001-01-02T00:00:00Z
MAX_TIME = 253402214400.0  # 9999-12-30T00:00:00Z


def calendar_time(seconds: float) -> float | None:
    """``seconds`` when it is a time a calendar can show (see ``MIN_TIME``), else ``None``."""
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


def iso_to_epoch(value: str) -> float | None:
    """Parse an ISO-8601 time (``Z`` or offset) to epoch seconds; ``None`` if it is not one, or
    lies outside the calendar (``MIN_TIME`` to ``MAX_TIME``).

    A time without a zone is taken as UTC (networks send UTC).
    """
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    seconds = dt.timestamp()  # calendar_time inlined: this runs once per event
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


def why(exc: BaseException) -> str:
    """What was wrong with a message, for a DecodeError: a decoder's own words, or that the
    JSON nested too deeply to read (msgspec gives up with a RecursionError)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


MAX_ID_DIGITS = 20  # every network's numeric ids fit in 64 bits (at most 20 decimal digits)


def id_number(value: str) -> int | None:
    """The number written in a numeric id (ASCII digits, at most 20 of them); ``None`` for
    anything else (``"²"`` or ``"٣"`` pass ``str.isdigit``, a 400-digit id is no id)."""
    if not value or len(value) > MAX_ID_DIGITS or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def clip(text: str) -> str:
    """Truncate absurdly long texts so one hostile event cannot blow up later stages."""
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS]
