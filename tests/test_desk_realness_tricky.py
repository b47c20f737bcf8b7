"""Hostile and tricky phrasings of an appeal, in Italian and English, as tables: an offer phrased
some other way is still a deal (*ti ripago con un video*); an offer made with a rolled eye, taken
back or denied is none (*e vi faccio pure pubblicità 🙄*, *una recensione? no*); hidden characters
hide nothing. The rows marked out of reach are what the lexicons still get wrong (strict xfail: they
fail the day they are read right, and move to their table); docs/realness.md lists them."""

from __future__ import annotations

import pytest

from reale.desk.cues import find_asks, find_exchanges, normalise
from reale.desk.realness import explain
from reale.desk.situation import situation_from_dict

ASK_IT = "@northwear mi mandate una felpa? "
ASK_EN = "@northwear could you send me a hoodie? "


def _out_of_reach(text: str, why: str) -> object:
    return pytest.param(text, marks=pytest.mark.xfail(strict=True, reason=why))


# An offer in return, however it is phrased: the price of a deal.
OFFERS_IT = [
    "ti ripago con un video", "vi ripago con una recensione", "ricambio con un post",
    "mi sdebito con una storia su instagram", "vi metto nelle mie storie",
    "vi inserisco nel mio prossimo video", "sarete nel mio prossimo video",
    "vi faccio conoscere ai miei follower", "in cambio avrete una recensione",
    "avrete un video tutto per voi", "prometto una recensione onesta",
    "vi faccio una recensione solo se mi piace",  # conditional, still a price named
    _out_of_reach("poi ci penso io a farvi girare", "slang for spreading the word: no lexicon word"),
    _out_of_reach("vi devo un favore, e i miei 20k follower lo sapranno", "an offer told as a debt"),
]
OFFERS_EN = [
    "I'll repay you with a video", "I'll return the favour with a post", "you'll get a review",
    "you'd be in my next video", "I can give you exposure", "my followers will hear all about you",
    "I'll feature you in my stories", "I'll pay you back in stories", "honest review guaranteed",
    "shout-out if you do", "I'll post about it, no matter what",
    _out_of_reach("my 20k followers are waiting for a new brand to try", "hinted, not offered"),
    _out_of_reach("you know what my audience can do for you 😉", "hinted, not offered"),
]

# No offer: made with a rolled eye or a sarcasm tag, taken back, or denied (in its clause or in
# the answer to its own question).
NOT_OFFERS_IT = [
    "e vi faccio pure pubblicità 🙄", "vi farò pure una recensione 🙃",
    "vi farò una recensione? No, niente recensioni: la voglio e basta",
    "recensione in cambio? non se ne parla", "recensioni in cambio: no, non le faccio",
    "vi faccio un video... scherzo, non faccio video", "sì, come no, vi faccio pure un video",
    "non vi chiedo nulla in cambio", "non avrete nessuna recensione da me",
    "nessuno scambio: non vi farò nessuna recensione",
    _out_of_reach("vi farò una recensione. Ma anche no.", "a denial two sentences on"),
    _out_of_reach("certo, e poi vi faccio pure pubblicità, magari gratis", "irony with no marker"),
]
NOT_OFFERS_EN = [
    "and I'll even post about it 🙄", "I'll write a glowing review /s",
    "a review in exchange? Nope, I just love it", "I'll post about it... just kidding",
    "I'll post about it. jk", "yeah right, I'll post about it", "nothing in return",
    "I won't post about it", "I'd never post about it",
    _out_of_reach("I'll post about it. Or not. Probably not.", "a denial two sentences on"),
    _out_of_reach("sure, I'll totally post about it, for free, forever", "irony with no marker"),
]


def _offers(phrase: str, ask: str) -> list[str]:
    return find_exchanges(normalise(ask + phrase))


@pytest.mark.parametrize("phrase", OFFERS_IT)
def test_an_offer_phrased_another_way_is_read_it(phrase: str) -> None:
    assert _offers(phrase, ASK_IT)


@pytest.mark.parametrize("phrase", OFFERS_EN)
def test_an_offer_phrased_another_way_is_read_en(phrase: str) -> None:
    assert _offers(phrase, ASK_EN)


@pytest.mark.parametrize("phrase", NOT_OFFERS_IT)
def test_irony_a_retraction_or_a_denial_offers_nothing_it(phrase: str) -> None:
    assert _offers(phrase, ASK_IT) == []


@pytest.mark.parametrize("phrase", NOT_OFFERS_EN)
def test_irony_a_retraction_or_a_denial_offers_nothing_en(phrase: str) -> None:
    assert _offers(phrase, ASK_EN) == []


# Hidden characters: a zero-width space or a soft hyphen inside a word hides nothing from a person,
# and nothing from the check.
@pytest.mark.parametrize(("text", "ask"), [
    ("@northwear manda\u200btemi una felpa", "mandatemi"),
    ("@northwear mi man\u00addate una felpa?", "mi mandate"),
    ("@northwear send\u2060 me a hoodie", "send me a"),
    ("@northwear gim\ufeffme a hoodie", "gimme"),
])
def test_invisible_characters_hide_no_ask(text: str, ask: str) -> None:
    assert find_asks(normalise(text)) == [ask]


@pytest.mark.parametrize("text", [
    _out_of_reach("@northwear mаndatemi una felpa", "a Cyrillic а: homoglyphs are not folded"),
    _out_of_reach("@northwear m a n d a t e m i una felpa", "letters spaced out"),
])
def test_disguised_asks_out_of_reach(text: str) -> None:
    assert find_asks(normalise(text)) == ["mandatemi"]


def _hoodie(text: str) -> str:
    """The verdict on a hoodie (estimated €50) sent privately to a nano account that asked."""
    return explain(situation_from_dict({
        "brand": {"name": "Northwear", "handle": "northwear"},
        "post": {"text": text, "author": {"handle": "tom_b", "followers": 1200}},
        "action": {"kind": "gift", "public": False},
        "context": {"author_posts_about_brand": 0}})).verdict.verdict


def test_the_offer_decides_the_verdict_of_a_private_gift() -> None:
    """A private €50 gift to a nano account that asked is a thank-you; with a price named it is a
    deal (the promised video will be public and undeclared); with the price taken back or rolled
    eyes, a thank-you again."""
    assert _hoodie(ASK_IT) == _hoodie(ASK_EN) == "genuine"
    assert _hoodie(ASK_IT + "ti ripago con un video") == "transactional"
    assert _hoodie(ASK_EN + "I'll repay you with a video") == "transactional"
    assert _hoodie(ASK_IT + "e vi faccio pure pubblicità 🙄") == "genuine"
    assert _hoodie(ASK_EN + "a review in exchange? Nope, I just love it") == "genuine"
