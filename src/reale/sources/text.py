"""Pure helpers shared by the parsers: hashtags, @mentions and links found in plain text, ISO
times to epoch seconds, and order-keeping de-duplication. Facets/entities from the wire are
preferred; these scans make the event model robust when a client forgot to send them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

# A hashtag starts after a non-word character (or the start) and runs over letters, digits, _.
# Unicode-aware: #caffè, #東京 and #Übung are all tags; "#1" alone is not (needs a letter).
_HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
# @handle, @user.bsky.social, @user@mastodon.social (Mastodon acct): letters, digits, _ . - @
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
                      r"(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?)")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}…»\"'"

MAX_TEXT_CHARS = 20_000  # longer post texts are truncated (networks cap posts far below this)


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """Distinct non-empty items in first-seen order."""
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def hashtags_in(text: str) -> list[str]:
    """Hashtags written in ``text``, without the ``#``."""
    if "#" not in text:
        return []
    return _HASHTAG.findall(text)


def mentions_in(text: str) -> list[str]:
    """@handles written in ``text``, without the ``@`` (trailing dots dropped)."""
    if "@" not in text:
        return []
    return [m.rstrip(".") for m in _MENTION.findall(text)]


def links_in(text: str) -> list[str]:
    """http(s) URLs written in ``text``, without trailing punctuation."""
    if "://" not in text:
        return []
    return [u.rstrip(_URL_TRAILING) for u in _URL.findall(text)]


def iso_to_epoch(value: str) -> float | None:
    """Parse an ISO-8601 time (``Z`` or offset) to epoch seconds; ``None`` if it is not one.

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
    return dt.timestamp()


def clip(text: str) -> str:
    """Truncate absurdly long texts so one hostile event cannot blow up later stages."""
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS]
