"""The slow, obviously correct evaluator: tokenise the post, then walk the query tree.

It defines what a query means; the compiled :class:`reale.match.Matcher` must agree with it on
every post (a Hypothesis test checks this). Never used on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reale.events import Post
from reale.match.ast import And, From, Handle, Lang, Near, Node, Not, Or, Phrase, Tag, Word
from reale.match.normalize import (
    HANDLE_JOINERS,
    MAX_TEXT_CHARS,
    fold_handle,
    fold_tag,
    fold_text,
    is_word_char,
    lang_matches,
    reply_did,
)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass
class Document:
    """A post seen the way queries see it: folded words, hashtags and handles with positions."""

    post: Post
    text: str
    words: list[Token] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, post: Post) -> Document:
        text = fold_text(post.text[:MAX_TEXT_CHARS])
        doc = cls(post, text, words=_words(text))
        for word in doc.words:
            if _marker_before(text, word.start, "#"):
                doc.tags.add(word.text)
        for i, char in enumerate(text):
            if char == "@" and (i == 0 or not is_word_char(text[i - 1])):
                handle = _handle_at(text, i + 1)
                if handle:
                    doc.handles.add(handle)
        doc.tags.update(fold_tag(t) for t in post.hashtags)
        doc.handles.update(fold_handle(m) for m in post.mentions)
        if post.reply_parent and reply_did(post.reply_parent):
            doc.handles.add(reply_did(post.reply_parent))
        return doc


def _words(text: str) -> list[Token]:
    words: list[Token] = []
    start = -1
    for i, char in enumerate(text + " "):
        inside = i < len(text) and is_word_char(char)
        if inside and start < 0:
            start = i
        elif not inside and start >= 0:
            words.append(Token(start, i, text[start:i]))
            start = -1
    return words


def _marker_before(text: str, start: int, marker: str) -> bool:
    """``text[start-1]`` is ``marker``, itself not glued to a preceding word."""
    if start < 1 or text[start - 1] != marker:
        return False
    return start < 2 or not is_word_char(text[start - 2])


def _handle_at(text: str, i: int) -> str:
    """The longest ``word(joiner word)*`` starting at ``i`` ('' when no word starts there)."""
    end = i
    while True:
        while end < len(text) and is_word_char(text[end]):
            end += 1
        if end > i and end + 1 < len(text) and text[end] in HANDLE_JOINERS \
                and is_word_char(text[end + 1]):
            end += 1
        else:
            return text[i:end]


def _word_ok(token: Token, word: Word) -> bool:
    return token.text.startswith(word.text) if word.prefix else token.text == word.text


def occurrences(doc: Document, node: Node) -> list[tuple[int, int]]:
    """Word-index intervals ``[first, last]`` where a NEAR operand occurs."""
    if isinstance(node, Word):
        return [(i, i) for i, t in enumerate(doc.words) if _word_ok(t, node)]
    if isinstance(node, Phrase):
        size = len(node.words)
        return [(i, i + size - 1) for i in range(len(doc.words) - size + 1)
                if all(_word_ok(doc.words[i + k], w) for k, w in enumerate(node.words))]
    if isinstance(node, Or):
        return [occ for child in node.children for occ in occurrences(doc, child)]
    raise TypeError(f"not a NEAR operand: {node!r}")


def _near(doc: Document, node: Near) -> bool:
    for a_first, a_last in occurrences(doc, node.left):
        for b_first, b_last in occurrences(doc, node.right):
            if b_first > a_last and b_first - a_last - 1 <= node.distance:
                return True
            if a_first > b_last and a_first - b_last - 1 <= node.distance:
                return True
    return False


def holds(doc: Document, node: Node) -> bool:
    """Whether ``node`` is true of ``doc``."""
    if isinstance(node, Word | Phrase):
        return bool(occurrences(doc, node))
    if isinstance(node, Tag):
        return node.name in doc.tags
    if isinstance(node, Handle):
        return node.name in doc.handles
    if isinstance(node, Lang):
        return lang_matches(node.code, doc.post.langs)
    if isinstance(node, From):
        author = doc.post.author
        return node.handle in (fold_handle(author.handle), fold_handle(author.id))
    if isinstance(node, And):
        return all(holds(doc, c) for c in node.children)
    if isinstance(node, Or):
        return any(holds(doc, c) for c in node.children)
    if isinstance(node, Not):
        return not holds(doc, node.child)
    return _near(doc, node)


def evaluate(node: Node, post: Post) -> bool:
    """Whether the query ``node`` matches ``post``."""
    return holds(Document.of(post), node)
