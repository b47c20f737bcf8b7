"""Pure helpers shared by the parsers: hashtags, @mentions and links found in plain text, ISO
times to epoch seconds, and order-keeping de-duplication. Facets/entities from the wire are
preferred; these scans make the event model robust when a client forgot to send them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

# A hashtag follows a non-word character (or the start) and needs a letter: #caffè, #東京, not #1.
# Each pattern starts with its marker, so the regex engine skips to the next one at C speed, and
# then looks back at the character before it (\w is exactly str.isalnum() or "_").
_TAG = re.compile(r"#(?<![\w&#]#)(\w*[^\W\d]\w*)")
# @handle, @user.bsky.social, @user@mastodon.social (a Mastodon acct)
_MENTION = re.compile(r"@(?<![\w@]@)([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
                      r"(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?)")
# Only the scheme ignores case: the same matches (no character's case changes whether it is a
# space or one of <>"'`), without a case-folded test of every character of the URL.
_URL = re.compile(r"(?i:https?)://[^\s<>\"'`]+")
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


def merge(first: list[str], second: list[str]) -> tuple[str, ...]:
    """``dedupe(first + second)`` with the common cases (nothing, one item) made cheap."""
    if not second:  # the text added nothing (the usual case)
        if len(first) > 1:
            return dedupe(first)
        return (first[0],) if first and first[0] else ()
    if not first and len(second) == 1:
        return (second[0],) if second[0] else ()
    if first == second:  # facets and text agree (the usual case for tagged posts)
        return dedupe(first)
    return dedupe(first + second)


def hashtags_in(text: str) -> list[str]:
    """Hashtags written in ``text``, without the ``#``."""
    return _TAG.findall(text) if "#" in text else []


def mentions_in(text: str) -> list[str]:
    """@handles written in ``text``, without the ``@`` (trailing dots dropped)."""
    if "@" not in text:
        return []
    return [m.rstrip(".") for m in _MENTION.findall(text)]


def links_in(text: str) -> list[str]:
    """http(s) URLs written in ``text``, without trailing punctuation."""
    found: list[str] = []
    mark = text.find("://") if ":" in text else -1  # one character is found far faster
    end = 0  # where the last URL ended: the next starts there or later
    while mark != -1:
        # A URL's "://" follows "http" or "https": only those two places can start one.
        for start in (mark - 5, mark - 4):
            if start >= end:
                url = _URL.match(text, start)
                if url is not None:
                    found.append(url.group().rstrip(_URL_TRAILING))
                    end = url.end()
                    break
        mark = text.find("://", max(mark + 1, end))
    return found


# Event times stay a day inside datetime's calendar (years 1 to 9999), so that every part can
# show one in any time zone: "9999-12-31T23:59:59-14:00" is the year 10000 in UTC.
MIN_TIME = -62135510400.0  # 0001-01-02T00:00:00Z
MAX_TIME = 253402214400.0  # 9999-12-30T00:00:00Z


def calendar_time(seconds: float) -> float | None:
    """``seconds`` when it is a time a calendar can show (see ``MIN_TIME``), else ``None``."""
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


# Times in the usual shape ("2026-07-04T14:38:06.240Z") are read from two small maps: the
# microseconds from the epoch to each "YYYY-MM-DDTHH:MM:SS" seen (a stream's posts share their
# seconds) and to each ".fffZ". Their sum divided as timestamp() divides it is the same float,
# without building a datetime and a timedelta for every event.
_SECONDS: dict[str, int] = {}
_MILLIS: dict[str, int] = {}
_MAX_SECONDS = 4096
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def iso_to_epoch(value: str) -> float | None:
    """Parse an ISO-8601 time (``Z`` or offset) to epoch seconds; ``None`` if it is not one, or
    lies outside the calendar (``MIN_TIME`` to ``MAX_TIME``).

    A time without a zone is taken as UTC (networks send UTC).
    """
    try:
        seconds = (_SECONDS[value[:19]] + _MILLIS[value[19:]]) / 1_000_000
    except KeyError:
        return _parse_iso(value)
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


def _parse_iso(value: str) -> float | None:
    """``iso_to_epoch`` through ``datetime``; a time in the usual shape is remembered."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    elif _usual(value):
        if len(_SECONDS) >= _MAX_SECONDS:  # bounded: hostile times cannot grow it
            _SECONDS.clear()
        _SECONDS[value[:19]] = (dt.replace(microsecond=0) - _EPOCH) // _MICROSECOND
        _MILLIS[value[19:]] = dt.microsecond  # at most 1,000 of these
    seconds = dt.timestamp()
    return seconds if MIN_TIME <= seconds <= MAX_TIME else None


def _usual(value: str) -> bool:
    """``YYYY-MM-DDTHH:MM:SS.fffZ`` (ASCII digits): the shape ``_SECONDS`` and ``_MILLIS`` split."""
    return len(value) == 24 and value.isascii() and value[4] == value[7] == "-" \
        and value[10] == "T" and value[13] == value[16] == ":" and value[19] == "." \
        and value[23] == "Z" and (value[:4] + value[5:7] + value[8:10] + value[11:13]
                                  + value[14:16] + value[17:19] + value[20:23]).isdigit()


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
