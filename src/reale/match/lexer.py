"""Splits watch-query text into tokens (operators, parentheses, phrases, bare terms).

Pure and linear: it never recurses, enforces the length limit first and rejects control
characters, so hostile text costs at most one pass before it becomes a ``QueryError``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from reale.errors import QueryError

MAX_QUERY_LENGTH = 10_000
MAX_NEAR_DISTANCE = 100

Kind = Literal["(", ")", "AND", "OR", "NOT", "NEAR", "PHRASE", "TERM", "END"]

_QUOTES_OPEN = '"“”„'  # straight and typographic quotes both delimit phrases
_QUOTES_CLOSE = '"“”'
_SPECIAL = set("()") | set(_QUOTES_OPEN)
_NEAR = re.compile(r"NEAR/([0-9]+)")


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the raw text (a phrase without its quotes)
    pos: int  # offset of the token's first character in the query
    number: int = 0  # the n of NEAR/n


def fail(query: str, pos: int, message: str, expected: str = "", code: str = "",
         **values: object) -> QueryError:
    """A ``QueryError`` pointing at ``pos``; ``code`` and ``values`` say it for a reader in
    another language (the desk's ``q.*`` words)."""
    return QueryError(message, query=query, position=pos, expected=expected, code=code,
                      values=values)


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with an ``END`` token."""
    if len(query) > MAX_QUERY_LENGTH:
        raise fail(query[:80] + "…", 0, f"query is too long ({len(query)} characters, "
                   f"at most {MAX_QUERY_LENGTH})", "a shorter query", "q.too_long",
                   n=len(query), most=MAX_QUERY_LENGTH)
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif unicodedata.category(char) == "Cc":
            raise fail(query, i, f"control character U+{ord(char):04X} is not allowed",
                       "printable text", "q.control", char=f"U+{ord(char):04X}")
        elif char in "()":
            tokens.append(Token(char, char, i))  # type: ignore[arg-type]
            i += 1
        elif char in _QUOTES_OPEN:
            i = _phrase(query, i, tokens)
        else:
            i = _bare(query, i, tokens)
    tokens.append(Token("END", "", n))
    return tokens


def _phrase(query: str, start: int, tokens: list[Token]) -> int:
    end = start + 1
    while end < len(query) and query[end] not in _QUOTES_CLOSE:
        if unicodedata.category(query[end]) == "Cc" and not query[end].isspace():
            raise fail(query, end, f"control character U+{ord(query[end]):04X} is not allowed",
                       "printable text", "q.control", char=f"U+{ord(query[end]):04X}")
        end += 1
    if end >= len(query):
        raise fail(query, len(query), f"the phrase that starts at position {start} is not "
                   "closed: expected '\"'", "'\"'", "q.phrase_open", start=start)
    tokens.append(Token("PHRASE", query[start + 1:end], start))
    return end + 1


def _bare(query: str, start: int, tokens: list[Token]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in _SPECIAL:
        if unicodedata.category(query[end]) == "Cc":
            break
        end += 1
    text = query[start:end]
    if text in ("AND", "OR", "NOT"):
        tokens.append(Token(text, text, start))  # type: ignore[arg-type]
    elif text == "NEAR" or text.startswith("NEAR/"):
        found = _NEAR.fullmatch(text)
        if found is None:
            raise fail(query, start + 4, "expected '/n' after NEAR (for example NEAR/3)", "'/n'",
                       "q.near_slash")
        distance = int(found.group(1)[:6])
        if distance > MAX_NEAR_DISTANCE:
            raise fail(query, start + 5, f"NEAR distance {found.group(1)[:6]} is too large "
                       f"(at most {MAX_NEAR_DISTANCE})", f"a number up to {MAX_NEAR_DISTANCE}",
                       "q.near_far", n=found.group(1)[:6], most=MAX_NEAR_DISTANCE)
        tokens.append(Token("NEAR", text, start, distance))
    else:
        tokens.append(Token("TERM", text, start))
    return end
