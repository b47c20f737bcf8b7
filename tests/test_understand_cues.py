"""The hand-written Italian cues, checked against SENTIPOLC's human sentiment labels, and goods that
arrived damaged ("è arrivato con metà dei fiori appassiti"), a complaint however calmly told."""

from __future__ import annotations

import doctest

import reale.understand.damage
from reale.understand.cues import cue_polarity, italian_cues
from reale.understand.damage import damaged_on_arrival, with_damage
from reale.understand.data import load_split
from reale.understand.text import normalize
from reale.understand.understander import Understander


def test_cues_name_the_words_that_fired():
    assert italian_cues("Vergogna! Da giorni senza linea") == {"complaint": ["Vergogna", "Da giorni", "senza linea"]}
    assert "appeal" in italian_cues("per favore rimettete il vecchio gusto")
    assert "question" in italian_cues("Come mai non arriva il pacco?")
    assert italian_cues("oggi piove") == {}


def test_complaint_cues_fall_on_negative_posts_and_praise_cues_on_positive_ones(data_dir):
    split = load_split(data_dir, "sentiment/it")
    rows = split.train + split.val
    base = {label: sum(r.label == label for r in rows) / len(rows) for label in ("negative", "positive")}
    hits = cue_polarity([normalize(r.text) for r in rows], [r.label for r in rows])
    complaint, praise = hits["complaint"], hits["praise"]
    neg_share = complaint.get("negative", 0) / sum(complaint.values())
    pos_share = praise.get("positive", 0) / sum(praise.values())
    assert sum(complaint.values()) >= 50 and neg_share >= 0.6 and neg_share > 2 * base["negative"]
    assert sum(praise.values()) >= 100 and pos_share >= 0.5 and pos_share > 2 * base["positive"]


def test_a_plural_imperative_with_me_or_us_attached_asks_the_brand():
    assert italian_cues("@lampo aiutateci, il pacco è sparito")["appeal"] == ["aiutateci"]
    assert italian_cues("@brio fatemi sapere quando arrivano")["appeal"] == ["fatemi"]
    # "scusatemi" excuses the writer, "ditemi" asks to be told: neither asks the brand for anything
    assert "appeal" not in italian_cues("scusatemi il ritardo, ditemi voi")


def test_goods_that_arrived_damaged_are_a_complaint_cue():
    text = "Il mazzo di peonie di Fiorella è arrivato con metà dei fiori appassiti. Peccato."
    assert damaged_on_arrival(text) == ["arrivato con metà dei fiori appassiti"]
    assert with_damage({}, text) == {"complaint": ["arrivato con metà dei fiori appassiti"]}
    assert damaged_on_arrival("Ricevuto oggi lo schermo graffiato") == ["Ricevuto oggi lo schermo graffiato"]
    # damage without a delivery, a delivery without damage, or the two in different sentences
    assert damaged_on_arrival("Ho il telefono rotto da una settimana") == []
    assert damaged_on_arrival("Il pacco è arrivato in un giorno, perfetto") == []
    assert damaged_on_arrival("Il pacco è arrivato ieri. Il mio vecchio telefono invece è rotto") == []
    # "peccato" alone is no complaint: "peccato che non ci fosse" regrets, it does not accuse
    assert "complaint" not in with_damage(italian_cues("Bella serata, peccato che non ci fosse Luca"),
                                          "Bella serata, peccato che non ci fosse Luca")


def test_damaged_goods_are_a_complaint_in_the_reads_and_their_damage_cue_is_no_lexicon_column():
    u = Understander.load()
    x = u.annotate("Il mazzo di peonie di Fiorella è arrivato con metà dei fiori appassiti. Peccato. "
                   "@fiorella.bsky.social", "it")
    assert (x.sentiment, x.intent, x.complaint) == ("negative", "complaint", True)  # was "other"
    assert "Italian cue: arrivato con metà dei fiori appassiti" in x.why["complaint"]
    # The heads were trained with the cue flags of italian_cues as lexicon columns: the damage cue
    # is added after them, so the shipped heads and `make train` see the same inputs as before.
    assert "complaint" not in italian_cues("è arrivato con metà dei fiori appassiti")


def test_the_damage_doctests_run():
    assert doctest.testmod(reale.understand.damage).failed == 0


def test_the_complaint_read_names_an_italian_cue_once():
    # The intent read and the complaint label share one P(complaint); computing it twice used to
    # name the cue twice in the complaint label's why.
    x = Understander.load().annotate("Vergogna @lampo, pacco bloccato da giorni", "it")
    assert x.why["complaint"].count("Italian cue: Vergogna, bloccato, da giorni") == 1
    assert x.intent == "complaint"
