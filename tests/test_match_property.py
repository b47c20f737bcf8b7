"""Property tests: the compiled matcher agrees with the slow reference evaluator on random
queries and random posts; the parser survives any text; folding is stable."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reale.config import BrandConfig
from reale.errors import QueryError
from reale.events import Author, Post
from reale.match import Matcher, parse_query, to_text
from reale.match.normalize import fold_text, slow_fold
from reale.match.reference import evaluate

# One small vocabulary for queries and texts, so that random queries often hit random posts.
WORDS = ["fiat", "panda", "auto", "automobile", "alfa", "romeo", "perché", "perche", "città",
         "smart", "phone", "smartphone", "caffè", "l", "dell", "ciao", "bella", "500", "fiat500",
         "Straße", "strasse", "ﬁat", "ΟΔΟΣ", "οδος", "naïve", "e", "è", "giulia", "giulietta",
         "servizio", "clienti", "x_y"]
HANDLES = ["fiat", "fiat.bsky.social", "alfa-romeo", "fiat@mastodon.social", "did:plc:brand"]
SEPARATORS = [" ", " ", " ", ", ", "-", "'", "’", ".", "!", "...", "#", "@", "🚗", "❤️",
              "\u200b", "\n", "", "e\u0301", "?"]

settings.register_profile("match", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


def _cased(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.title()])


words = st.sampled_from(WORDS).flatmap(_cased)
plain_words = st.sampled_from([w for w in WORDS if w.isalnum() or w == "x_y"])
wildcards = st.sampled_from(WORDS).filter(lambda w: len(fold_text(w)) >= 2).flatmap(
    lambda w: st.integers(2, len(fold_text(w))).map(lambda n: fold_text(w)[:n] + "*"))
phrases = st.lists(st.one_of(words, wildcards), min_size=2, max_size=3).map(
    lambda ws: '"' + " ".join(ws) + '"')
near_operands = st.recursive(
    st.one_of(words, wildcards, phrases),
    lambda inner: st.lists(inner, min_size=2, max_size=3).map(
        lambda parts: "(" + " OR ".join(parts) + ")"),
    max_leaves=3)
nears = st.tuples(near_operands, st.integers(0, 3), near_operands).map(
    lambda t: f"{t[0]} NEAR/{t[1]} {t[2]}")
terms = st.one_of(
    words, wildcards, phrases, nears,
    plain_words.map(lambda w: "#" + w),
    st.sampled_from(HANDLES).map(lambda h: "@" + h),
    st.sampled_from(["lang:it", "lang:en", "lang:pt"]),
    st.sampled_from(["from:someone.bsky.social", "from:did:plc:author", "from:other"]),
)


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda p: f"{p[0]} AND {p[1]}"),
        pair.map(lambda p: f"{p[0]} OR {p[1]}"),
        pair.map(lambda p: f"{p[0]} {p[1]}"),
        pair.map(lambda p: f"{p[0]} NOT {p[1]}"),
        inner.map(lambda q: f"NOT {q}"),
        inner.map(lambda q: f"({q})"),
    )


queries = st.recursive(terms, _combine, max_leaves=6)

texts = st.lists(st.tuples(st.one_of(words, plain_words.map(lambda w: "#" + w),
                                     st.sampled_from(HANDLES).map(lambda h: "@" + h)),
                           st.sampled_from(SEPARATORS)),
                 max_size=10).map(lambda parts: "".join(w + s for w, s in parts))

posts = st.builds(
    lambda text, langs, tags, mentions, parent, author: Post(
        network="bluesky", uri="at://did:plc:author/app.bsky.feed.post/1", author=author,
        text=text, created_at=0.0, langs=langs, hashtags=tags, mentions=mentions,
        reply_parent=parent),
    texts,
    st.sampled_from([(), ("it",), ("en",), ("it-IT", "en"), ("pt-BR",), ("IT",)]),
    st.lists(plain_words, max_size=2).map(tuple),
    st.lists(st.sampled_from([*HANDLES, "@Fiat", "other"]), max_size=2).map(tuple),
    st.sampled_from([None, "at://did:plc:brand/app.bsky.feed.post/1",
                     "at://did:plc:other/app.bsky.feed.post/1", "x://tweet/1"]),
    st.sampled_from([Author(id="did:plc:author", handle="someone.bsky.social"),
                     Author(id="did:plc:author"), Author(id="1", handle="Other")]),
)


@settings(settings.get_profile("match"))
@given(queries, st.lists(posts, min_size=1, max_size=4))
def test_compiled_matcher_agrees_with_the_reference(query: str, sample: list[Post]) -> None:
    node = parse_query(query)
    matcher = Matcher.from_query(query)
    for post in sample:
        assert bool(matcher.match(post)) == evaluate(node, post), (to_text(node), post.text)


@settings(settings.get_profile("match"))
@given(queries, st.data())
def test_agreement_on_posts_written_with_the_querys_own_words(query: str,
                                                              data: st.DataObject) -> None:
    """Posts made of the query's words (in any order, with any gaps) probe phrases and NEAR
    distances exactly at their edges."""
    node = parse_query(query)
    own = re.findall(r"[#@]?[\w.@:-]+", to_text(node).replace("*", "ab")) or ["x"]
    vocabulary = st.sampled_from([*own, "x", "y"]).flatmap(_cased)
    text = data.draw(st.lists(st.tuples(vocabulary, st.sampled_from(SEPARATORS)),
                              max_size=12).map(lambda parts: "".join(w + s for w, s in parts)))
    post = Post(network="bluesky", uri="at://did:plc:author/app.bsky.feed.post/1",
                author=Author(id="did:plc:author"), text=text, created_at=0.0,
                langs=data.draw(st.sampled_from([(), ("it",), ("en",)])))
    assert bool(Matcher.from_query(query).match(post)) == evaluate(node, post), text


SMALL = ["fiat", "panda", "fia*", '"fiat panda"', '"panda fi*"', "(fiat OR panda)"]


@settings(settings.get_profile("match"))
@given(st.sampled_from(SMALL), st.integers(0, 3), st.sampled_from(SMALL), st.data())
def test_near_and_phrases_at_their_edges(left: str, distance: int, right: str,
                                         data: st.DataObject) -> None:
    """A tiny vocabulary makes every distance and order between the operands likely."""
    query = f"{left} NEAR/{distance} {right}"
    gap = st.sampled_from(["fiat", "panda", "fiato", "x", "#fiat", "l'", "-"]).flatmap(_cased)
    text = data.draw(st.lists(gap, max_size=9).map(" ".join))
    post = Post(network="bluesky", uri="at://did:plc:author/app.bsky.feed.post/1",
                author=Author(id="did:plc:author"), text=text, created_at=0.0)
    assert bool(Matcher.from_query(query).match(post)) == evaluate(parse_query(query), post)


@settings(settings.get_profile("match"), max_examples=150)
@given(st.lists(queries, min_size=1, max_size=6), st.lists(posts, min_size=1, max_size=3))
def test_each_brand_gets_its_first_matching_query(query_list: list[str],
                                                  sample: list[Post]) -> None:
    brands = [BrandConfig(name=f"b{i % 3}", queries=tuple(query_list[i::3])) for i in range(3)]
    matcher = Matcher.from_brands(brands)
    for post in sample:
        expected = {}
        for brand in brands:
            first = next((q for q in brand.queries if evaluate(parse_query(q), post)), None)
            if first is not None:
                expected[brand.name] = first
        assert {m.brand: m.query for m in matcher.match(post)} == expected


@settings(settings.get_profile("match"), max_examples=150)
@given(st.lists(words, max_size=3), st.lists(plain_words, max_size=3),
       st.lists(st.sampled_from(HANDLES), max_size=3), posts)
def test_brand_terms_agree_with_the_reference(keywords: list[str], tags: list[str],
                                              handles: list[str], post: Post) -> None:
    brand = BrandConfig(name="b", handles=tuple(handles), hashtags=tuple(tags),
                        keywords=tuple(keywords))
    expected = any(evaluate(q.node, post) for q in Matcher.from_brands([brand]).queries)
    assert bool(Matcher.from_brands([brand]).match(post)) == expected


@settings(settings.get_profile("match"))
@given(queries)
def test_the_canonical_text_parses_back_to_the_same_tree(query: str) -> None:
    node = parse_query(query)
    assert parse_query(to_text(node)) == node


@settings(settings.get_profile("match"), max_examples=600)
@given(st.lists(st.sampled_from([*'()"“” *#@:/-_.\'\\\x00\t\n', "AND", "OR", "NOT", "NEAR/",
                                 "NEAR/2", "lang:", "from:", "1", *WORDS]), max_size=25).map("".join)
       | st.text(max_size=40))
def test_the_parser_returns_a_tree_or_a_query_error_for_any_text(text: str) -> None:
    try:
        node = parse_query(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.expected
    else:
        assert parse_query(to_text(node)) == node


@settings(settings.get_profile("match"), max_examples=600)
@given(st.text(max_size=30) | texts)
def test_folding_is_stable_and_agrees_with_its_definition(text: str) -> None:
    folded = fold_text(text)
    assert fold_text(folded) == folded
    if not any(0x300 <= ord(c) <= 0x36F or not c.isprintable() for c in text):
        assert folded == slow_fold(text)  # whole-string NFKD differs only on stacked marks


def test_latin_1_text_is_lower_cased_and_folded_as_the_definition_says() -> None:
    """Latin-1 text takes one bytes translation that lower-cases and folds at once."""
    latin = [chr(c) for c in range(0x20, 0x100) if chr(c).isprintable()]
    for char in latin:
        assert fold_text(f"{char}é{char.upper()}") == slow_fold(f"{char}é{char.upper()}"), char
    assert fold_text("".join(latin)) == slow_fold("".join(latin))
    assert fold_text("PERCHÉ Ÿ ÀÇ pe\u00adrché") == "perche y ac perche"
