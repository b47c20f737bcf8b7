"""Bluesky rich-text facets: links, #tags and @mentions with UTF-8 byte offsets (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LINK = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
_TAG = re.compile(r"(?<![\w#])#([^\s#.,;:!?()\[\]\"']{1,64})")
_MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,})")


def _span(text: str, start: int, end: int) -> dict[str, int]:
    return {"byteStart": len(text[:start].encode("utf-8")), "byteEnd": len(text[:end].encode("utf-8"))}


def mention_handles(text: str) -> list[str]:
    """The Bluesky handles @mentioned in ``text`` (to resolve to DIDs)."""
    return [m.group(1).lower() for m in _MENTION.finditer(text)]


def facets(text: str, dids: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The facets of a post: every link and #tag, and each mention whose DID is known."""
    out: list[dict[str, Any]] = []
    links = [(m.start(), m.end()) for m in _LINK.finditer(text)]
    for start, end in links:
        out.append({"index": _span(text, start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": text[start:end]}]})
    for m in _TAG.finditer(text):
        if any(s <= m.start() < e for s, e in links):
            continue
        out.append({"index": _span(text, m.start(), m.end()),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}]})
    for m in _MENTION.finditer(text):
        did = (dids or {}).get(m.group(1).lower())
        if did:
            out.append({"index": _span(text, m.start(), m.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]})
    out.sort(key=lambda f: f["index"]["byteStart"])
    return out


__all__ = ["facets", "mention_handles"]
