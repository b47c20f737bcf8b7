"""A polite ask to a brand is an appeal, even worded as a question: "free shipping for a loyal
customer? Asking nicely", "could you send me…?", "mi regalate…? 🙏". A question that asks for
information stays a question, "please" or not."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import reale.understand.asks
from reale.understand.asks import polite_asks
from reale.understand.intent import combine
from reale.understand.understander import Understander

ASKS = [
    "@lampo-express free shipping for a loyal customer? Asking nicely",
    "@mela pretty please restock the blue one",
    "@nike could you send me a pair for my birthday?",
    "@fiorella any chance of a free bouquet for my anniversary? 🙏",
    "@caffebrio a box of pods for our office? Ten desperate people here",
    "@fiorella mi regalate un bouquet per la festa della mamma? 🙏",
    "@volta mi prestate una Pico per il weekend?",
    "@caffebrio vi prego, rimettete le capsule al pistacchio",
    "@lampo per favore, mi regalate la spedizione?",
    "@caffebrio una scorta di capsule per l'ufficio? Siamo in dieci e disperati",
    "Dai @volta-auto.bsky.social, un'auto per il nostro Matteo!",
]
QUESTIONS = [
    "@volta does the Pico come with an automatic gearbox?",
    "@lampo è possibile cambiare l'indirizzo di consegna?",
    "@lampo per favore, dov'è il mio pacco?",
    "@fiorella fate composizioni per matrimoni?",
]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def test_polite_asks_to_a_brand_are_appeals(u: Understander) -> None:
    reads = u.annotate_batch(ASKS)
    assert [(x.intent, text) for x, text in zip(reads, ASKS, strict=True)] == [
        ("appeal", text) for text in ASKS]
    assert all(any("polite ask" in w for w in x.why["intent"]) for x in reads), "the read says why"


def test_questions_that_ask_for_information_stay_questions(u: Understander) -> None:
    reads = u.annotate_batch(QUESTIONS)
    assert [(x.intent, text) for x, text in zip(reads, QUESTIONS, strict=True)] == [
        ("question", text) for text in QUESTIONS]


def test_the_founding_car_request_is_an_appeal_not_a_complaint(u: Understander) -> None:
    # The damage was done by a stranger; the post asks the brand for a car. With no Italian
    # complaint data the complaint head leaned "complaint" for it; beside a polite ask and no
    # Italian complaint cue it counts half.
    car, angry = u.annotate_batch([
        "Stamattina ho trovato la mia macchina con la fiancata sfondata e nemmeno un biglietto. "
        "Lunedì ho tre clienti fuori Milano e zero voglia di noleggi. @volta-auto.bsky.social mi "
        "prestate una Volta Pico per qualche giorno? Prometto di trattarla meglio di come hanno "
        "trattato la mia 😅",
        "@mela il mio telefono è morto dopo un mese, vergogna. Mi mandate un sostituto?"])
    assert car.intent == "appeal"
    assert angry.intent == "complaint", "a complaint cue keeps the complaint head's full weight"


def test_an_english_complaint_that_asks_for_a_replacement_stays_a_complaint(u: Understander) -> None:
    x = u.annotate("@beatsbydre so my new powerbeats3 came missing an tip. Will you send new ones?", "en")
    assert x.intent == "complaint"


def test_what_counts_as_a_polite_ask() -> None:
    assert polite_asks("@mela pretty please restock the blue one") == ["pretty please"]
    # a bare "please" asks for a fix in a complaint, for information in a question
    assert polite_asks("Fans switched off on the train again. Pls help") == []
    assert polite_asks("could you please tell me when you open?") == []
    assert polite_asks("per favore, dov'è il mio pacco?") == []
    # a "could you…?" is an ask when its answer is a gift or a favour
    assert polite_asks("could you send me the blue one?") == ["could you send"]
    assert polite_asks("can you tell me the price?") == []
    # goods for someone with no verb, asked of the brand; with a verb it is a question
    assert polite_asks("@b a box of pods for our office?") == ["a box of pods for our office?"]
    assert polite_asks("@b a box of pods for our office is available?") == []
    # ended by "!", goods for someone ask only after a plea ("dai", "come on")
    assert polite_asks("Dai @b, un'auto per il nostro Matteo!") == ["un'auto per il nostro Matteo!"]
    assert polite_asks("@b un regalo per mia figlia!") == []
    # an imperative of giving: "fatemi un regalo" asks for a gift, "fatemi sapere" for news
    assert polite_asks("@volta fatemi un regalo, dai 😂") == ["fatemi un regalo"]
    assert polite_asks("@volta fatemi sapere quando esce") == []


def test_an_ask_turns_the_question_share_of_the_act_into_an_appeal() -> None:
    classes = ["appeal", "expression", "other", "question"]
    acts = np.array([0.02, 0.08, 0.1, 0.8], dtype=np.float32)
    plain, _ = combine(classes, acts, 0.1, 0.5, {}, 0.2)
    asked, why = combine(classes, acts, 0.1, 0.5, {"question": ["?"]}, 0.2, ["mi regalate"])
    assert max(plain, key=lambda k: plain[k]) == "question"
    assert max(asked, key=lambda k: asked[k]) == "appeal" and asked["question"] < 0.01
    assert why == ["polite ask: mi regalate"], "the Italian question cue is the ask's wording"


def test_the_asks_doctests_run() -> None:
    assert doctest.testmod(reale.understand.asks).failed == 0
