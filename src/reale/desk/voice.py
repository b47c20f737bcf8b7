"""The brand's voice: its own past replies (imported as JSONL, plus those published through
Reale), and how a past reply is adapted to a new author: handles swapped, greeting in the right
language, the old customer's name taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import msgspec

from reale.desk.similarity import words
from reale.desk.templates import GREETINGS

MAX_FIELD = 5_000
_LEADING_HANDLES = re.compile(r"^(?:\s*@[\w.@-]+)+\s*")
# a handle a network could have issued: a Bluesky domain, an X name, a Mastodon user@domain
_HANDLE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?"
                     r"(?:@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)?")
# a name that reads as a name (letters, spaces, apostrophes, hyphens, dots), never a link or @
_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.-]){0,39}")
_GREETING = re.compile(
    r"^((?i:hi|hello|hey|dear|ciao|salve|buongiorno|buonasera))\b(\s+(?i:there|a tutti))?"
    r"(\s+[A-ZÀ-Ý][\w'’-]+)?\s*([,!.]|-)?\s*")
_GREETING_LANG = {"hi": "en", "hello": "en", "hey": "en", "dear": "en", "ciao": "it",
                  "salve": "it", "buongiorno": "it", "buonasera": "it"}
_IT = frozenset(["il", "lo", "la", "gli", "le", "di", "che", "per", "non", "una", "con", "sono", "è", "ci", "ti", "mi", "ho", "hai", "grazie", "ciao", "questo", "della", "del", "anche", "come", "più", "ma", "se", "siamo"])
_EN = frozenset(["the", "to", "and", "of", "you", "your", "for", "is", "are", "we", "it", "this", "that", "with", "have", "can", "please", "thanks", "hi", "our", "be", "on", "not", "my"])


class PastReply(msgspec.Struct, frozen=True):
    """One exchange from the brand's history: the customer's text and the brand's reply."""

    incoming: str
    reply: str
    lang: str = ""


class _Line(msgspec.Struct):
    out: str
    lang: str = ""
    in_: str = msgspec.field(default="", name="in")


def guess_language(text: str) -> str:
    """``it``, ``en`` or ``""``, from common words (enough to route history and greetings)."""
    tokens = words(text)
    it, en = sum(t in _IT for t in tokens), sum(t in _EN for t in tokens)
    if max(it, en) == 0:
        return ""
    return "it" if it > en else "en"


def parse_history(lines: Iterable[str | bytes]) -> tuple[list[PastReply], int]:
    """Parse JSONL lines ``{"in", "out", "lang"?}``; bad lines are skipped and counted."""
    out: list[PastReply] = []
    skipped = 0
    decoder = msgspec.json.Decoder(_Line)
    for line in lines:
        if not line.strip():
            continue
        try:
            item = decoder.decode(line)
        except (msgspec.DecodeError, UnicodeError, RecursionError):  # not JSON, not UTF-8, too deep
            skipped += 1
            continue
        if not item.out.strip() or len(item.out) > MAX_FIELD or len(item.in_) > MAX_FIELD:
            skipped += 1
            continue
        lang = (item.lang or guess_language(item.out)).lower()[:2]
        out.append(PastReply(item.in_, item.out.strip(), lang))
    return out, skipped


def load_history(path: str | Path) -> tuple[list[PastReply], int]:
    """Read a history JSONL file (bytes, so invalid UTF-8 lines are skipped, not fatal)."""
    with open(path, "rb") as fh:
        return parse_history(fh)


def mention_of(handle: str) -> str:
    """``@handle`` for a handle a network could have issued, else ``""``: a handle from the open
    web must never put words, links or other people's ``@`` mentions into the brand's reply.

    >>> mention_of("zoe.bsky.social"), mention_of("x @everyone https://scam.example")
    ('@zoe.bsky.social', '')
    """
    h = handle.strip().lstrip("@")
    return f"@{h}" if _HANDLE.fullmatch(h) else ""


def plain_name(name: str) -> str:
    """``name`` if it reads as a person's name (at most 40 letters, spaces, ``'``, ``-``, ``.``),
    else ``""``: a display name is written by its owner and may hold anything."""
    name = name.strip()
    return name if _NAME.fullmatch(name) else ""


def adapt(reply: str, *, handle: str, lang: str, name: str = "") -> str:
    """Readdress a past reply to a new author: leading @handles replaced by ``handle``, a greeting
    in ``lang`` kept (with ``name`` or none in place of the old customer's name)."""
    body = _LEADING_HANDLES.sub("", reply).strip()
    m = _GREETING.match(body)
    greeting = ""
    if m:
        body = body[m.end():].lstrip()
        punct = m.group(4) or ""
        same = _GREETING_LANG[m.group(1).lower()] == lang
        word = (m.group(1) + (m.group(2) or "")) if same else GREETINGS.get(lang, GREETINGS["en"])
        if plain_name(name):
            word = f"{m.group(1) if same else word} {plain_name(name)}"
        greeting = word + (punct if punct in ("!", ".") else ",")
    mention = mention_of(handle)
    head = " ".join(p for p in (mention, greeting) if p)
    return f"{head} {body}".strip() if head else body

__all__ = ["PastReply", "adapt", "guess_language", "load_history", "mention_of", "parse_history",
           "plain_name"]
