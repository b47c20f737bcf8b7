"""Praise said by evaluating ("foto notturne incredibili", "servizio impeccabile", "Chapeau"), praise
that a negation takes back ("non è stato eccezionale"), a fault denied ("not bad at all", "niente
male"), and a neutral statement with some warmth that is no praise.

A thing singled out by a quality ("the only ones that taste like real coffee") praises it.

Italian evaluative words are checked against SENTIPOLC's human sentiment labels; the statement rule
against English neutral posts; the reads end to end on the shipped models."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest

import reale.understand.distinction
import reale.understand.evaluative
from reale.understand.cues import italian_cues
from reale.understand.data import load_split
from reale.understand.distinction import singled_out
from reale.understand.evaluative import TAKEN_BACK, italian_praise, with_evaluative
from reale.understand.intent import combine
from reale.understand.litotes import denied_problems
from reale.understand.text import normalize
from reale.understand.understander import Understander

ACTS = ["appeal", "expression", "other", "question"]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def test_an_evaluative_word_praises_what_it_is_said_of() -> None:
    assert italian_praise("Il Mela 12 fa delle foto notturne incredibili", []) == (["incredibili"], [])
    assert italian_praise("Riparazione in un'ora: servizio impeccabile", []) == (["impeccabile"], [])
    assert italian_praise("Ordinato ieri, consegnato oggi. Chapeau", []) == (["Chapeau"], [])
    assert italian_praise("Oggi piove", []) == ([], [])


def test_astonishment_on_its_own_is_no_praise() -> None:
    # "Incredibile!" and "è incredibile che…" are outrage as often as wonder (4 of SENTIPOLC's 11
    # posts with the word are negative): only a thing's attribute counts.
    assert italian_praise("Incredibile! Ancora nessuna risposta", []) == ([], [])
    assert italian_praise("È incredibile come si possa aspettare tanto", []) == ([], [])
    assert italian_praise("le foto sono incredibili", []) == ([], []), "after a verb it is no attribute"


def test_a_negation_takes_the_praise_back() -> None:
    assert italian_praise("Il servizio non è stato eccezionale", []) == ([], ["eccezionale"])
    assert italian_praise("Le capsule non mi sono piaciute", []) == ([], ["piaciute"])
    assert italian_praise("Tutt'altro che perfetto", []) == ([], ["perfetto"])
    # the praise cues of reale.understand.cues are taken back the same way
    text = "Il nuovo gusto non è fantastico"
    assert italian_cues(text) == {"praise": ["fantastico"]}
    assert with_evaluative(italian_cues(text), text) == {TAKEN_BACK: ["fantastico"]}
    # a negation further away, or one that another praise word outlives, takes nothing back
    assert italian_praise("Non lo dico spesso, ma è perfetto", []) == (["perfetto"], [])
    kept, _ = italian_praise("Non è eccezionale, ma è perfetto per me", [])
    assert kept == ["perfetto"]


def test_evaluative_words_fall_on_positive_posts(data_dir: Path) -> None:
    # SENTIPOLC, train + validation (political tweets, 22 % positive, 34 % negative): measured 113
    # posts with an evaluative word that stands, 65 % positive and 11 % negative.
    split = load_split(data_dir, "sentiment/it")
    rows = split.train + split.val
    labels = [r.label for r in rows if italian_praise(normalize(r.text), [])[0]]
    base = sum(r.label == "positive" for r in rows) / len(rows)
    assert len(labels) >= 100
    assert labels.count("positive") / len(labels) >= max(0.6, 2.5 * base)
    assert labels.count("negative") / len(labels) <= 0.15


def test_a_fault_denied_is_praise_in_english_and_italian() -> None:
    assert denied_problems("Not bad at all @volta, not bad at all") == ["Not bad", "not bad"]
    assert denied_problems("Consegnato in un giorno: niente male") == ["niente male"]
    assert denied_problems("Non è affatto male, il nuovo Mela") == ["Non è affatto male"]
    # a contrast after it brings the fault back; "non fa male" (it does not hurt) is no verdict
    assert denied_problems("Not bad, but the battery died after a week") == []
    assert denied_problems("Un caffè al giorno non fa male") == []


def test_a_statement_praises_only_when_it_reads_clearly_positive() -> None:
    statement = np.array([0.05, 0.25, 0.65, 0.05], dtype=np.float32)
    warm, _ = combine(ACTS, statement, 0.1, 0.52, {}, 0.05)  # P(neutral) 0.43: no clear verdict
    clear, _ = combine(ACTS, statement, 0.1, 0.7, {}, 0.1)  # P(neutral) 0.2
    cued, _ = combine(ACTS, statement, 0.1, 0.52, {"praise": ["impeccabile"]}, 0.05)
    assert max(warm, key=lambda k: warm[k]) == "other"
    assert max(clear, key=lambda k: clear[k]) == "praise"
    assert max(cued, key=lambda k: cued[k]) == "praise", "an Italian praise word makes it evaluate"
    assert abs(sum(warm.values()) - 1.0) < 1e-6


def test_an_undecided_statement_does_not_outweigh_a_complaint() -> None:
    # The statement's share a lukewarm post loses goes to no intent in particular: given to
    # "other" alone it turned borderline complaints into "other".
    acts = np.array([0.02, 0.1, 0.85, 0.03], dtype=np.float32)
    scores, _ = combine(ACTS, acts, 0.55, 0.35, {}, 0.35)  # P(neutral) 0.3: lukewarm
    assert max(scores, key=lambda k: scores[k]) == "complaint"


def test_reads_end_to_end(u: Understander) -> None:
    reads = u.annotate_batch(
        ["Personale dell'officina Volta gentile e servizio impeccabile",
         "Il servizio dell'officina Volta non è stato eccezionale",
         "Lo schermo del nuovo Mela 12 non è spettacolare",
         "Not bad at all @volta, not bad at all",
         "Not bad, but the battery died after a week @volta",
         "Catch the Volta Pico launch live this Friday night at 8"], ["it", "it", "it", "en", "en", "en"])
    assert [x.intent for x in reads] == ["praise", "other", "other", "praise", "complaint", "other"]
    assert "Italian praise cue: impeccabile" in reads[0].why["intent"]
    assert "Italian praise taken back: eccezionale" in reads[1].why["intent"]
    assert reads[2].sentiment == "negative"
    assert reads[3].why["intent"][0] == "a problem denied: Not bad, not bad", "it used to read a complaint"


def test_neutral_english_posts_seldom_read_as_praise(u: Understander, data_dir: Path) -> None:
    # English sentiment validation (TweetEval + UMSAB): 977 neutral posts. Measured: 9.6 % read as
    # praise before the statement rule, 8.3 % with it; positive posts read as praise 671 → 658 of 927.
    rows = list(load_split(data_dir, "sentiment/en").val)
    reads = u.annotate_batch([r.text for r in rows], ["en"] * len(rows), tasks=("language", "sentiment", "intent"))
    neutral = [x.intent for x, r in zip(reads, rows, strict=True) if r.label == "neutral"]
    positive = [x.intent for x, r in zip(reads, rows, strict=True) if r.label == "positive"]
    assert neutral.count("praise") / len(neutral) <= 0.09
    assert positive.count("praise") / len(positive) >= 0.68


def test_the_evaluative_doctests_run() -> None:
    assert doctest.testmod(reale.understand.evaluative).failed == 0


# --- praise by singling out: "the only ones that taste like real coffee" ----------------------------

def test_singling_a_thing_out_by_a_quality_praises_it() -> None:
    assert singled_out("Brio pods are the only pod coffee that tastes like actual coffee") == [
        "are the only pod coffee that tastes like actual coffee"]
    assert singled_out("Le capsule di Brio sono le uniche che sanno di caffè vero ☕") == [
        "sono le uniche che sanno di caffè vero ☕"]
    assert singled_out("@lampo sei l'unico corriere che consegna di sabato") == [
        "sei l'unico corriere che consegna di sabato"]
    assert singled_out("Monti, l'unico che può tirarci fuori dalla palude") == [
        "l'unico che può tirarci fuori dalla palude"], "an apposition singles out as a copula does"


def test_singling_out_by_a_fault_or_a_negated_quality_praises_nothing() -> None:
    assert singled_out("My Brio machine is the only one that broke after a week") == []
    assert singled_out("Questo è l'unico caricatore che si è rotto dopo una settimana") == []
    assert singled_out("Volta is the only dealer that never calls back") == []
    assert singled_out("Lampo è l'unico corriere che non consegna di sabato") == []


def test_singling_out_by_mishandling_the_goods_praises_nothing() -> None:
    """Leaving parcels where the rain gets at them, or throwing them, is a fault in no word list of
    negative words (VADER has no "rain"); delivering in the rain is care, and still praises."""
    assert singled_out("@lampo è l'unico corriere che lascia i pacchi sotto la pioggia") == []
    assert singled_out("@lampo is the only courier that leaves parcels in the rain") == []
    assert singled_out("Lampo è l'unico corriere che lancia i pacchi oltre il cancello") == []
    assert singled_out("@lampo sei l'unico corriere che consegna anche sotto la pioggia") == [
        "sei l'unico corriere che consegna anche sotto la pioggia"]
    assert singled_out("Lampo è l'unico corriere che lascia i pacchi in portineria") == [
        "è l'unico corriere che lascia i pacchi in portineria"]
    assert singled_out("Brio is the only shop that throws in a free box of pods") == [
        "is the only shop that throws in a free box of pods"]


def test_mishandled_goods_fire_on_no_labelled_post(data_dir: Path) -> None:
    # The fault check can only narrow singling out, which fires on no validation post: every
    # validation read is unchanged. The pattern fires on no post of the labelled sets either.
    from reale.understand.damage import MISHANDLED

    rows = [*load_split(data_dir, "sentiment/it").train, *load_split(data_dir, "sentiment/it").val,
            *load_split(data_dir, "sentiment/en").train, *load_split(data_dir, "sentiment/en").val,
            *load_split(data_dir, "complaints/en", "train.jsonl").train,
            *load_split(data_dir, "complaints/en", "train.jsonl").val]
    assert [r.text for r in rows if MISHANDLED.search(normalize(r.text))] == []


def test_singling_out_the_writer_or_a_thing_said_praises_nothing() -> None:
    assert singled_out("I'm the only one who stayed for the scene after the credits") == []
    assert singled_out("I was the only one that liked it") == []
    assert singled_out("Sono l'unico che trova questo spot noioso?") == []
    assert singled_out("È l'unica cosa che viene da dire") == []
    assert singled_out("Caro Brio, l'unico caffè che abbiamo bevuto è quello del bar") == [], \
        "after a comma, with a verb of its own, it is the sentence's subject, not an apposition"


def test_singling_out_falls_on_positive_posts(data_dir: Path) -> None:
    # Rare in labelled tweets: measured 10 posts of SENTIPOLC (train + val) and the English
    # sentiment training file, 8 positive, 2 negative ("…he's the only one who believes the story";
    # base rates 22 % and 39 % positive). No validation post fires it.
    rows = [*load_split(data_dir, "sentiment/it").train, *load_split(data_dir, "sentiment/it").val,
            *load_split(data_dir, "sentiment/en").train]
    labels = [r.label for r in rows if singled_out(normalize(r.text))]
    assert len(labels) >= 9
    assert labels.count("positive") / len(labels) >= 0.75
    assert labels.count("negative") <= 2


def test_a_thing_singled_out_reads_positive_praise(u: Understander) -> None:
    reads = u.annotate_batch(["Le capsule Deca di Brio sono le uniche che sanno di caffè vero ☕",
                              "Brio pods are the only pod coffee that tastes like actual coffee",
                              "My Brio machine is the only one that broke after a week @brio",
                              "Questo è l'unico caricatore Mela che si è rotto dopo una settimana"],
                             ["it", "en", "en", "it"])
    assert [(x.sentiment, x.intent) for x in reads[:2]] == [("positive", "praise")] * 2
    assert reads[0].why["intent"][0].startswith("singled out: sono le uniche che sanno")
    assert reads[0].why["sentiment"][0].startswith("singled out:"), "the sentiment says why too"
    # The heads read the others' exclusion as negativity: before the rule both read negative, other.
    assert [x.intent for x in reads[2:]] == ["complaint", "complaint"]
    assert reads[2].sentiment == "negative"


def test_a_quality_the_complaint_label_reads_as_a_fault_is_no_praise(u: Understander) -> None:
    # "takes three weeks" is in no word list of faults; the complaint label (P ≥ 0.5) tells.
    text = "Volta is the only dealer that takes three weeks for a simple service @volta"
    assert singled_out(text) != []
    x = u.annotate(text, "en")
    assert (x.sentiment, x.intent, x.complaint) == ("negative", "complaint", True)
    assert not any(w.startswith("singled out") for w in x.why["sentiment"] + x.why["intent"])


def test_a_courier_singled_out_for_leaving_parcels_in_the_rain_is_no_praise(u: Understander) -> None:
    # Before: the praise cue of singling out turned the heads around (complaint head 0.46, below
    # its veto) and both read praise, 0.63 and 0.34.
    it, en = u.annotate_batch(["@lampo è l'unico corriere che lascia i pacchi sotto la pioggia",
                               "@lampo is the only courier that leaves parcels in the rain"],
                              ["it", "en"])
    assert (it.sentiment, it.intent) == ("negative", "complaint")
    assert en.intent != "praise" and en.intent_scores["praise"] < 0.1
    assert not any(w.startswith("singled out") for x in (it, en) for w in x.why["intent"])


def test_the_distinction_doctests_run() -> None:
    assert doctest.testmod(reale.understand.distinction).failed == 0
