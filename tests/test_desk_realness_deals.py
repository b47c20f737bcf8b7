"""Two things a brand knows that a generic reading does not: what its own products cost (the
price list in its config), and that an ask which offers something in return — a review, a post,
publicity — is a deal. Both in Italian and English, on hostile and huge texts too."""

from __future__ import annotations

from typing import Any

import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.desk.cues import find_exchanges, normalise
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.queue import OpportunityQueue
from reale.desk.realness import assess, explain
from reale.desk.realness_rules import RealnessWeights, realness_weights_from_config
from reale.desk.situation import Situation, situation_from_dict, with_products
from reale.desk.value import LOAN_SHARE, infer_value
from reale.errors import DeskError
from reale.events import Author, Mention, Post
from reale.run.stages import DeskStage

MELA_PRICES = {"Mela 12": 899.0, "Mela 12 Pro": 1099.0, "Mela Mini": 599.0}
APPEAL_IT = ("@mela-mobile.bsky.social mandatemi un Mela 12 Pro da provare, "
             "prometto recensione onesta 😇")


def situation(text: str, *, products: dict[str, float] | None = None, kind: str = "gift",
              action_text: str = "", public: bool | None = True, followers: int | None = 800,
              **context: Any) -> Situation:
    return situation_from_dict({
        "brand": {"name": "Mela", "handle": "mela-mobile.bsky.social",
                  "products": products or {}},
        "post": {"network": "bluesky", "text": text,
                 "author": {"handle": "giuli_tech", "followers": followers}},
        "action": {"kind": kind, "text": action_text, "public": public},
        "context": context,
    })


# -- what the author offers in return -------------------------------------------------------------

@pytest.mark.parametrize("text, offer", [
    (APPEAL_IT, "prometto recensione"),
    ("@volta lend me a Volta Pico for the road trip and I'll sing your praises 😂",
     "i'll sing your praises"),
    ("@brand mandatemi un telefono, in cambio vi faccio pubblicità", "vi faccio pubblicità"),
    ("@brand send me one and I'll post about it", "i'll post about"),
    ("@brand mandatemi un telefono in cambio di una recensione", "in cambio"),
    ("@brand send me a phone in exchange for a review", "in exchange"),
    ("@brand shout-out if you send me a hoodie", "shout-out if you"),
    ("@brand send me a Mela Mini to review, honest opinion guaranteed", "to review"),
    ("@brand mi regalate una borsa? vi taggo in tutte le stories", "vi taggo"),
    ("@brand mandatemi le cuffie e vi farò una recensione", "vi farò una recensione"),
    ("@brand i'll give you a shout-out if you send me a box", "i'll give you a shout-out"),
])
def test_an_offer_in_return_is_read_in_both_languages(text: str, offer: str) -> None:
    assert offer in find_exchanges(normalise(text))


@pytest.mark.parametrize("text", [
    "@brand mi prestate una macchina? non vi chiedo nulla in cambio",
    "@brand senza nulla in cambio, mi regalate un caffè?",
    "@brand give me a car, I want nothing in return",
    "@brand can you send me a phone? I won't post about it",
    "@brand non vi faccio pubblicità, ma mi regalate una bici?",
    "@brand send me a hoodie, I'll never review it",
])
def test_a_denied_offer_is_not_one(text: str) -> None:
    assert find_exchanges(normalise(text)) == []


@pytest.mark.parametrize("text", [
    "@brand mi mandate un telefono nuovo? in cambio di quello rotto",
    "@brand send me a new phone in exchange for my old one",
    "@brand send me a new charger and I'll post the broken one back",
    "@brand can you send me the form? I'll talk to my bank",
    "@brand I'd like you to review my order, can you send me a refund",
])
def test_a_swap_or_an_errand_is_not_a_deal(text: str) -> None:
    assert find_exchanges(normalise(text)) == []


def test_without_an_ask_there_is_no_deal() -> None:
    """'I'll post about it' after a dinner is news, not a price."""
    r = explain(situation("Dinner at @brand was perfect, I'll post about it tomorrow",
                          kind="reply")).reading
    assert r.exchanges == [] and r.exchange == 0.0


def test_the_demo_appeal_reads_as_a_deal_even_without_a_price_list() -> None:
    a = explain(situation(APPEAL_IT))
    assert a.reading.valuation.source == "default"  # only estimated: 50 €
    assert a.verdict.verdict == "transactional"
    assert a.verdict.reasons[0].startswith("uno scambio: l'autore offre qualcosa in cambio")
    assert any(x.startswith("è uno scambio") for x in a.verdict.advice)
    without_the_offer = explain(situation(APPEAL_IT), RealnessWeights(offered_and_given=0))
    assert without_the_offer.verdict.verdict == "genuine"  # what the demo showed before


def test_a_deal_struck_in_private_is_still_a_deal() -> None:
    v = assess(situation("@brand shout-out if you send me a hoodie", public=False,
                         author_posts_about_brand=0))
    assert v.verdict == "transactional"
    assert "it is a deal: decline the trade, or make it a declared collaboration (#suppliedby, #ad)" \
        in v.advice


def test_a_declared_deal_weighs_nothing_more() -> None:
    declared = explain(situation("@brand send me a Mela Mini to review, honest opinion guaranteed",
                                 action_text="on its way! #suppliedby", products=MELA_PRICES))
    assert declared.features["offered_and_given"] == 0.0
    assert declared.verdict.verdict == "genuine"


def test_cookies_cannot_buy_a_post_but_the_check_says_it_is_a_deal() -> None:
    s = situation("@brand mandatemi dei biscotti, in cambio vi faccio pubblicità",
                  followers=150_000, author_posts_about_brand=0)
    v = assess(s)
    assert v.verdict == "genuine" and 0.25 < v.risk < 0.5
    assert any(a.startswith("è uno scambio") for a in v.advice)
    assert not any("piccolo pensiero" in a for a in v.advice), "a deal is not a thank-you"
    plain = assess(situation("@brand mandatemi dei biscotti", followers=150_000,
                             author_posts_about_brand=0))
    assert plain.risk < v.risk


# -- the brand's price list -----------------------------------------------------------------------

def test_a_named_product_is_worth_its_price_and_the_reason_names_it() -> None:
    a = explain(situation(APPEAL_IT, products=MELA_PRICES))
    assert (a.reading.valuation.eur, a.reading.valuation.evidence) == (1099.0, "Mela 12 Pro")
    assert "il brand dà un Mela 12 Pro, circa 1.099 €" in a.verdict.reasons
    assert a.verdict.verdict == "transactional" and a.verdict.risk > 0.95


def test_design_case_two_holds_for_a_product_asked_by_name() -> None:
    """A nano account gets the phone it asked for, in public: an exchange, offer or not."""
    s = situation("@mela-mobile.bsky.social can you send me a Mela 12 Pro? pretty please",
                  products=MELA_PRICES)
    v = assess(s)
    assert v.verdict == "transactional"
    assert "the brand gives a Mela 12 Pro, about €1,099" in v.reasons
    assert assess(with_products(s, {})).verdict == "transactional"
    assert assess(situation(s.post.text)).verdict == "genuine"  # no price list: 50 € estimated


@pytest.mark.parametrize("text, name, eur", [
    ("mandatemi un mela 12 pro", "Mela 12 Pro", 1099.0),  # any case; the longest name wins
    ("send me a MELA   12 PRO please", "Mela 12 Pro", 1099.0),  # any spacing
    ("send me a Mela 12 Prototype", "Mela 12", 899.0),  # whole words only
    ("send me a Mela Mini or a Mela 12 Pro", "Mela 12 Pro", 1099.0),  # longest of several
    ("send me a Melamini", None, 50.0),
    ("@mela-mobile.bsky.social gimme one", None, 50.0),
])
def test_product_names_match_whole_words_in_any_case(text: str, name: str | None,
                                                     eur: float) -> None:
    v = infer_value("gift", "", normalise(text), lent=False, products=MELA_PRICES)
    assert (v.evidence if v.source == "product" else None, v.eur) == (name, eur)


def test_the_action_is_read_before_the_post() -> None:
    post = normalise("mandatemi un Mela 12 Pro")
    said = infer_value("gift", normalise("ti mandiamo un Mela Mini"), post, lent=False,
                       products=MELA_PRICES)
    assert (said.evidence, said.eur) == ("Mela Mini", 599.0)
    stickers = infer_value("gift", normalise("ti mandiamo degli adesivi"), post, lent=False,
                           products=MELA_PRICES)
    assert (stickers.source, stickers.eur) == ("item", 2)  # what the brand gives, not what was asked
    amount = infer_value("gift", normalise("un buono da 30 €"), post, lent=False,
                         products=MELA_PRICES)
    assert amount.eur == 30.0


def test_a_lent_product_is_worth_a_share_of_its_price() -> None:
    v = explain(situation_from_dict({
        "brand": {"name": "Volta", "handle": "volta-auto", "products": {"Volta Pico": 16900}},
        "post": {"text": "@volta-auto prestatemi una Volta Pico per il weekend",
                 "author": {"handle": "x", "followers": 5000}},
        "action": {"kind": "gift", "public": True}}))
    assert v.reading.valuation.eur == 16900 * LOAN_SHARE
    assert "il brand presta una Volta Pico, circa 845 € di valore per qualche giorno" \
        in v.verdict.reasons


def test_a_percentage_discount_applies_to_the_named_products_price() -> None:
    v = infer_value("discount", normalise("ti facciamo il 10% di sconto"),
                    normalise("c'è uno sconto sul Mela 12?"), lent=False, products=MELA_PRICES)
    assert v.eur == pytest.approx(89.9)


def test_the_situation_may_carry_its_own_price_list_and_bad_prices_are_refused() -> None:
    s = situation(APPEAL_IT, products={"Mela 12 Pro": 999})
    assert with_products(s, MELA_PRICES).brand.products == {"Mela 12 Pro": 999}
    with pytest.raises(DeskError, match="price of 'Mela 12 Pro'"):
        situation(APPEAL_IT, products={"Mela 12 Pro": -1})
    with pytest.raises(DeskError, match="product name"):
        situation(APPEAL_IT, products={"  ": 10})


def test_the_weight_loads_from_desk_realness() -> None:
    w = realness_weights_from_config({"desk": {"realness": {"offered_and_given": 1.0}}})
    assert w.offered_and_given == 1.0 and RealnessWeights().offered_and_given == 2.5


# -- hostile and huge texts -----------------------------------------------------------------------

def test_html_and_regex_characters_are_only_text() -> None:
    hostile = {"Mela (12) Pro+": 1200.0, "a.*b": 5.0, "[x]": 1.0, "\\d+": 3.0}
    s = situation("<b>@mela-mobile.bsky.social</b> mandatemi un Mela (12) Pro+ "
                  "<script>alert('prometto recensione')</script> prometto recensione onesta",
                  products=hostile)
    a = explain(s)
    assert a.reading.valuation.evidence == "Mela (12) Pro+" and a.reading.exchange == 1.0
    assert infer_value("gift", "", normalise("aaab 123"), lent=False, products=hostile).source \
        == "default"


def test_a_huge_post_and_a_long_price_list_are_read_quickly_and_safely() -> None:
    many = {f"Modello {i}": float(i) for i in range(1, 1001)}
    text = "@mela-mobile.bsky.social mandatemi un Modello 999, prometto recensione " + "bla " * 4_900
    a = explain(situation(text, products=many))
    assert a.reading.valuation.eur == 999.0 and a.reading.exchange == 1.0
    assert a.verdict.verdict == "transactional"
    with pytest.raises(DeskError, match="more than 1,000 products"):
        situation(text, products={**many, "one more": 1.0})


# -- the desk's pre-read ----------------------------------------------------------------------------

def test_the_desks_pre_read_values_the_product_with_the_brands_price_list() -> None:
    inp = OpportunityInput(brand="Mela", brand_handle="mela-mobile.bsky.social", post_uri="at://p/1",
                           text=APPEAL_IT, language="it", intent="appeal", intent_confidence=0.9,
                           addressed_directly=True, author_followers=800,
                           brand_products=MELA_PRICES)
    opp = score_opportunity(inp, DeskWeights(), team_language="it")  # reasons in the team's language
    assert opp is not None and opp.realness is not None
    assert opp.realness.verdict == "transactional"
    assert "il brand dà un Mela 12 Pro, circa 1.099 €" in opp.realness.reasons
    english = score_opportunity(inp, DeskWeights())
    assert english is not None and english.realness is not None
    assert "the brand gives a Mela 12 Pro, about €1,099" in english.realness.reasons


class _Labels:
    language = "it"
    sentiment_scores = {"positive": 0.6, "neutral": 0.3, "negative": 0.1}
    intent = "appeal"
    intent_scores = {"appeal": 0.9}
    complaint_score = 0.05


class _Opportunities:
    def __init__(self) -> None:
        self.got: list[Any] = []

    def labels(self, mention: Any, labels: Any) -> None:
        pass

    def opportunity(self, opp: Any) -> None:
        self.got.append(opp)

    def moment(self, alert: Any) -> None:
        pass


def test_both_runners_desk_stage_passes_the_configured_prices_to_the_pre_read() -> None:
    """The embedded pipeline and the Kafka stages both score through DeskStage."""
    brand = BrandConfig(name="Mela", handles=("mela-mobile.bsky.social",), keywords=("mela",),
                        products=MELA_PRICES)
    post = Post(network="bluesky", uri="at://did:plc:g/app.bsky.feed.post/1",
                author=Author(id="did:plc:g", handle="giuli.bsky.social", followers=800),
                text=APPEAL_IT, created_at=1_000.0, langs=("it",),
                mentions=("mela-mobile.bsky.social",))
    sink = _Opportunities()
    DeskStage([brand], None, OpportunityQueue(ManualClock(1_000.0)), [sink])(
        [(Mention(brand="Mela", query="mela", post=post), _Labels())])
    [opp] = sink.got
    assert opp.realness.verdict == "transactional"
    assert "the brand gives a Mela 12 Pro, about €1,099" in opp.realness.reasons  # the team's language


def test_the_article_comes_from_the_post_only_in_the_reasons_language() -> None:
    from reale.desk.phrases import with_article

    assert with_article("Volta Pico", "una", "it") == "una Volta Pico"
    assert with_article("Arco", "l'", "it") == "l'Arco"
    assert with_article("mazzo di tulipani", "un", "en") == "a mazzo di tulipani"
    assert with_article("Arco", "", "en") == "an Arco"
    assert with_article("Mela Mini", "", "it") == "un Mela Mini"
