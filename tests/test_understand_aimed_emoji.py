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
from reale.understand.emoji import aimed_anger, angry_only, emoji_read
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
