"""Facets for a post's text: hashtags, @mentions and links with UTF-8 byte offsets.

Bluesky clients detect these in the text they send; so does the simulator, so every facet's
``byteStart``/``byteEnd`` indexes the UTF-8 bytes of the text, accents and emoji included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reale.simulate.records import ByteSlice, Facet, LinkFeature, MentionFeature, TagFeature

_TAG = re.compile(r"(?:^|(?<=\s))#(\w+)")
_MENTION = re.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,})")


def byte_offset(text: str, char_index: int) -> int:
    """The UTF-8 byte offset of a character offset."""
    if char_index == 0:
        return 0
    return len(text[:char_index].encode("utf-8"))


def detect(text: str, resolve: Callable[[str], str | None],
           links: Sequence[tuple[int, int, str]] = ()) -> list[Facet]:
    """Facets for ``text``: tags and mentions found in it, plus ``links`` given as
    ``(char_start, char_end, uri)`` (a link's visible text may be shortened, so it is passed in).

    ``resolve`` maps a handle to its DID; unresolvable mentions get no facet, as in real clients.
    """
    spans: list[tuple[int, int, TagFeature | MentionFeature | LinkFeature]] = []
    if "#" in text:
        for m in _TAG.finditer(text):
            spans.append((m.start(), m.end(), TagFeature(tag=m.group(1))))
    if "@" in text:
        for m in _MENTION.finditer(text):
            handle = m.group(1).rstrip(".")
            did = resolve(handle.lower())
            if did:
                spans.append((m.start(), m.start() + 1 + len(handle), MentionFeature(did=did)))
    for start, end, uri in links:
        spans.append((start, end, LinkFeature(uri=uri)))
    if not spans:
        return []
    spans.sort(key=lambda s: s[0])
    ascii_only = text.isascii()
    out = []
    for start, end, feature in spans:
        if ascii_only:
            bs, be = start, end
        else:
            bs = byte_offset(text, start)
            be = bs + len(text[start:end].encode("utf-8"))
        out.append(Facet(features=[feature], index=ByteSlice(byteEnd=be, byteStart=bs)))
    return out
