"""The watch-query language: what each operator parses to, and how errors point at the problem."""

from __future__ import annotations

import pytest

from reale.errors import QueryError
from reale.match import (
    And,
    From,
    Handle,
    Lang,
    Near,
    Not,
    Or,
    Phrase,
    Tag,
    Word,
    parse_query,
    to_text,
)
from reale.match.lexer import MAX_QUERY_LENGTH
from reale.match.parser import MAX_DEPTH, MAX_TERMS


def canon(query: str) -> str:
    return to_text(parse_query(query))


# --- each operator -----------------------------------------------------------------------------

def test_words_are_folded_to_lower_case_without_accents() -> None:
    assert parse_query("Perché") == Word("perche")
    assert parse_query("ＦＩＡＴ") == Word("fiat")  # full-width letters fold too


def test_and_or_not_and_parentheses() -> None:
    assert parse_query("fiat AND panda") == And((Word("fiat"), Word("panda")))
    assert parse_query("fiat OR panda") == Or((Word("fiat"), Word("panda")))
    assert parse_query("NOT spam") == Not(Word("spam"))
    assert parse_query("(fiat OR alfa) AND auto") == And((Or((Word("fiat"), Word("alfa"))),
                                                          Word("auto")))


def test_adjacent_terms_are_joined_by_an_implicit_and() -> None:
    assert parse_query("fiat panda") == parse_query("fiat AND panda")
    assert parse_query('fiat "alfa romeo" #auto') == And((Word("fiat"), Phrase(
        (Word("alfa"), Word("romeo"))), Tag("auto")))


def test_binary_not_means_and_not() -> None:
    assert parse_query("fiat NOT panda") == parse_query("fiat AND NOT panda")


def test_and_binds_tighter_than_or() -> None:
    assert canon("a OR b AND c") == "a OR (b AND c)"
    assert canon("a b OR c") == "(a AND b) OR c"
    assert canon("a OR b NOT c") == "a OR (b AND NOT c)"


def test_operators_are_upper_case_only() -> None:
    assert parse_query("rock and roll") == And((Word("rock"), Word("and"), Word("roll")))
    assert parse_query("near") == Word("near")


def test_exact_phrases_and_typographic_quotes() -> None:
    alfa = Phrase((Word("alfa"), Word("romeo")))
    assert parse_query('"Alfa Romeo"') == alfa
    assert parse_query("“Alfa Romeo”") == alfa
    assert parse_query('"fiat"') == Word("fiat")  # a one-word phrase is the word


def test_punctuation_inside_a_term_makes_a_phrase_of_its_words() -> None:
    assert parse_query("l'auto") == Phrase((Word("l"), Word("auto")))
    assert parse_query("smart-phone") == Phrase((Word("smart"), Word("phone")))
    assert parse_query("dell’Alfa") == Phrase((Word("dell"), Word("alfa")))


def test_near_with_words_phrases_wildcards_and_groups() -> None:
    assert parse_query("fiat NEAR/3 panda") == Near(Word("fiat"), Word("panda"), 3)
    assert parse_query('auto* NEAR/0 ("alfa romeo" OR fiat)') == Near(
        Word("auto", prefix=True), Or((Phrase((Word("alfa"), Word("romeo"))), Word("fiat"))), 0)


def test_near_binds_tighter_than_and_and_not() -> None:
    assert canon("a NEAR/2 b c") == "a NEAR/2 b AND c"
    assert parse_query("a NEAR/2 b c") == And((Near(Word("a"), Word("b"), 2), Word("c")))
    assert parse_query("NOT a NEAR/2 b") == Not(Near(Word("a"), Word("b"), 2))
    assert canon("x NOT a NEAR/2 b") == "x AND NOT (a NEAR/2 b)"


def test_wildcards_hashtags_handles_lang_and_from() -> None:
    assert parse_query("auto*") == Word("auto", prefix=True)
    assert parse_query('"fiat pand*"') == Phrase((Word("fiat"), Word("pand", prefix=True)))
    assert parse_query("#Fiat500") == Tag("fiat500")
    assert parse_query("@Fiorella.bsky.social") == Handle("fiorella.bsky.social")
    assert parse_query("@fiat@mastodon.social") == Handle("fiat@mastodon.social")
    assert parse_query("lang:IT") == Lang("it")
    assert parse_query("lang:pt-BR") == Lang("pt-br")
    assert parse_query("from:@Fiat.bsky.social") == From("fiat.bsky.social")
    assert parse_query("from:did:plc:abc123") == From("did:plc:abc123")


def test_the_canonical_text_parses_back_to_the_same_tree() -> None:
    for query in ['Fiat "Alfa Romeo" OR perché NOT spam', "NOT NOT x", "(a OR b) NEAR/4 cd*",
                  "#tag @h.bsky.social lang:it from:x", "a AND (b OR (c AND NOT d))"]:
        tree = parse_query(query)
        assert parse_query(to_text(tree)) == tree


# --- errors name the position and what was expected ------------------------------------------

@pytest.mark.parametrize(("query", "position", "expected"), [
    ("(fiat OR panda", 14, "')'"),
    ("fiat AND", 8, "a term"),
    ("fiat OR )", 8, "a term"),
    ('"alfa romeo', 11, "'\"'"),
    ("fiat NEAR panda", 9, "'/n'"),
    ("a NEAR/2 b NEAR/3 c", 11, "AND"),
    ("fiat NEAR/2 #tag", 12, "a word or phrase"),
    ("ab*c", 2, "a space after '*'"),
    ("*fiat", 0, "a word before '*'"),
    ("#", 1, "a hashtag name"),
    ("@", 1, "a handle"),
    ("lang:italiano", 5, "a language code"),
    ("-spam", 0, "NOT"),
    ("", 0, "a term"),
    ("fiat )", 5, "an operator"),
])
def test_errors_point_at_the_position_and_say_what_was_expected(
        query: str, position: int, expected: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.position == position
    assert info.value.expected == expected


def test_the_error_message_shows_a_caret_under_the_position() -> None:
    with pytest.raises(QueryError) as info:
        parse_query("(fiat OR panda")
    assert str(info.value) == "expected ')' at position 14\n  (fiat OR panda\n                ^"


def test_a_wildcard_needs_two_letters() -> None:
    with pytest.raises(QueryError, match="at least 2 letters"):
        parse_query("a*")
    assert parse_query("au*") == Word("au", prefix=True)


# --- hostile input: limits, never a crash -------------------------------------------------------

def test_deep_nesting_is_a_query_error_not_a_recursion_error() -> None:
    with pytest.raises(QueryError, match="nests too deeply"):
        parse_query("(" * 4_000 + "a" + ")" * 4_000)
    with pytest.raises(QueryError, match="nests too deeply"):
        parse_query("NOT " * 2_000 + "a")
    parse_query("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)  # the limit itself is fine


def test_very_long_queries_and_too_many_terms_are_refused() -> None:
    with pytest.raises(QueryError, match="too long"):
        parse_query("a " * MAX_QUERY_LENGTH)
    with pytest.raises(QueryError, match="too many terms"):
        parse_query(" OR ".join(f"w{i}" for i in range(MAX_TERMS + 1)))


def test_control_characters_are_refused_with_their_position() -> None:
    with pytest.raises(QueryError, match=r"control character U\+0000") as info:
        parse_query("fiat\x00panda")
    assert info.value.position == 4
    assert parse_query("fiat\tOR\npanda") == Or((Word("fiat"), Word("panda")))  # whitespace


def test_unbalanced_quotes_and_parentheses() -> None:
    for query in ['"', '""', '"a" "', "((a)", "a))", "()", "NOT", "OR a", "a OR"]:
        with pytest.raises(QueryError):
            parse_query(query)


def test_near_distance_is_bounded() -> None:
    with pytest.raises(QueryError, match="too large"):
        parse_query("a NEAR/1000000000000 b")
