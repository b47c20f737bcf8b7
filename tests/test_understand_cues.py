"""The hand-written Italian cues, checked against SENTIPOLC's human sentiment labels."""

from __future__ import annotations

from reale.understand.cues import cue_polarity, italian_cues
from reale.understand.data import load_split
from reale.understand.text import normalize


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
