"""The complaint label by language: English posts read complaint-en (standardised embedding), every
other language the complaint head, whose arrays are those shipped before complaint-en existed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reale.understand.models import ModelSet, load, manifest_path
from reale.understand.understander import Understander

# The complaint head's array digest before complaint-en was added (understand-v1 of main 5e9d9db):
# Italian and every other non-English post must keep reading exactly these arrays.
COMPLAINT_HEAD_BEFORE = "ac70a89ceae878bd59db387e30de5986a526809c71668189e02bb70eed21c1fc"

ENGLISH = ["@AcmeCare my parcel is a week late and nobody answers my emails",
           "@AcmeCare does the new model come in blue?",
           "@AcmeCare third time my order arrives broken. Unbelievable.",
           "loving the new update, thanks @AcmeCare"]
ITALIAN = ["@lampo è l'unico corriere che lascia i pacchi sotto la pioggia",
           "Vergogna, nessuno risponde da una settimana",
           "@volta mi prestate una Volta Pico per qualche giorno?",
           "Il Mela 12 fa delle foto notturne incredibili"]


@pytest.fixture(scope="module")
def shipped() -> Understander:
    return Understander.load()


@pytest.fixture(scope="module")
def one_head(shipped: Understander) -> Understander:
    """The same models with complaint-en's arrays replaced by the complaint head's: the reads of
    the model set as it was before complaint-en (one complaint head for every language)."""
    heads = dict(shipped.models.heads)
    heads["complaint-en"] = replace(heads["complaint"], name="complaint-en")
    models: ModelSet = replace(shipped.models, heads=heads)
    return Understander(models, shipped.encoder, shipped.crisis_head, shipped.background)


def test_the_complaint_head_non_english_posts_read_is_the_one_shipped_before():
    manifest = json.loads(manifest_path().read_text("utf-8"))
    assert manifest["heads"]["complaint"]["sha256"] == COMPLAINT_HEAD_BEFORE
    assert manifest["heads"]["complaint-en"]["sha256"] != COMPLAINT_HEAD_BEFORE
    assert load().heads["complaint-en"].classes == load().heads["complaint"].classes


def test_italian_posts_read_exactly_as_before(shipped, one_head):
    now = shipped.annotate_batch(ITALIAN, ["it"] * len(ITALIAN))
    before = one_head.annotate_batch(ITALIAN, ["it"] * len(ITALIAN))
    for a, b in zip(now, before, strict=True):
        assert (a.complaint_score, a.intent, a.intent_scores) == (b.complaint_score, b.intent, b.intent_scores)
        assert a.why["complaint"] == b.why["complaint"]


def test_english_posts_read_the_english_head(shipped, one_head):
    now = shipped.annotate_batch(ENGLISH, ["en"] * len(ENGLISH))
    before = one_head.annotate_batch(ENGLISH, ["en"] * len(ENGLISH))
    assert all(a.complaint_score != b.complaint_score for a, b in zip(now, before, strict=True))
    late, question, broken, praise = now
    assert late.complaint and broken.complaint and not praise.complaint
    assert late.intent == "complaint" and question.intent == "question" and praise.intent == "praise"


def test_a_mixed_batch_reads_each_post_by_its_language(shipped):
    mixed = shipped.annotate_batch([ENGLISH[0], ITALIAN[0], ENGLISH[2], ITALIAN[1]], ["en", "it", "en", "it"])
    alone = [*shipped.annotate_batch([ENGLISH[0], ENGLISH[2]], ["en", "en"]),
             *shipped.annotate_batch([ITALIAN[0], ITALIAN[1]], ["it", "it"])]
    assert [m.complaint_score for m in mixed] == [alone[i].complaint_score for i in (0, 2, 1, 3)]
