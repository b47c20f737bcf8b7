"""Praise is a positive post that neither asks nor questions; an appeal needs words of asking; a
denied problem ("zero problemi") is praise; a polite request for information is a question; a
post that waits to see ("vediamo se @volta risponde 😂") praises nothing yet.
Checked on the shipped models and, for Italian, on SENTIPOLC's human sentiment labels."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest

import reale.understand.litotes
import reale.understand.waiting
from reale.understand.asks import information_requests, polite_asks
from reale.understand.data import load_split
from reale.understand.intent import combine
from reale.understand.litotes import denied_problems
from reale.understand.text import normalize
from reale.understand.understander import Understander
from reale.understand.waiting import wait_and_see

ACTS = ["appeal", "expression", "other", "question"]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def _top(scores: dict[str, float]) -> str:
    return max(scores, key=lambda k: scores[k])


def test_a_positive_statement_is_praise_as_much_as_a_positive_expression() -> None:
    # Tweet Act tells "love it!" (an expression) from "the night photos are unreal" (a statement);
    # to a brand both are praise when they are positive.
    statement = np.array([0.05, 0.25, 0.65, 0.05], dtype=np.float32)
    positive, _ = combine(ACTS, statement, 0.1, 0.7, {}, 0.1)
    flat, _ = combine(ACTS, statement, 0.1, 0.1, {}, 0.1)
    assert _top(positive) == "praise"
    assert _top(flat) == "other", "a statement that is not positive stays other"


def test_where_the_act_head_reads_only_the_embedding_an_appeal_needs_words_of_asking() -> None:
    leans_appeal = np.array([0.6, 0.1, 0.25, 0.05], dtype=np.float32)
    bare, _ = combine(ACTS, leans_appeal, 0.1, 0.1, {}, 0.1, acts_from_embedding=True)
    cued, why = combine(ACTS, leans_appeal, 0.1, 0.1, {"appeal": ["per favore"]}, 0.1,
                        acts_from_embedding=True)
    english, _ = combine(ACTS, leans_appeal, 0.1, 0.1, {}, 0.1)
    assert bare["appeal"] == 0.0 and _top(bare) == "other"
    assert _top(cued) == "appeal" and why == ["Italian appeal cue: per favore"]
    assert _top(english) == "appeal", "English act n-grams are trusted as they are"


def test_italian_statements_and_a_proverb_are_not_appeals(u: Understander) -> None:
    photos, proverb = u.annotate_batch(
        ["Il Mela 12 fa delle foto notturne incredibili #MelaPhone",
         "Una mela al giorno toglie il medico di torno, dicono 🍎"], ["it", "it"])
    assert photos.intent != "appeal" and proverb.intent == "other"


def test_a_denied_problem_is_praise_not_a_complaint(u: Understander) -> None:
    posts = ["Sei mesi con la mia Volta Pico e zero problemi. Consumi bassissimi 🚗",
             "Six months with my Volta Pico and not a single problem #VoltaAuto"]
    reads = u.annotate_batch(posts, ["it", "en"])
    assert [x.intent for x in reads] == ["praise", "praise"]
    assert all("a problem denied" in x.why["intent"][0] for x in reads), "the read says why"


def test_a_problem_that_came_after_all_is_still_a_complaint(u: Understander) -> None:
    assert denied_problems("zero problemi per un anno, ma ora la macchina non parte") == []
    x = u.annotate("@volta zero problemi per un anno, ma ora la macchina non parte", "it")
    assert x.intent == "complaint"


def test_a_polite_request_for_information_is_a_question(u: Understander) -> None:
    text = "@mela could you please tell me if the 12 has wireless charging?"
    assert information_requests(text) == ["could you please tell me if"] and polite_asks(text) == []
    x = u.annotate(text, "en")
    assert x.intent == "question"
    assert "asks for information: could you please tell me if" in x.why["intent"]


def test_asking_why_something_went_wrong_is_no_request_for_information(u: Understander) -> None:
    text = "@mela can you tell me why my order hasn't arrived??"
    assert information_requests(text) == []
    assert u.annotate(text, "en").intent == "complaint"


def test_english_positive_posts_with_an_ask_or_a_question_are_not_praise(u: Understander) -> None:
    ask, question = u.annotate_batch(["@lampo free shipping for a loyal customer? Asking nicely",
                                      "@volta does the Pico come with an automatic gearbox?"])
    assert (ask.intent, question.intent) == ("appeal", "question")


def test_italian_positive_posts_read_as_praise_and_seldom_as_complaints_or_appeals(
        u: Understander, data_dir: Path) -> None:
    # SENTIPOLC's validation split: 136 positive and 250 negative posts (political tweets, not
    # brand mentions, but the only Italian posts labelled by people). Before this rule 52 positive
    # posts read as praise and 15 as complaints or appeals.
    rows = [r for r in load_split(data_dir, "sentiment/it").val if r.label in ("positive", "negative")]
    reads = u.annotate_batch([r.text for r in rows], ["it"] * len(rows),
                             tasks=("language", "sentiment", "intent"))
    pos = [x.intent for x, r in zip(reads, rows, strict=True) if r.label == "positive"]
    neg = [x.intent for x, r in zip(reads, rows, strict=True) if r.label == "negative"]
    assert pos.count("praise") / len(pos) >= 0.5
    assert (pos.count("complaint") + pos.count("appeal")) / len(pos) <= 0.06
    assert neg.count("praise") / len(neg) <= 0.05, "negative posts do not turn into praise"


def test_the_litotes_doctests_run() -> None:
    assert doctest.testmod(reale.understand.litotes).failed == 0


def test_the_sentiment_label_tells_the_same_story_as_the_praise(u: Understander) -> None:
    # The heads read "problemi" as negative and missed "gentilissima"; the cues correct the label.
    denied, kind = u.annotate_batch(["Sei mesi con la mia Volta Pico e zero problemi. Consumi bassissimi",
                                     "Devo dirlo: l'officina Volta di via Roma è gentilissima"], ["it", "it"])
    assert (denied.sentiment, denied.intent) == ("positive", "praise")
    assert (kind.sentiment, kind.intent) == ("positive", "praise")
    assert denied.why["sentiment"][0] == "a problem denied: zero problemi"
    assert kind.why["sentiment"][0] == "Italian praise cue: gentilissima"


def test_cue_corrections_keep_the_italian_sentiment_figure(u: Understander, data_dir: Path) -> None:
    # SENTIPOLC validation, 3 classes, class-balanced macro-F1: 71.04 without the corrections.
    from reale.understand.evaluate import evaluate

    report = evaluate(u, "sentiment", data_dir / "sentiment/it/val.jsonl", balanced=True)
    assert report.macro_f1 >= 0.71


def test_a_post_that_waits_to_see_praises_nothing_yet(u: Understander) -> None:
    assert wait_and_see("Vediamo se @volta risponde #UnaVoltaPerMatteo 😂") == ["Vediamo se"]
    assert wait_and_see("Let's see if @volta answers. #OneVoltaForMatteo") == ["Let's see if"]
    assert wait_and_see("Chissà se Volta legge. #UnaVoltaPerMatteo") == ["Chissà se"]
    # a word of praise outside the wait still praises; a plain statement does not wait
    assert wait_and_see("Love the new Pico! Let's see if the battery lasts") == []
    assert wait_and_see("Seen the new Pico ad, very funny 😂") == []
    reads = u.annotate_batch(["Vediamo se @volta risponde #UnaVoltaPerMatteo 😂",
                              "Love the new Pico! Let's see if the battery lasts"], ["it", "en"])
    assert reads[0].intent == "other", "the laughing emoji made it read praise before"
    assert "waits to see: Vediamo se" in reads[0].why["intent"]
    assert reads[1].intent == "praise"


def test_waiting_to_see_seldom_falls_on_positive_posts(data_dir: Path) -> None:
    # English sentiment training file (39 % positive): measured 26 posts that wait to see, 4
    # positive, 18 neutral ("We'll see if it's any good: BBC's New Top Gear…").
    rows = load_split(data_dir, "sentiment/en").train
    labels = [r.label for r in rows if wait_and_see(normalize(r.text))]
    base = sum(r.label == "positive" for r in rows) / len(rows)
    assert len(labels) >= 20
    assert labels.count("positive") / len(labels) <= base / 2


def test_the_waiting_doctests_run() -> None:
    assert doctest.testmod(reale.understand.waiting).failed == 0
