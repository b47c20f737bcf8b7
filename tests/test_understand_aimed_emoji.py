"""Angry emoji aimed at the brand are a complaint: "@volta 😡😡😡" tags whom it is angry with.
The understander, which sees handles only as someone tagged, reads anger that tags someone as a
complaint to them; the desk, which knows the brand, counts it a complaint only when the post tags
or names the brand (a post aimed at someone else, or at nothing, asks the brand nothing).
Praise emoji stay praise; anger aimed at nothing stays *other*."""

from __future__ import annotations

import msgspec
import pytest

from reale.desk.opportunity import OpportunityInput, kind_of
from reale.desk.opportunity_rules import DeskWeights
from reale.understand.emoji import aimed_anger, angry_only, brand_marks, emoji_read
from reale.understand.understander import Understander


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def test_angry_emoji_that_tag_someone_read_as_a_complaint(u: Understander) -> None:
    for text in ("@volta 😡😡😡", "@brand 🤬🤬", "@brand 👎👎👎", "@brand 😤", "😡😡 @volta-auto.bsky.social"):
        x = u.annotate(text)
        assert (x.sentiment, x.intent, x.complaint) == ("negative", "complaint", True), (text, x.intent_scores)
        assert any(w.startswith("angry emoji aimed at who it tags") for w in x.why["intent"])


def test_praise_emoji_sadness_and_anger_aimed_at_nothing_read_as_before(u: Understander) -> None:
    assert u.annotate("@brand 😍🔥").intent == "praise"
    for text in ("😡😡😡", "🤬🤬", "il traffico 😡😡😡", "@brand 😢😢", "@brand 😳"):
        x = u.annotate(text)
        assert x.intent == "other" and not x.complaint, (text, x.intent_scores)


def test_what_counts_as_angry_emoji() -> None:
    assert angry_only(emoji_read("👎👎👎")) and angry_only(emoji_read("🤮"))
    assert not angry_only(emoji_read("😢😢")) and not angry_only(emoji_read("😳"))
    assert not angry_only(emoji_read("😍😍😡")) and not angry_only(emoji_read("love it 😡"))
    assert not aimed_anger("😡😡😡", emoji_read("😡😡😡"))


W = DeskWeights()
# the labels the understander gives an angry tagged post
ANGRY = OpportunityInput(brand="Volta", brand_handle="volta.bsky.social", post_uri="at://x/1",
                         text="@volta.bsky.social 😡😡😡", intent="complaint", intent_confidence=1.0,
                         complaint=0.81, sentiment=-0.8, brand_aliases=("volta.bsky.social",))


def _kind(text: str, **kw: object) -> str | None:
    inp = msgspec.structs.replace(ANGRY, text=text, **kw)
    return kind_of(inp, W, text.lower())


def test_the_desk_counts_angry_emoji_a_complaint_when_they_tag_or_name_the_brand() -> None:
    assert _kind("@volta.bsky.social 😡😡😡") == "complaint"
    # named, not tagged: the understander cannot tell a name from a word, the desk can
    assert _kind("Volta 🤬🤬", intent="other", complaint=0.08) == "complaint"


def test_the_desk_leaves_angry_emoji_aimed_at_someone_else_or_at_nothing() -> None:
    assert _kind("@mario.bsky.social 😡😡😡") is None  # the understander read a complaint to @mario
    assert _kind("😡😡😡", intent="other", complaint=0.0) is None
    assert _kind("😡😡😡", intent="other", complaint=0.0, moment="#traffico") == "moment"
    # praise emoji are the understander's to read, as before
    assert _kind("@volta.bsky.social 😍🔥", intent="praise", complaint=0.0, sentiment=0.8) == "praise"


# --- told whom the brand is: anger must be aimed at it ---------------------------------------------


VOLTA_MARKS = brand_marks(["@volta.bsky.social", "volta-auto.bsky.social"], ["Volta"])


def test_told_the_brands_handles_anger_at_someone_else_is_no_complaint(u: Understander) -> None:
    """The models see every handle as @user; told the brands' handles and names, the understander
    reads "@mario 😡😡" as anger at Mario (intent other), not a complaint to the brand."""
    for text in ("@mario 😡😡", "@mario.bsky.social 🤬🤬", "@volta.bsky.social.fan 😡😡"):
        x = u.annotate(text, brands=VOLTA_MARKS)
        assert x.intent != "complaint" and not x.complaint, (text, x.intent_scores)
        assert (x.sentiment, x.emotion) == ("negative", "anger")  # still angry, at someone else


def test_told_the_brands_handles_anger_at_the_brand_is_a_complaint(u: Understander) -> None:
    for text in ("@volta.bsky.social 😡😡", "@Volta-Auto.bsky.social 👎👎👎", "Volta 🤬🤬",
                 "@mario @volta.bsky.social 😡😡"):
        x = u.annotate(text, brands=VOLTA_MARKS)
        assert (x.intent, x.complaint) == ("complaint", True), (text, x.intent_scores)
        assert any(w.startswith("angry emoji aimed at the brand") for w in x.why["intent"])


def test_what_marks_a_post_as_aimed_at_the_brand() -> None:
    assert brand_marks([], []) is None and brand_marks(["@"], [" "]) is None
    read = emoji_read("😡😡")
    assert aimed_anger("@VOLTA.bsky.social 😡😡", read, VOLTA_MARKS)
    assert not aimed_anger("#volta 😡😡", read, VOLTA_MARKS)  # a hashtag is a topic, not the brand
    assert not aimed_anger("voltaggio 😡😡", read, VOLTA_MARKS)
    assert not aimed_anger("@volta 😡😡", read, VOLTA_MARKS)  # another account, a shorter handle


def test_the_pipelines_labeller_knows_the_configured_brands() -> None:
    """Both runners label through ``wiring.Understanding.label`` (the embedded pipeline's
    understand stage and the Kafka stages' desk): it tells the understander the brands' handles
    and names, so the stored intent of anger at someone else is not a complaint."""
    from reale.config import BrandConfig
    from reale.run.wiring import Understanding

    volta = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",),
                        hashtags=("voltaauto",))
    labels = Understanding([volta]).label(
        ["@mario.bsky.social 😡😡", "@volta-auto.bsky.social 😡😡", "#voltaauto 🤬🤬", "#traffico 😡😡"],
        [None] * 4, False)
    assert [x.intent for x in labels] == ["other", "complaint", "complaint", "other"], [
        x.intent_scores for x in labels]
