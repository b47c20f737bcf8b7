"""Compiles every brand's queries once: one Aho-Corasick automaton of all terms (the prefilter),
an exact check per query, and for each query the terms (or languages, or authors) without
which it cannot match, so a post only wakes the queries whose required terms it contains.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ahocorasick

from reale.match.ast import (
    And,
    From,
    Handle,
    Lang,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Tag,
    Word,
    iter_nodes,
    to_text,
)
from reale.match.normalize import fold_handle, lang_matches
from reale.match.terms import is_text_handle
from reale.match.verify import CompiledPhrase, Context, Interval, near

Check = Callable[[Context], bool]
Occurrences = Callable[[Context], list[Interval]]
Atom = tuple[str, int | str]  # ("t", term id) | ("l", language) | ("f", author)
SpanSource = tuple[int, str] | CompiledPhrase

_K = TypeVar("_K", str, tuple[str, bool])

KIND_WORD, KIND_TAG, KIND_HANDLE = 0, 1, 2
_COST = {"t": 1, "f": 1, "l": 1000}  # a language wakes a query on a large share of posts


@dataclass(frozen=True)
class QuerySource:
    """One watch-query of a brand: where it came from and what it parsed to."""

    brand: str
    text: str
    node: Node


@dataclass(frozen=True)
class CompiledQuery:
    source: QuerySource
    check: Check
    spans: tuple[SpanSource, ...]  # the positive terms, whose occurrences become Mention spans
    term: int = -1  # for a query that is one word, wildcard, hashtag or handle: its term id

class Terms:
    """Interns terms: each distinct word, wildcard, hashtag and handle gets one id."""

    def __init__(self, spread: Counter[Word] | None = None) -> None:
        self.spread = spread or Counter()  # in how many phrases each word appears
        self.words: dict[tuple[str, bool], int] = {}
        self.tags: dict[str, int] = {}
        self.handles: dict[str, int] = {}
        self.phrases: dict[tuple[Word, ...], CompiledPhrase] = {}
        self.count = 0

    def _new(self, table: dict[_K, int], key: _K) -> int:
        if key not in table:
            table[key] = self.count
            self.count += 1
        return table[key]

    def word(self, word: Word) -> int:
        return self._new(self.words, (word.text, word.prefix))

    def tag(self, name: str) -> int:
        return self._new(self.tags, name)

    def handle(self, name: str) -> int:
        return self._new(self.handles, name)

    def phrase(self, node: Phrase) -> CompiledPhrase:
        if node.words not in self.phrases:
            # The anchor should be rare in posts: a word shared by many phrases ("servizio" in
            # "servizio clienti X") is likely common, a word unique to one is likely a name.
            words = node.words
            anchor = min(range(len(words)), key=lambda i: (
                words[i].prefix, self.spread[words[i]], -len(words[i].text)))
            self.phrases[node.words] = CompiledPhrase(
                node.words, anchor, self.word(node.words[anchor]), to_text(node))
        return self.phrases[node.words]


@dataclass(frozen=True)
class Program:
    """Everything the matcher's hot loop needs, built once."""

    automaton: ahocorasick.Automaton | None
    queries: tuple[CompiledQuery, ...]
    term_queries: dict[int, tuple[int, ...]]
    tag_meta: dict[str, int]
    handle_meta: dict[str, int]
    lang_queries: dict[str, tuple[int, ...]]
    from_queries: dict[str, tuple[int, ...]]
    always: tuple[int, ...]
    term_count: int


def compile_queries(sources: Sequence[QuerySource]) -> Program:
    """Build the prefilter and the verifier for ``sources`` (in priority order)."""
    spread: Counter[Word] = Counter()
    for source in sources:
        for node in iter_nodes(source.node):
            if isinstance(node, Phrase):
                spread.update(set(node.words))
    terms = Terms(spread)
    queries: list[CompiledQuery] = []
    wake: dict[str, defaultdict[int | str, list[int]]] = {k: defaultdict(list) for k in "tlf"}
    always: list[int] = []
    for qi, source in enumerate(sources):
        check = _check(source.node, terms)
        spans = tuple(_span_sources(source.node, terms))
        single = isinstance(source.node, Word | Tag | Handle)
        term = spans[0][0] if single and isinstance(spans[0], tuple) else -1
        queries.append(CompiledQuery(source, check, spans, term))
        atoms = _need(source.node, terms)
        if atoms is None:
            always.append(qi)
        for kind, key in sorted(atoms or (), key=str):
            wake[kind][key].append(qi)
    return Program(
        automaton=_automaton(terms),
        queries=tuple(queries),
        term_queries={int(k): tuple(v) for k, v in wake["t"].items()},
        tag_meta=dict(terms.tags),
        handle_meta=dict(terms.handles),
        lang_queries={str(k): tuple(v) for k, v in wake["l"].items()},
        from_queries={str(k): tuple(v) for k, v in wake["f"].items()},
        always=tuple(always),
        term_count=terms.count,
    )


def _automaton(terms: Terms) -> ahocorasick.Automaton | None:
    """Keys: words (value ``(len-1, exact id, wildcard id, KIND_WORD)``), ``#tag``, ``@handle``."""
    values: dict[str, tuple[int, int, int, int]] = {}
    for (text, prefix), tid in terms.words.items():
        off, exact, wild, _ = values.get(text, (len(text) - 1, -1, -1, KIND_WORD))
        values[text] = (off, exact, tid, KIND_WORD) if prefix else (off, tid, wild, KIND_WORD)
    for name, tid in terms.tags.items():
        values["#" + name] = (len(name), tid, -1, KIND_TAG)
    for name, tid in terms.handles.items():
        if is_text_handle(name):
            values["@" + name] = (len(name), tid, -1, KIND_HANDLE)
    if not values:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in values.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def _check(node: Node, terms: Terms) -> Check:
    if isinstance(node, Word):
        tid = terms.word(node)
        return lambda ctx: tid in ctx.hits
    if isinstance(node, Tag | Handle):
        tid = terms.tag(node.name) if isinstance(node, Tag) else terms.handle(node.name)
        return lambda ctx: tid in ctx.hits
    if isinstance(node, Phrase):
        phrase = terms.phrase(node)
        return lambda ctx: bool(ctx.phrase(phrase))
    if isinstance(node, Lang):
        code = node.code
        return lambda ctx: lang_matches(code, ctx.post.langs)
    if isinstance(node, From):
        return _check_from(node.handle)
    if isinstance(node, Not):
        inner = _check(node.child, terms)
        return lambda ctx: not inner(ctx)
    if isinstance(node, And | Or):
        parts = tuple(_check(c, terms) for c in node.children)
        if isinstance(node, And):
            return lambda ctx: all(p(ctx) for p in parts)
        return lambda ctx: any(p(ctx) for p in parts)
    left, right, distance = _occurrences(node.left, terms), _occurrences(node.right, terms), \
        node.distance
    return lambda ctx: near(left(ctx), right(ctx), distance)


def _check_from(handle: str) -> Check:
    def check(ctx: Context) -> bool:
        author = ctx.post.author
        return handle in (fold_handle(author.handle), fold_handle(author.id))

    return check


def _occurrences(node: Node, terms: Terms) -> Occurrences:
    if isinstance(node, Word):
        tid = terms.word(node)
        return lambda ctx: ctx.intervals(ctx.hits.get(tid, []))
    if isinstance(node, Phrase):
        phrase = terms.phrase(node)
        return lambda ctx: ctx.intervals(ctx.phrase(phrase))
    if isinstance(node, Or):
        parts = tuple(_occurrences(c, terms) for c in node.children)
        return lambda ctx: [occ for p in parts for occ in p(ctx)]
    raise TypeError(f"not a NEAR operand: {node!r}")  # the parser rejects these


def _need(node: Node, terms: Terms) -> frozenset[Atom] | None:
    """Atoms of which at least one is present whenever ``node`` is true (None: no such set)."""
    if isinstance(node, Word):
        return frozenset({("t", terms.word(node))})
    if isinstance(node, Phrase):
        return frozenset({("t", terms.phrase(node).anchor_term)})
    if isinstance(node, Tag):
        return frozenset({("t", terms.tag(node.name))})
    if isinstance(node, Handle):
        return frozenset({("t", terms.handle(node.name))})
    if isinstance(node, Lang):
        return frozenset({("l", node.code.split("-")[0])})
    if isinstance(node, From):
        return frozenset({("f", node.handle)})
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        parts = [_need(c, terms) for c in node.children]
        if any(p is None for p in parts):
            return None
        return frozenset().union(*(p for p in parts if p is not None))
    children = node.children if isinstance(node, And) else (node.left, node.right)
    options = [p for p in (_need(c, terms) for c in children) if p is not None]
    if not options:
        return None
    return min(options, key=lambda atoms: sum(_COST[kind] for kind, _ in atoms))


def _span_sources(node: Node, terms: Terms) -> list[SpanSource]:
    """The query's positive words, hashtags, handles and phrases (not those under NOT)."""
    if isinstance(node, Word):
        return [(terms.word(node), to_text(node))]
    if isinstance(node, Tag):
        return [(terms.tag(node.name), to_text(node))]
    if isinstance(node, Handle):
        return [(terms.handle(node.name), to_text(node))]
    if isinstance(node, Phrase):
        return [terms.phrase(node)]
    if isinstance(node, And | Or):
        return [s for c in node.children for s in _span_sources(c, terms)]
    if isinstance(node, Near):
        return _span_sources(node.left, terms) + _span_sources(node.right, terms)
    return []
