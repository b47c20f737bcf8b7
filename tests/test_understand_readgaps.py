"""Three misreads of the heads, fixed as what they are: a post of emoji alone is read by an emoji
lexicon; telling the brand to answer someone else is a complaint about its support, not an appeal;
a request for a free product is an ask, neutral unless it carries negative words.
Checked on the shipped models, and the emoji lexicon against the emotion sets' counts."""

from __future__ import annotations

import collections
import doctest
import json
import unicodedata

import pytest

import reale.understand.emoji
import reale.understand.grievance
import reale.understand.pushes
from reale.understand.emoji import LEXICON, emoji_only, emoji_read
from reale.understand.pushes import pushes_for_others
from reale.understand.understander import Understander
from tests.conftest import DATA


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def test_the_examples_in_the_modules_hold() -> None:
    for module in (reale.understand.emoji, reale.understand.pushes, reale.understand.grievance):
        assert doctest.testmod(module).failed == 0


# --- emoji alone ----------------------------------------------------------------------------------


def test_an_angry_post_of_emoji_alone_reads_negative_and_angry(u: Understander) -> None:
    for text in ("😡😡😡", "@volta-auto.bsky.social 😡😡😡", "🤬🤬", "💩", "🤮🤮"):
        x = u.annotate(text)
        assert x.sentiment == "negative", (text, x.sentiment_scores)
        assert x.emotion == "anger", (text, x.emotion_scores)
        assert x.intent != "praise"
        assert x.why["sentiment"][0].startswith("emoji only: ")


def test_a_loving_post_of_emoji_alone_reads_positive_and_praises(u: Understander) -> None:
    for text in ("😍😍", "🔥🔥🔥", "❤️❤️❤️", "@mela 👏👏", "🥰"):
        x = u.annotate(text)
        assert (x.sentiment, x.intent, x.emotion) == ("positive", "praise", "joy"), (text, x.sentiment_scores)


def test_laughter_tears_and_folded_hands_alone_read_neutral(u: Understander) -> None:
    # Their counts are split: 😂 66 % joy, 😭 29 %, 🙏 41 % (thanks as often as a plea).
    for text in ("😂😂😂", "😭😭", "🙏"):
        x = u.annotate(text)
        assert x.sentiment == "neutral", (text, x.sentiment_scores)
        assert x.intent == "other"


def test_mixed_emoji_follow_their_majority_and_a_tie_reads_neutral() -> None:
    assert emoji_read("😍😍😡") == ("positive", "joy", ["😍", "😡"])
    assert emoji_read("😍😡") is not None and emoji_read("😍😡").polarity == "neutral"  # type: ignore[union-attr]


def test_a_post_with_words_is_left_to_the_heads(u: Understander) -> None:
    assert emoji_only("love it 😍") is None
    assert emoji_only("2 😍") is None, "a number is a word here"
    assert emoji_only("@mela http !!") is None, "no emoji at all"
    assert emoji_only("@mela 😡 !!! http") == ["😡"]
    words = u.annotate("what a day 😡😡😡", "en")
    assert not words.why["sentiment"][0].startswith("emoji only")


def test_every_emoji_of_the_lexicon_counted_from_data_agrees_with_the_emotion_sets() -> None:
    # Positive: >= 75 % of the posts carrying it are joy or optimism; negative: <= 20 %. The emoji
    # set by hand (see the module) are left out of this check.
    files = [DATA / "emotion/en/train.jsonl", DATA / "emotion/en/val.jsonl", DATA / "emotion/it/feel-it.jsonl"]
    if not all(f.exists() for f in files):
        pytest.skip("shared data not found")
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for ch in {c for c in row["text"] if unicodedata.category(c) == "So"}:
                counts[ch][row["label"]] += 1
    hand = {"🔥", "😀", "😄", "💯", "😱", "🙄", "👎", "😖", "😫", "🤮", "🤢", "🤔"}
    checked = 0
    for emo, (polarity, _) in LEXICON.items():
        c = counts[emo]
        n = sum(c.values())
        if emo in hand:
            continue
        share = (c["joy"] + c["optimism"]) / n
        assert n >= 5, emo
        if polarity == "positive":
            assert share >= 0.75, (emo, dict(c))
        elif polarity == "negative":
            assert share <= 0.2, (emo, dict(c))
        else:
            assert 0.2 < share < 0.75, (emo, dict(c))
        checked += 1
    assert checked >= 60


# --- a push for someone else ------------------------------------------------------------------


def test_telling_the_brand_to_answer_someone_else_is_a_complaint_not_an_appeal(u: Understander) -> None:
    it = u.annotate("@mela-mobile.bsky.social rispondete a Sara, non è l'unica", "it")
    en = u.annotate("@mela-mobile.bsky.social answer Sarah, she's not the only one", "en")
    for x in (it, en):
        assert x.intent == "complaint", x.intent_scores
        assert x.intent_scores["appeal"] < 0.05
        assert any("answer someone else" in w for w in x.why["intent"])
    # the writer joining in ("…e pure a me") is no appeal either: support left them both waiting
    both = u.annotate("@mela-mobile.bsky.social rispondete a Sara e pure a me", "it")
    assert both.intent != "appeal" and both.intent_scores["complaint"] > 0.3


def test_asking_for_oneself_is_still_an_appeal(u: Understander) -> None:
    assert pushes_for_others("@mela rispondetemi per favore") == []
    assert pushes_for_others("@mela answer me") == []
    assert pushes_for_others("@mela answer My question") == []
    assert pushes_for_others("rispondete a questa domanda") == []
    assert pushes_for_others("@lampo richiamatela, aspetta da ieri") == ["richiamatela"]
    x = u.annotate("@mela aiutatemi per favore, vorrei un Mela 12 in prova", "it")
    assert x.intent == "appeal", x.intent_scores


# --- an ask is no grievance -------------------------------------------------------------------


def test_a_request_for_a_free_product_is_neutral_unless_it_carries_negative_words(u: Understander) -> None:
    ask = u.annotate("@mela-mobile.bsky.social mandatemi un Mela 12 Pro da provare, prometto recensione onesta 😇", "it")
    bare = u.annotate("mandatemi un Mela 12 Pro", "it")
    for x in (ask, bare):
        assert x.sentiment == "neutral", x.sentiment_scores
        assert x.intent == "appeal"
        assert x.why["sentiment"][0].startswith("an ask with no negative word")
    loss = u.annotate("@mela mandatemi un Mela 12 Pro, il mio è morto", "it")
    assert loss.sentiment == "negative", "a request that tells of a loss keeps the heads' read"


def test_the_founding_car_request_keeps_its_read(u: Understander) -> None:
    car = u.annotate("Ieri sera qualcuno mi ha sfondato la fiancata, auto in carrozzeria per due "
                     "settimane. @volta mi prestate una Volta Pico per qualche giorno? 🙏", "it")
    assert car.intent == "appeal"
    assert not car.why["sentiment"][0].startswith("an ask")


def test_a_name_or_a_word_beside_more_emoji_is_nearly_emoji_alone(u: Understander) -> None:
    for text, sentiment in (("Mela 😍😍", "positive"), ("@mela Mela 12 😍😍😍", "positive"),
                            ("ancora 😡😡", "negative"), ("#MelaFail 🤬🤬", "negative")):
        x = u.annotate(text, "it")
        assert x.sentiment == sentiment, (text, x.sentiment_scores)
        assert x.why["sentiment"][0].startswith("emoji only")
    # the words say more than laughter, and more words than emoji are the heads' to read
    assert emoji_read("che ridere 😂😂😂") is None
    assert emoji_only("love it 😍😍") is None and emoji_only("ma che bello 😍😍😍😍") is None
