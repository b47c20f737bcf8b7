"""The compiled matcher, by example: word boundaries, accents, every operator, brands' configs,
mentions and their spans. (``test_match_property`` checks it against the reference at random.)"""

from __future__ import annotations

import pytest

from reale.config import BrandConfig
from reale.errors import QueryError
from reale.events import Author, Post
from reale.match import Matcher
from reale.match.reference import evaluate


def post(text: str, **fields: object) -> Post:
    author = fields.pop("author", Author(id="did:plc:someone", handle="someone.bsky.social"))
    return Post(network="bluesky", uri="at://did:plc:someone/app.bsky.feed.post/1",
                author=author, text=text, created_at=0.0, **fields)  # type: ignore[arg-type]


def matches(query: str, text: str, **fields: object) -> bool:
    """The compiled matcher's verdict, checked against the reference evaluator."""
    found = bool(Matcher.from_query(query).match(post(text, **fields)))
    from reale.match import parse_query

    assert found == evaluate(parse_query(query), post(text, **fields)), (query, text)
    return found


# --- word boundaries -----------------------------------------------------------------------------

def test_a_word_matches_whole_words_only() -> None:
    assert matches("smart", "a smart move")
    assert not matches("smart", "my new smartphone")
    assert matches("smart", "my new smart-phone")  # a hyphen separates words
    assert not matches("phone", "smartphone")
    assert not matches("fiat", "fiat500")  # digits are part of the word


def test_apostrophes_split_words() -> None:
    assert matches("auto", "Ho comprato l'auto")
    assert matches("alfa", "Il motore dell'Alfa")
    assert matches("alfa", "Il motore dell’Alfa")  # typographic apostrophe
    assert matches("l'auto", "L’AUTO è pronta")


def test_case_and_accents_do_not_matter() -> None:
    assert matches("perche", "Perché no?")
    assert matches("perché", "perche no?")
    assert matches("perché", "Perchè no?")
    assert matches("citta", "CITTÀ")
    assert matches("strasse", "Straße")
    assert matches("fiat", "𝐅𝐈𝐀𝐓 is back")  # styled Unicode letters
    assert matches("fiat", "f\u200biat")  # a zero-width space does not hide a word


def test_emoji_and_punctuation_are_boundaries() -> None:
    assert matches("fiat", "🚗fiat🚗")
    assert matches("fiat", "❤️fiat")
    assert matches("fiat", "(fiat)")
    assert matches("fiat", "FIAT!!!")


def test_a_word_also_matches_inside_hashtags_and_handles() -> None:
    assert matches("fiat", "#fiat")
    assert matches("fiat", "@fiat ciao")


# --- operators ----------------------------------------------------------------------------------

def test_and_or_not() -> None:
    assert matches("fiat AND panda", "la panda della fiat")
    assert not matches("fiat AND panda", "fiat tipo")
    assert matches("fiat OR panda", "una panda")
    assert matches("fiat NOT panda", "fiat tipo")
    assert not matches("fiat NOT panda", "fiat panda")
    assert matches("NOT spam", "ciao")
    assert not matches("NOT spam", "spam spam")


def test_phrases_match_consecutive_words_across_punctuation() -> None:
    assert matches('"alfa romeo"', "la nuova Alfa Romeo Giulia")
    assert matches('"alfa romeo"', "ALFA-ROMEO!")
    assert matches('"alfa romeo"', "alfa... romeo")
    assert not matches('"alfa romeo"', "romeo alfa")
    assert not matches('"alfa romeo"', "alfa e romeo")
    assert matches('"customer service team"', "worst customer service team ever")


def test_wildcards_match_word_starts() -> None:
    assert matches("auto*", "automobile")
    assert matches("auto*", "auto")
    assert not matches("auto*", "l'ipoauto")
    assert matches('"fiat pand*"', "la fiat panda 4x4")


def test_near_counts_the_words_between_in_either_order() -> None:
    assert matches("fiat NEAR/0 panda", "fiat panda")
    assert matches("fiat NEAR/0 panda", "panda fiat")
    assert not matches("fiat NEAR/0 panda", "fiat nuova panda")
    assert matches("fiat NEAR/1 panda", "fiat nuova panda")
    assert matches("fiat NEAR/2 panda", "panda, la nuova fiat")
    assert not matches("fiat NEAR/2 panda", "panda e la nuova fiat")
    assert matches('"alfa romeo" NEAR/1 (giulia OR stelvio)', "stelvio di alfa romeo")
    assert matches("auto* NEAR/1 elettric*", "automobili elettriche")
    assert not matches("fiat NEAR/5 fiat", "fiat")  # two distinct occurrences are needed


def test_hashtags_match_the_text_and_the_posts_tags() -> None:
    assert matches("#fiat", "viva #Fiat!")
    assert not matches("#fiat", "viva #Fiat500")
    assert not matches("#fiat", "viva fiat")
    assert not matches("#fiat", "c#fiat")
    assert matches("#fiat", "no tag in the text", hashtags=("Fiat",))


def test_handles_match_the_text_mentions_and_replies() -> None:
    assert matches("@fiat", "ciao @Fiat!")
    assert matches("@fiat", "ciao @fiat.")
    assert not matches("@fiat", "ciao @fiat.bsky.social")
    assert not matches("@fiat", "scrivi a info@fiat.com")
    assert matches("@fiorella.bsky.social", "auguri @fiorella.bsky.social!")
    assert matches("@fiat", "hello", mentions=("@FIAT",))
    assert matches("@did:plc:brand", "grazie!",
                   reply_parent="at://did:plc:brand/app.bsky.feed.post/3k")
    assert not matches("@did:plc:brand", "grazie!",
                       reply_parent="at://did:plc:other/app.bsky.feed.post/3k")


def test_lang_and_from() -> None:
    assert matches("lang:it", "ciao", langs=("it",))
    assert matches("lang:it", "ciao", langs=("en", "it-IT"))
    assert not matches("lang:it", "ciao", langs=("en",))
    assert not matches("lang:it", "ciao")
    assert matches("from:fiorella.bsky.social", "hi",
                   author=Author(id="did:plc:f", handle="Fiorella.bsky.social"))
    assert matches("from:did:plc:f", "hi", author=Author(id="did:plc:f"))
    assert matches("fiat lang:it NOT from:fiat.bsky.social", "la fiat", langs=("it",))


# --- brands, mentions, spans -----------------------------------------------------------------

ALFA = BrandConfig(name="alfa", handles=("alfaromeo.bsky.social", "did:plc:alfa"),
                   hashtags=("#AlfaRomeo",), keywords=("Alfa Romeo", "Giulia*"),
                   queries=('auto NEAR/3 (bella OR brutta) NOT usata',))
FIAT = BrandConfig(name="fiat", keywords=("fiat",), queries=("panda NOT orso",))


def test_a_brand_matches_by_handle_hashtag_keyword_or_query() -> None:
    matcher = Matcher.from_brands([ALFA])
    for text, query in [("ciao @alfaromeo.bsky.social", "alfaromeo.bsky.social"),
                        ("#alfaromeo in pista", "#AlfaRomeo"),
                        ("la nuova alfa-romeo", "Alfa Romeo"),
                        ("che GiuliaQV!", "Giulia*"),
                        ("l'auto è bella", 'auto NEAR/3 (bella OR brutta) NOT usata')]:
        [mention] = matcher.match(post(text))
        assert (mention.brand, mention.query) == ("alfa", query)
    assert matcher.match(post("l'auto usata è bella")) == []


def test_a_reply_to_the_brands_did_is_a_mention() -> None:
    reply = post("grazie mille", reply_parent="at://did:plc:alfa/app.bsky.feed.post/3k")
    [mention] = Matcher.from_brands([ALFA]).match(reply)
    assert mention.query == "did:plc:alfa" and mention.spans == ()


def test_one_mention_per_brand_with_the_first_matching_query() -> None:
    matcher = Matcher.from_brands([ALFA, FIAT])
    mentions = matcher.match(post("#AlfaRomeo o fiat panda? Alfa Romeo!"))
    assert [(m.brand, m.query) for m in mentions] == [("alfa", "#AlfaRomeo"), ("fiat", "fiat")]


def test_spans_are_character_offsets_of_the_original_text() -> None:
    text = "Perché l'Alfa Romeo? #ALFAROMEO"
    [mention] = Matcher.from_query('"alfa romeo" OR #alfaromeo').match(post(text))
    assert [(text[s.start:s.end], s.term) for s in mention.spans] == [
        ("Alfa Romeo", '"alfa romeo"'), ("#ALFAROMEO", "#alfaromeo")]


def test_spans_survive_characters_that_fold_to_several() -> None:
    text = "Straße ﬁat Fiat"  # 'ß' folds to 'ss' and 'ﬁ' to 'fi': offsets shift
    [mention] = Matcher.from_query("fiat").match(post(text))
    assert [text[s.start:s.end] for s in mention.spans] == ["ﬁat", "Fiat"]


def test_negated_terms_are_not_spans() -> None:
    [mention] = Matcher.from_query("fiat NOT (panda NOT orso)").match(post("fiat, orso"))
    assert [s.term for s in mention.spans] == ["fiat"]


def test_match_many_and_the_matched_time() -> None:
    matcher = Matcher.from_brands([FIAT])
    found = matcher.match_many([post("fiat"), post("nulla"), post("panda")], matched_at=7.0)
    assert [(m.post.text, m.matched_at) for m in found] == [("fiat", 7.0), ("panda", 7.0)]


def test_queries_made_only_of_not_lang_or_from_still_work() -> None:
    matcher = Matcher.from_brands([BrandConfig(name="it", queries=("lang:it NOT spam",)),
                                   BrandConfig(name="any", queries=("NOT fiat",))])
    assert [m.brand for m in matcher.match(post("ciao", langs=("it",)))] == ["it", "any"]
    assert [m.brand for m in matcher.match(post("spam fiat", langs=("it",)))] == []


def test_a_bad_query_names_its_brand_and_position() -> None:
    broken = BrandConfig(name="alfa", queries=("giulia", "(auto OR moto"))
    with pytest.raises(QueryError, match=r"brand 'alfa', query 2: expected '\)'") as info:
        Matcher.from_brands([broken])
    assert info.value.position == 13
    with pytest.raises(QueryError, match="brand 'x', keywords entry '!!'"):
        Matcher.from_brands([BrandConfig(name="x", keywords=("!!",))])


def test_an_empty_matcher_matches_nothing() -> None:
    assert Matcher.from_brands([]).match(post("anything")) == []
    assert repr(Matcher.from_brands([ALFA])).startswith("<Matcher 6 queries")


def test_hostile_posts_are_matched_without_trouble() -> None:
    matcher = Matcher.from_brands([ALFA, FIAT])
    huge = "fiat " * 20_000 + "<script>alert('alfa romeo')</script>"
    assert [m.brand for m in matcher.match(post(huge))] == ["alfa", "fiat"]
    assert matcher.match(post("\x00\ud800\U0010ffff" * 100)) == []
