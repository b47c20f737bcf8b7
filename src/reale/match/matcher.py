"""The compiled matcher: one Aho-Corasick pass over the folded text finds every term, cheap
boundary checks keep whole words, and only the queries woken by what was found are verified.

A post that contains none of the terms costs one fold and one automaton pass, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from reale.config import BrandConfig
from reale.events import Mention, Post, Span
from reale.match.brands import brand_queries
from reale.match.compile import (
    KIND_HANDLE,
    KIND_WORD,
    CompiledQuery,
    Program,
    QuerySource,
    compile_queries,
)
from reale.match.normalize import (
    HANDLE_JOINERS,
    WORD,
    OffsetMap,
    fold_handle,
    fold_tag,
    fold_text,
)
from reale.match.parser import parse_query
from reale.match.verify import CompiledPhrase, Context, Hits


def _no_hits(text: str) -> Iterator[tuple[int, tuple[int, int, int, int]]]:
    return iter(())


class Matcher:
    """Matches posts against every brand's watch-queries (build with :meth:`from_brands`)."""

    __slots__ = (
        "_always",
        "_direct",
        "_from",
        "_handle_cache",
        "_handles",
        "_iter",
        "_langs",
        "_program",
        "_queries",
        "_quiet",
        "_replies",
        "_reply_prefixes",
        "_tag_cache",
        "_tags",
        "_wake",
    )

    def __init__(self, program: Program) -> None:
        self._program = program
        self._iter = program.automaton.iter if program.automaton is not None else _no_hits
        self._queries = program.queries
        self._wake = program.term_queries
        self._tags = program.tag_meta
        self._handles = program.handle_meta
        self._langs = program.lang_queries
        self._from = program.from_queries
        self._always = program.always
        self._tag_cache: dict[str, int] = {}
        self._handle_cache: dict[str, int] = {}
        # Replies are recognised by the DID in the parent's at:// URI (the firehose never puts a
        # handle there); a few DIDs are checked with one startswith, many by their common prefix.
        self._replies = {f"at://{name}/": tid for name, tid in program.handle_meta.items()
                         if name.startswith("did:")}
        self._reply_prefixes: tuple[str, ...] = (
            tuple(self._replies) if len(self._replies) <= 16 else ("at://did:",))
        # No query can match without a term hit: a post with no hit is done after the scan.
        self._quiet = not (program.always or program.lang_queries or program.from_queries)
        # Terms that wake exactly one query, which is that term alone: finding one is a mention.
        self._direct = {
            tid: (q.source.brand, q.source.text, q.spans[0][1])  # type: ignore[index]
            for tid, woken in program.term_queries.items() if len(woken) == 1
            for q in (program.queries[woken[0]],) if q.term == tid}

    @classmethod
    def from_brands(cls, brands: Sequence[BrandConfig]) -> Matcher:
        """Compile the handles, hashtags, keywords and queries of ``brands`` (``QueryError`` on a
        bad one, naming the brand)."""
        return cls(compile_queries(brand_queries(brands)))

    @classmethod
    def from_query(cls, text: str, *, brand: str = "query") -> Matcher:
        """A matcher for one boolean query (``reale query test``)."""
        return cls(compile_queries([QuerySource(brand, text, parse_query(text))]))

    @property
    def queries(self) -> tuple[QuerySource, ...]:
        return tuple(q.source for q in self._queries)

    @property
    def term_count(self) -> int:
        """Distinct words, wildcards, hashtags and handles compiled."""
        return self._program.term_count

    def __repr__(self) -> str:
        return f"<Matcher {len(self._queries)} queries, {self.term_count} terms>"

    def match_many(self, posts: Iterable[Post], *, matched_at: float = 0.0) -> list[Mention]:
        """The mentions of all ``posts``, in order."""
        out: list[Mention] = []
        for post in posts:
            found = self.match(post, matched_at=matched_at)
            if found:
                out.extend(found)
        return out

    def match(self, post: Post, *, matched_at: float = 0.0) -> list[Mention]:
        """At most one :class:`Mention` per brand: its first query (in config order) that
        matches ``post``, with the spans of that query's terms in the text."""
        text = post.text
        folded = text.lower() if text.isascii() else fold_text(text)
        hits: Hits | None = None
        # The hot loop: one automaton pass; most posts yield nothing and skip the body.
        for end, (off, exact, wild, kind) in self._iter(folded):
            start = end - off
            if start and WORD[folded[start - 1]]:
                continue  # glued to the word before: "smart" inside "asmart"
            if wild < 0 and end + 1 < len(folded) and WORD[folded[end + 1]]:
                continue  # glued to the word after: "smart" inside "smartphone"
            if wild < 0 and kind != KIND_HANDLE:  # a whole word or hashtag: found
                if hits is None:
                    hits = {exact: [(start, end + 1)]}
                else:
                    hits.setdefault(exact, []).append((start, end + 1))
            else:
                hits = _hit(hits, folded, start, end + 1, exact, wild, kind)
        parent = post.reply_parent
        if post.hashtags or post.mentions or (
                parent is not None and parent.startswith(self._reply_prefixes)):
            hits = self._meta_hits(post, hits)
        if hits is None:
            return [] if self._quiet else self._verify(post, text, folded, {}, matched_at)
        if len(hits) == 1 and self._quiet:  # one term found: often it decides alone
            for tid, spans in hits.items():
                direct = self._direct.get(tid)
                if direct is not None:
                    brand, query, term = direct
                    return [Mention(brand=brand, query=query, post=post, matched_at=matched_at,
                                    spans=_term_spans(spans, term, text))]
        return self._verify(post, text, folded, hits, matched_at)

    def _meta_hits(self, post: Post, hits: Hits | None) -> Hits | None:
        """Hashtags, mentions and the replied-to DID, from the post's metadata (no spans)."""
        found: list[int] = []
        if post.hashtags and self._tags:
            _lookup(found, post.hashtags, self._tag_cache, self._tags, fold_tag)
        if post.mentions and self._handles:
            _lookup(found, post.mentions, self._handle_cache, self._handles, fold_handle)
        parent = post.reply_parent
        if parent is not None and parent.startswith(self._reply_prefixes):
            found.append(self._replies.get(parent[:parent.find("/", 5) + 1], -1))
        for tid in found:
            if tid >= 0:
                hits = {} if hits is None else hits
                hits.setdefault(tid, [])
        return hits

    def _woken(self, post: Post, hits: Hits) -> Sequence[int]:
        """The queries to verify, in priority order."""
        if len(hits) == 1 and self._quiet:  # the usual case: one term, its queries (in order)
            for tid in hits:
                return self._wake.get(tid, ())
        woken: set[int] = set(self._always)
        wake = self._wake
        for tid in hits:
            queries = wake.get(tid)
            if queries:
                woken.update(queries)
        if self._langs and post.langs:
            for lang in post.langs:
                woken.update(self._langs.get(lang.strip().lower().split("-")[0], ()))
        if self._from:
            author = post.author
            woken.update(self._from.get(fold_handle(author.handle), ()))
            woken.update(self._from.get(fold_handle(author.id), ()))
        return sorted(woken)

    def _verify(self, post: Post, text: str, folded: str, hits: Hits,
                matched_at: float) -> list[Mention]:
        woken = self._woken(post, hits)
        ctx: Context | None = None
        done: set[str] = set()
        out: list[Mention] = []
        for qi in woken:
            query = self._queries[qi]
            brand = query.source.brand
            if brand in done:
                continue
            if query.term >= 0:  # one term: the scan has already decided
                if query.term not in hits:
                    continue
            else:
                ctx = Context(post, folded, hits) if ctx is None else ctx
                if not query.check(ctx):
                    continue
            done.add(brand)
            out.append(Mention(brand=brand, query=query.source.text, post=post,
                               spans=_spans(query, hits, ctx, text), matched_at=matched_at))
        return out


def _lookup(found: list[int], raw: tuple[str, ...], cache: dict[str, int],
            table: dict[str, int], fold: Callable[[str], str]) -> None:
    """Term ids (or -1) of hashtags or mentions as the source wrote them: ``cache`` remembers
    each raw spelling's answer, so the usual case is one dictionary lookup."""
    for value in raw:
        tid = cache.get(value)
        if tid is None:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            tid = cache[value] = table.get(fold(value), -1)
        found.append(tid)


_CACHE_SIZE = 100_000


def _hit(hits: Hits | None, text: str, start: int, after: int, exact: int, wild: int,
         kind: int) -> Hits | None:
    """Record an automaton hit whose left boundary holds, if its right boundary holds too."""
    size = len(text)
    if kind == KIND_WORD:
        if wild >= 0:  # a wildcard: the hit covers the whole word it starts
            stop = after
            while stop < size and WORD[text[stop]]:
                stop += 1
            hits = {} if hits is None else hits
            hits.setdefault(wild, []).append((start, stop))
        if exact < 0 or (after < size and WORD[text[after]]):
            return hits
    elif after < size:
        char = text[after]
        if WORD[char]:
            return hits
        if kind == KIND_HANDLE and char in HANDLE_JOINERS and after + 1 < size \
                and WORD[text[after + 1]]:
            return hits  # @fiat is not @fiat.bsky.social
    hits = {} if hits is None else hits
    hits.setdefault(exact, []).append((start, after))
    return hits


def _term_spans(spans: list[tuple[int, int]], term: str, text: str) -> tuple[Span, ...]:
    """The spans of one term's hits, in the original text."""
    if not text.isascii():
        offsets = OffsetMap(text)
        spans = [offsets.span(start, end) for start, end in spans]
    if len(spans) == 1:  # the usual case, without building a list first
        start, end = spans[0]
        return (Span(start, end, term),)
    return tuple([Span(start, end, term) for start, end in spans])


def _spans(query: CompiledQuery, hits: Hits, ctx: Context | None,
           text: str) -> tuple[Span, ...]:
    if query.term >= 0:  # one term: its hits as they are
        return _term_spans(hits[query.term], query.spans[0][1], text)  # type: ignore[index]
    found: set[tuple[int, int, str]] = set()
    for source in query.spans:
        if isinstance(source, CompiledPhrase):
            if ctx is not None:
                found.update((start, end, source.text) for start, end in ctx.phrase(source))
        else:
            tid, term = source
            found.update((start, end, term) for start, end in hits.get(tid, ()))
    if not found:
        return ()
    offsets = OffsetMap(text)
    return tuple(Span(*offsets.span(start, end), term) for start, end, term in sorted(found))
