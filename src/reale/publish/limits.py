"""How long a post is, counted the way each network counts it.

Bluesky: 300 grapheme clusters (and 3,000 UTF-8 bytes). Mastodon: 500 grapheme clusters with every
URL counted as 23 and remote mentions counted by their local part. X: 280 weighted characters
(twitter-text v3: Latin and punctuation weigh 1, everything else 2, any emoji sequence 2, URLs 23).
"""

from __future__ import annotations

import unicodedata

import regex

URL_LENGTH = 23
LIMITS: dict[str, int] = {"bluesky": 300, "mastodon": 500, "x": 280, "sim": 300}
BLUESKY_MAX_BYTES = 3000

_GRAPHEME = regex.compile(r"\X")
_URL = regex.compile(r"https?://[^\s<>\"]+|www\.[^\s<>\"]+", regex.IGNORECASE)
_REMOTE_MENTION = regex.compile(r"(?<![\w@])(@[\w.]+)@[\w.-]+\w")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
# twitter-text v3 ranges that weigh 100 (one character); everything else weighs 200.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def graphemes(text: str) -> int:
    """Number of extended grapheme clusters (what a reader sees as characters)."""
    return len(_GRAPHEME.findall(text))


def _x_weight(cluster: str) -> int:
    if _EMOJI.search(cluster):
        return 200
    total = 0
    for ch in cluster:
        cp = ord(ch)
        total += 100 if any(lo <= cp <= hi for lo, hi in _X_LIGHT) else 200
    return total


def x_length(text: str) -> int:
    """X's weighted length (280 is the limit): NFC text, URLs as 23, emoji sequences as 2."""
    text = unicodedata.normalize("NFC", text)
    weight = 0
    pos = 0
    for m in _URL.finditer(text):
        weight += sum(_x_weight(c) for c in _GRAPHEME.findall(text[pos : m.start()]))
        weight += URL_LENGTH * 100
        pos = m.end()
    weight += sum(_x_weight(c) for c in _GRAPHEME.findall(text[pos:]))
    return (weight + 99) // 100


def mastodon_length(text: str) -> int:
    """Mastodon's countable length: URLs as 23, ``@user@domain`` as ``@user``, graphemes."""
    countable = _URL.sub("x" * URL_LENGTH, text)
    countable = _REMOTE_MENTION.sub(r"\1", countable)
    return graphemes(countable)


def text_length(network: str, text: str) -> int:
    """The length of ``text`` as ``network`` counts it."""
    if network == "x":
        return x_length(text)
    if network == "mastodon":
        return mastodon_length(text)
    return graphemes(text)


def limit_for(network: str) -> int:
    """The default length limit of a network (Mastodon instances may configure theirs)."""
    return LIMITS.get(network, 300)


def fits(network: str, text: str, limit: int | None = None) -> bool:
    """Whether ``text`` can be posted on ``network`` as it is."""
    if network in ("bluesky", "sim") and len(text.encode("utf-8")) > BLUESKY_MAX_BYTES:
        return False
    return text_length(network, text) <= (limit if limit is not None else limit_for(network))


__all__ = ["LIMITS", "fits", "graphemes", "limit_for", "mastodon_length", "text_length", "x_length"]
