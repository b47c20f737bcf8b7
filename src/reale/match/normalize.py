"""Text folding and word boundaries shared by the query parser, the matcher and the reference.

Folding is NFKD, then Unicode case folding, then removal of diacritics and invisible characters,
so ``Perché`` and ``perche`` match, as do ``ＦＩＡＴ`` and ``fiat``. A *word character* is a
letter, a digit, ``_`` or a combining mark; everything else (spaces, punctuation, apostrophes,
hyphens, ``#``, ``@``, emoji) separates words.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Diacritic blocks (Latin, Greek and Cyrillic accents after NFKD) and invisible characters
# (soft hyphen, zero-width space and non-joiner, direction marks, word joiner, BOM) that people
# put inside words, on purpose or not. Other marks (Indic vowel signs, kana voicing) stay: they
# are part of their words. The emoji joiner U+200D and variation selectors stay too, as
# separators, so emoji need no folding.
_STRIP_CLASS = (
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
_STRIP = re.compile(f"[{_STRIP_CLASS}]")

# Characters that may join the parts of a handle: fiorella.bsky.social, my-shop, user@host.
HANDLE_JOINERS = ".-@"

# Matching looks at most at this many characters of a post's text (hostile giant posts).
MAX_TEXT_CHARS = 50_000

# Beyond the BMP only flags (regional indicators) and the emoji blocks are taken as needing no
# folding: a short class keeps the check fast; other rare characters just take the full fold.
INERT_ASTRAL = ((0x1F1E6, 0x1F1FF), (0x1F300, 0x1FAFF))
_ASTRAL_ACTIVE = "\\U00010000-\\U0001f1e5\\U0001f200-\\U0001f2ff\\U0001fb00-\\U0010ffff"


def slow_fold(text: str) -> str:
    """The definition of folding: NFKD, case folding, diacritics and invisible characters
    removed."""
    return _STRIP.sub("", unicodedata.normalize("NFKD", text).casefold())


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """Fold one character (folding a string folds each character, but for the order of rare
    stacked marks)."""
    return slow_fold(char)


def fold_text(text: str) -> str:
    """Fold ``text`` for matching: the same function is applied to queries and to posts.

    >>> fold_text("Perché l'Alfa Romeo è così BELLA? 🚗")
    "perche l'alfa romeo e cosi bella? 🚗"
    """
    if text.isascii():
        return text.lower()
    _, active, (table, dropped) = _tables()
    latin = text.encode("latin-1", "ignore")  # Italian, French, German... without emoji
    if len(latin) == len(text):  # lower-cased and folded by one bytes translation
        folded_latin = latin.translate(table, dropped)
        if b"\x00" not in folded_latin:  # ß, µ, ½ (or a NUL) take the path below
            return folded_latin.decode("latin-1")
    # Lower-casing first changes nothing that folding would do, and leaves most characters
    # (emoji, punctuation, most scripts) needing nothing more. A few accents are folded one by
    # one in the same scan; text with many (kana with voicing marks, Vietnamese) in one pass.
    lowered = text.lower()
    if active.search(lowered) is None:
        return lowered
    folded, count = active.subn(_fold_found, lowered, count=_FEW)
    return folded if count < _FEW else slow_fold(lowered)


_FEW = 4  # accents folded one by one before the whole-text pass is cheaper


def _fold_found(found: re.Match[str]) -> str:
    return fold_char(found.group())


def _is_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def is_word_char(char: str) -> bool:
    """True for letters, digits, ``_`` and combining marks (one character)."""
    if char.isalnum() or char == "_":
        return True
    return unicodedata.category(char)[0] == "M" and not _is_selector(char)


class _WordTable(dict[str, bool]):
    """``table[c]`` says whether ``c`` is a word character, computed once per character."""

    def __missing__(self, char: str) -> bool:
        value = is_word_char(char)
        if len(self) < 200_000:  # bounded: hostile text cannot grow it without limit
            self[char] = value
        return value


WORD = _WordTable((chr(i), is_word_char(chr(i))) for i in range(128))


def _ranges(codepoints: list[int]) -> str:
    """A regex class body covering ``codepoints`` (sorted)."""
    parts: list[str] = []
    start = prev = -2
    for cp in [*codepoints, -1]:
        if cp != prev + 1:
            if start >= 0:
                parts.append(f"\\U{start:08x}-\\U{prev:08x}")
            start = cp
        prev = cp
    return "".join(parts)


def is_inert(char: str) -> bool:
    """Folding and ``str.lower`` both leave ``char`` as it is (emoji, most punctuation)."""
    return (unicodedata.normalize("NFKD", char) == char and char.casefold() == char
            and char.lower() == char and not _STRIP.match(char)
            and (unicodedata.category(char)[0] != "M" or _is_selector(char)))


@functools.cache
def _tables() -> tuple[str, re.Pattern[str], _Latin]:
    """Built on first use (about 0.2 s): every combining mark that is a word character, as a
    regex class body; a pattern finding a character that folding changes; and the fold of
    Latin-1 text as a bytes translation (see ``_latin``)."""
    marks = [cp for cp in [*range(0x80, 0x20000), *range(0xE0000, 0xE1000)]
             if unicodedata.category(chr(cp))[0] == "M" and not _is_selector(chr(cp))]
    active = f"[{_ranges([cp for cp in range(0x80, 0x10000) if not is_inert(chr(cp))])}" \
             f"{_ASTRAL_ACTIVE}]"
    return _ranges(marks), re.compile(active), _latin()


_Latin = tuple[bytes, bytes]


def _latin() -> _Latin:
    """How to lower-case and fold Latin-1 text byte by byte: a translation table and the bytes
    that fold to nothing (soft hyphen). The few that fold to several characters or beyond
    Latin-1 (ß, µ, ½) become NUL, which sends the text down the general path. (Every Latin-1
    character lower-cases to one Latin-1 character.)"""
    table = bytearray(range(256))
    dropped = bytearray()
    for code in range(0x00, 0x100):
        folded = fold_char(chr(code).lower())
        if not folded:
            dropped.append(code)
        else:
            table[code] = ord(folded) if len(folded) == 1 and ord(folded) < 0x100 else 0
    return bytes(table), bytes(dropped)


@functools.cache
def word_pattern() -> re.Pattern[str]:
    """Regex matching one maximal run of word characters (built on first use)."""
    return re.compile(f"[\\w{_tables()[0]}]+")


def lang_matches(code: str, langs: tuple[str, ...]) -> bool:
    """``lang:it`` matches a post declared ``it`` or ``it-IT`` (case-insensitive)."""
    for lang in langs:
        low = lang.strip().lower()
        if low == code or low.startswith(code + "-"):
            return True
    return False


@functools.lru_cache(maxsize=65536)  # the same accounts and tags come back all the time
def fold_handle(value: str) -> str:
    """A handle or account id as compared by ``@handle`` and ``from:``: folded, no leading ``@``."""
    if value.isascii():
        return value.strip().lower().lstrip("@")
    return fold_text(value.strip()).lstrip("@")


@functools.lru_cache(maxsize=65536)
def fold_tag(value: str) -> str:
    """A hashtag as compared by ``#tag``: folded, no leading ``#``."""
    return fold_text(value.strip()).lstrip("#")


def reply_did(uri: str) -> str:
    """The DID of the account a reply answers, from its parent's URI (``at://did:plc:x/...`` ->
    ``did:plc:x``), as written; '' for other URIs."""
    end = uri.find("/", 5)
    if not uri.startswith("at://did:") or end < 0:
        return ""
    return uri[5:end]


class OffsetMap:
    """Maps offsets in the folded text back to offsets in the original text."""

    def __init__(self, text: str) -> None:
        self._map: list[int] | None = None
        if text.isascii():
            return
        if all(len(fold_char(m.group())) == 1 for m in _tables()[1].finditer(text)):
            return  # every character folds to exactly one: offsets are unchanged
        index: list[int] = []
        for i, char in enumerate(text):
            index.extend([i] * len(fold_char(char)))
        index.append(len(text))
        self._map = index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering folded ``[start, end)``."""
        if self._map is None:
            return start, end
        last = len(self._map) - 1
        first = self._map[min(start, last)]
        return first, (self._map[min(end, last) - 1] + 1 if end > start else first)
