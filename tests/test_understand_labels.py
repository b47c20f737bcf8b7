"""What the shipped models say about posts whose meaning is plain, and how they treat bad input."""

from __future__ import annotations

import json

import msgspec
import pytest

from reale.understand.models import MODELS_DIR
from reale.understand.understander import INTENTS, TASKS, Understander, Understanding


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def test_plain_english_posts(u):
    love, hate = u.annotate_batch(["I absolutely love this phone, best purchase ever!",
                                   "Worst customer service ever. I hate this company."], ["en", "en"])
    assert love.sentiment == "positive" and love.intent == "praise" and love.emotion == "joy"
    assert hate.sentiment == "negative" and hate.emotion == "anger"
    assert abs(sum(love.sentiment_scores.values()) - 1) < 1e-3
    assert set(love.intent_scores) == set(INTENTS)


def test_an_english_complaint_that_asks_for_help(u):
    x = u.annotate("@AcmeSupport my order has been stuck for two weeks and nobody answers. "
                   "This is ridiculous, where is my refund?", "en")
    assert x.complaint is True and x.complaint_score > 0.7
    assert x.intent == "complaint"
    assert x.why["complaint"], "a label says what drove it"


def test_english_question_and_appeal(u):
    q, a = u.annotate_batch(["What time does the store open on Sunday?",
                             "Please bring back the old recipe, we miss it!"], ["en", "en"])
    assert q.intent == "question"
    assert a.intent == "appeal"


def test_a_neutral_product_question_to_a_brand_is_a_question_not_a_complaint(u):
    # The complaint head learned from tweets to customer care, where nearly everything addressed
    # to a brand is a complaint; the intent weighs it by how negative the post reads.
    ask, shoes, angry = u.annotate_batch(
        ["@voltamotors does the Volta Pico come with an automatic gearbox?",
         "@nike can you send me a pair of shoes please?",
         "@comcast why is my internet down AGAIN?? paying for nothing"], ["en"] * 3)
    assert ask.intent == "question"
    assert shoes.intent == "appeal"
    assert angry.intent == "complaint", "a complaint phrased as a question stays a complaint"


def test_the_complaint_share_of_intent_grows_with_negativity():
    from reale.understand.intent import complaint_weight

    assert complaint_weight(0.6, 0.0) < 0.6 < complaint_weight(0.6, 0.9)
    assert complaint_weight(0.9, 1.0) == 1.0
    assert complaint_weight(0.0, 1.0) == 0.0


def test_italian_posts_use_italian_models_and_cues(u):
    praise, complaint, appeal = u.annotate_batch(
        ["Grazie mille, servizio fantastico e personale gentilissimo!",
         "Vergogna, da tre giorni senza linea e nessuno risponde al telefono",
         "Potete rimettere il gusto pistacchio? Per favore!"])
    assert [x.language for x in (praise, complaint, appeal)] == ["it", "it", "it"]
    assert praise.sentiment == "positive" and praise.intent == "praise"
    assert complaint.sentiment == "negative" and complaint.complaint is True
    assert any("Italian cue" in w for w in complaint.why["complaint"])
    assert appeal.intent == "appeal"
    # Italian sentiment and irony come from heads trained on Italian, not only the shared embedding
    assert not any("embedding" in w for w in praise.why["sentiment"] + praise.why["irony"])
    assert any("embedding" in w for w in praise.why["offensive"])  # no Italian offensive data


def test_declared_language_wins_unless_the_detector_is_sure(u):
    short = u.annotate("ok grazie", "it")
    assert short.language == "it"
    wrong = u.annotate("This is obviously a long English sentence about the weather today.", "it")
    assert wrong.language == "en"


def test_a_declared_language_whose_script_the_text_lacks_is_set_aside(u):
    # clients declare their user's default language: Japanese on an English post cannot be
    assert u.annotate("The Mela 12 night photos are unreal", "ja").language == "en"
    assert u.annotate("Il Mela 12 fa delle foto notturne incredibili", ["ja", "it"]).language == "it"
    assert u.annotate("新しいMela 12の夜景写真はすごい", "ja").language == "ja"
    assert u.annotate("ok", "ru").language != "ru"


@pytest.mark.parametrize("declared", ["<script>", "english", "\ud800", "x", "42", ["<b>", "💥"]])
def test_a_declared_language_that_is_no_language_code_is_ignored(u, declared):
    # `language` is an ISO 639 code: a network's or a caller's free text never becomes one
    x = u.annotate("This is obviously a long English sentence about the weather today.", declared)
    assert x.language == "en"
    assert u.annotate("🙂", declared).language == "und"
    json.loads(msgspec.json.encode(x))


def test_a_declared_language_tag_counts_by_its_language_subtag(u):
    assert u.annotate("ok grazie", "IT-it").language == "it"
    assert u.annotate("ok grazie", "it_IT").language == "it"
    assert u.annotate("🙂", "pt-BR").language == "pt"


def test_other_languages_get_language_and_a_best_effort(u):
    x = u.annotate("Me encanta este producto, es maravilloso")
    assert x.language == "es"
    assert x.sentiment == "positive"
    assert "embedding" in x.why["sentiment"][0]


def test_tasks_pick_the_labels(u):
    x = u.annotate_batch(["nice"], tasks=("language", "offensive"))[0]
    assert x.offensive is not None and x.sentiment is None and x.emotion is None
    with pytest.raises(Exception, match="unknown task"):
        u.annotate_batch(["x"], tasks=("mood",))


def test_fast_mode_gives_language_and_sentiment_only(u):
    x = u.annotate_batch(["I love it", "che schifo"], fast=True)
    assert [y.mode for y in x] == ["fast", "fast"]
    assert x[0].sentiment == "positive" and x[1].sentiment == "negative"
    assert x[0].emotion is None and x[0].intent is None


@pytest.mark.parametrize("text", ["", "   ", "😀" * 50, "<script>alert(1)</script>", "\ud800 lone surrogate",
                                  "x" * 200_000, "\x00\x01\x02", "#" * 300])
def test_hostile_or_empty_text_gets_labels_not_a_crash(u, text):
    x = u.annotate(text)
    assert isinstance(x, Understanding)
    assert x.sentiment in ("negative", "neutral", "positive")
    json.loads(msgspec.json.encode(x))


@pytest.mark.parametrize("text", ["ok", "xxxx", "hmm", "😀 ok", "grazie"])
def test_every_label_says_what_drove_it_even_when_no_word_did(u, text):
    x = u.annotate(text)
    for label, drivers in x.why.items():
        assert drivers, f"{label} of {text!r} has no explanation"


def test_fast_labels_say_what_drove_them_too(u):
    x = u.annotate("what a great day", fast=True)
    assert x.why["language"] and x.why["sentiment"]
    assert set(x.why) == {"language", "sentiment"}


def test_invisible_characters_inside_words_do_not_change_the_labels(u):
    posts = ["great product, love it", "this is the worst service ever, shame on you, fix it now",
             "Vergogna, da tre giorni senza linea e nessuno risponde al telefono"]
    hidden = [" ".join(w[:2] + "\u200b" + w[2:] if len(w) > 3 else w for w in p.split(" ")) for p in posts]
    for plain, veiled in zip(u.annotate_batch(posts), u.annotate_batch(hidden), strict=True):
        assert (veiled.language, veiled.sentiment, veiled.intent, veiled.complaint) == \
               (plain.language, plain.sentiment, plain.intent, plain.complaint)


def test_every_task_name_is_known():
    assert TASKS == ("language", "sentiment", "emotion", "intent", "complaint", "irony", "offensive",
                     "crisis")
    assert (MODELS_DIR / "understand-v1.npz").is_file()


def test_pipeline_posts_carry_their_uri_and_declared_language(u):
    from reale.events import Author, Post

    post = Post(network="sim", uri="sim://post/1", author=Author(id="a"), text="Che bella giornata, grazie!",
                created_at=0.0, langs=("it",))
    (x,) = u.annotate_posts([post])
    assert x.uri == "sim://post/1" and x.language == "it" and x.sentiment == "positive"
