"""Turns one bare term or phrase of a query (or a brand's handle, hashtag, keyword) into a node.

``#tag``, ``@handle``, ``lang:xx``, ``from:handle``, ``word``, ``wild*`` and words joined by
punctuation (``l'auto``, ``smart-phone``: a phrase of their words) are recognised here.
"""

from __future__ import annotations

import functools
import re

from reale.errors import QueryError
from reale.match.ast import From, Handle, Lang, Node, Phrase, Tag, Word
from reale.match.lexer import fail
from reale.match.normalize import fold_handle, fold_text, word_pattern

MIN_WILDCARD_PREFIX = 2
MAX_PHRASE_WORDS = 32
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


@functools.cache
def _handle_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    word = word_pattern().pattern
    query = re.compile(f"{word}(?:[.\\-@:]{word})*")  # also DIDs: did:plc:abc
    text = re.compile(f"{word}(?:[.\\-@]{word})*")  # what a handle looks like inside a post
    return query, text


def is_text_handle(name: str) -> bool:
    """True when ``@name`` can appear in a post's text (DIDs only match mentions and replies)."""
    return _handle_patterns()[1].fullmatch(name) is not None


def term_node(text: str, *, query: str = "", pos: int = 0) -> Node:
    """The node for one bare term ``text`` found at ``pos`` of ``query``."""
    query = query or text
    head = text[:5].lower()
    if head == "lang:":
        code = text[5:].strip().lower()
        if not _LANG.fullmatch(code):
            raise fail(query, pos + 5, "expected a language code like 'it' or 'pt-br' after "
                       "'lang:'", "a language code", "q.lang")
        return Lang(code)
    if head == "from:":
        return From(_handle_name(text[5:], query, pos + 5, "from:"))
    if text.startswith("#"):
        name = fold_text(text[1:])
        if not word_pattern().fullmatch(name):
            raise fail(query, pos + 1, "expected a hashtag name (letters, digits and _) after "
                       "'#'", "a hashtag name", "q.hashtag")
        return Tag(name)
    if text.startswith("@"):
        return Handle(_handle_name(text[1:], query, pos + 1, "@"))
    if len(text) > 1 and text[0] == "-" and word_pattern().match(fold_text(text[1:])):
        raise fail(query, pos, f"'-' is not an operator: to leave a term out write "
                   f"'NOT {text[1:]}'", "NOT", "q.minus", term=text[1:])
    return words_node(text, query=query, pos=pos, inner_wildcards=False)


def _handle_name(raw: str, query: str, pos: int, what: str) -> str:
    name = fold_handle(raw)
    if not _handle_patterns()[0].fullmatch(name):
        raise fail(query, pos, f"expected a handle like 'name' or 'name.bsky.social' after "
                   f"'{what}'", "a handle", "q.handle", what=what)
    return name


def words_node(text: str, *, query: str = "", pos: int = 0, inner_wildcards: bool = True) -> Node:
    """A word, a wildcard or a phrase of the words in ``text`` (``*`` ends a wildcard word)."""
    query = query or text
    folded = fold_text(text)
    words: list[Word] = []
    last_end = 0
    for found in word_pattern().finditer(folded):
        _check_stars(folded, last_end, found.start(), query, pos, text)
        prefix = folded.startswith("*", found.end())
        if prefix and len(found.group()) < MIN_WILDCARD_PREFIX:
            raise fail(query, pos + _star_offset(text), f"a wildcard needs at least "
                       f"{MIN_WILDCARD_PREFIX} letters before '*'", "more letters",
                       "q.wildcard_short", n=MIN_WILDCARD_PREFIX)
        if prefix and not inner_wildcards and found.end() + 1 < len(folded):
            raise fail(query, pos + _star_offset(text), "'*' is only allowed at the end of a "
                       "term", "a space after '*'", "q.wildcard_end")
        words.append(Word(found.group(), prefix))
        last_end = found.end() + (1 if prefix else 0)
    _check_stars(folded, last_end, len(folded), query, pos, text)
    if not words:
        raise fail(query, pos, "expected a word, a phrase, a #tag or an @handle", "a term",
                   "q.word")
    if len(words) > MAX_PHRASE_WORDS:
        raise fail(query, pos, f"a phrase has at most {MAX_PHRASE_WORDS} words", "a shorter "
                   "phrase", "q.phrase_long", most=MAX_PHRASE_WORDS)
    return words[0] if len(words) == 1 else Phrase(tuple(words))


def _check_stars(folded: str, start: int, end: int, query: str, pos: int, text: str) -> None:
    if "*" in folded[start:end]:
        raise fail(query, pos + _star_offset(text), "'*' must directly follow a word "
                   "(a trailing wildcard like auto*)", "a word before '*'", "q.star")


def _star_offset(text: str) -> int:
    return max(text.find("*"), 0)


def brand_term(kind: str, value: str, brand: str) -> Node:
    """The node for one entry of a brand's ``handles``, ``hashtags`` or ``keywords``."""
    try:
        if kind == "handles":
            return Handle(_handle_name(value, value, 0, "@"))
        if kind == "hashtags":
            return term_node("#" + value.strip().lstrip("#"))
        return words_node(value)
    except QueryError as exc:
        raise QueryError(f"brand {brand!r}, {kind} entry {value!r}: {exc.args[0]}",
                         query=exc.query, position=exc.position, expected=exc.expected) from exc
