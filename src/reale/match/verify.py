"""What the exact verifier knows about one post, computed lazily: term hits from the prefilter,
then (only when a phrase or NEAR needs them) the post's words and phrase occurrences.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from reale.events import Post
from reale.match.ast import Word
from reale.match.normalize import WORD, word_pattern

Hits = dict[int, list[tuple[int, int]]]  # term id -> character spans of whole words (folded text)
Interval = tuple[int, int]  # first and last word index of an occurrence


@dataclass(frozen=True, eq=False)
class CompiledPhrase:
    """A phrase and the word (its anchor, found by the prefilter) that triggers checking it."""

    words: tuple[Word, ...]
    anchor: int  # index of the anchor word within ``words``
    anchor_term: int  # term id of the anchor word
    text: str  # canonical text, for spans


class Context:
    """One post under verification."""

    __slots__ = ("_ends", "_phrases", "_starts", "hits", "post", "text")

    def __init__(self, post: Post, text: str, hits: Hits) -> None:
        self.post = post
        self.text = text
        self.hits = hits
        self._starts: dict[int, int] | None = None  # word start offset -> word index
        self._ends: dict[int, int] = {}
        self._phrases: dict[int, list[tuple[int, int]]] = {}

    def _index(self) -> tuple[dict[int, int], dict[int, int]]:
        if self._starts is None:
            spans = [m.span() for m in word_pattern().finditer(self.text)]
            self._starts = {start: i for i, (start, _) in enumerate(spans)}
            self._ends = {end: i for i, (_, end) in enumerate(spans)}
        return self._starts, self._ends

    def intervals(self, spans: list[tuple[int, int]]) -> list[Interval]:
        """Word-index intervals of character spans that start and end on word boundaries."""
        if not spans:
            return []
        starts, ends = self._index()
        return [(starts[s], ends[e]) for s, e in spans if s in starts and e in ends]

    def phrase(self, phrase: CompiledPhrase) -> list[tuple[int, int]]:
        """Character spans of the phrase's occurrences (found around its anchor's hits)."""
        key = id(phrase)
        found = self._phrases.get(key)
        if found is None:
            found = self._phrases[key] = [
                span for start, end in self.hits.get(phrase.anchor_term, ())
                if (span := phrase_around(self.text, start, end, phrase)) is not None]
        return found


def _word_ok(text: str, word: Word) -> bool:
    return text.startswith(word.text) if word.prefix else text == word.text


def phrase_around(text: str, start: int, end: int, phrase: CompiledPhrase) -> tuple[int, int] | None:
    """The span of ``phrase`` if its anchor word is the word ``text[start:end]``."""
    size = len(text)
    for word in phrase.words[phrase.anchor + 1:]:
        begin = end
        while begin < size and not WORD[text[begin]]:
            begin += 1
        end = begin
        while end < size and WORD[text[end]]:
            end += 1
        if begin == end or not _word_ok(text[begin:end], word):
            return None
    last = end
    for word in reversed(phrase.words[:phrase.anchor]):
        stop = start
        while stop > 0 and not WORD[text[stop - 1]]:
            stop -= 1
        start = stop
        while start > 0 and WORD[text[start - 1]]:
            start -= 1
        if start == stop or not _word_ok(text[start:stop], word):
            return None
    return start, last


def near(left: list[Interval], right: list[Interval], distance: int) -> bool:
    """Some occurrence of ``left`` and one of ``right`` with at most ``distance`` words between
    them, in either order (occurrences that overlap do not count)."""
    if not left or not right:
        return False
    firsts = sorted(first for first, _ in right)
    lasts = sorted(last for _, last in right)
    for first, last in left:
        k = bisect_left(firsts, last + 1)
        if k < len(firsts) and firsts[k] <= last + 1 + distance:
            return True
        k = bisect_right(lasts, first - 1)
        if k > 0 and lasts[k - 1] >= first - 1 - distance:
            return True
    return False
