"""A post that neither addresses the brand nor names it is not a complaint *to* the brand: a
topical watch-query (Civica watching "Brexit") matched it. The reasons say so, in both interface
languages, and it ranks below the same complaint addressed to the brand. A moment is exempt:
joining a conversation nobody addressed to the brand is what a moment is."""

from __future__ import annotations

import msgspec

from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_reasons import render_reasons
from reale.desk.opportunity_rules import DeskWeights

W = DeskWeights()

BREXIT = OpportunityInput(
    brand="Civica", brand_handle="civica.bsky.social", post_uri="at://x/1",
    text="Brexit has been a disaster for small exporters, the paperwork is a nightmare",
    intent="complaint", intent_confidence=0.8, complaint=0.85, sentiment=-0.7,
    author_followers=2_000, brand_aliases=("civica.bsky.social", "#civica"), created_at=1.0,
)


def test_a_complaint_that_never_addresses_the_brand_says_so_in_both_languages() -> None:
    opp = score_opportunity(BREXIT, W)
    assert opp is not None and opp.kind == "complaint"
    assert "not addressed to Civica: the post neither tags nor names it" in opp.reasons
    assert "non è rivolto a Civica: il post non lo tagga né lo nomina" in render_reasons(
        opp.reason_codes, "it")
    assert opp.reasons[1].startswith("not addressed")  # right after the kind


def test_it_ranks_below_the_same_complaint_addressed_or_naming_the_brand() -> None:
    unaddressed = score_opportunity(BREXIT, W)
    tagged = score_opportunity(msgspec.structs.replace(
        BREXIT, text="@civica.bsky.social " + BREXIT.text, addressed_directly=True), W)
    named = score_opportunity(msgspec.structs.replace(
        BREXIT, text="Civica, " + BREXIT.text), W)
    hashtag = score_opportunity(msgspec.structs.replace(
        BREXIT, text=BREXIT.text + " #Civica"), W)
    assert unaddressed is not None and tagged is not None and named is not None
    assert hashtag is not None
    assert unaddressed.score < named.score <= tagged.score
    assert hashtag.score == named.score
    for opp in (tagged, named, hashtag):
        assert not any(r.startswith("not addressed") for r in opp.reasons)
    assert unaddressed.features["unaddressed"] == 1.0 and named.features["unaddressed"] == 0.0


def test_a_part_of_a_name_is_not_the_name() -> None:
    """*Civico* or *civicamente* do not name Civica."""
    opp = score_opportunity(msgspec.structs.replace(
        BREXIT, text="il senso civico e civicamente la Brexit"), W)
    assert opp is not None and opp.features["unaddressed"] == 1.0


def test_a_moment_is_not_marked_unaddressed() -> None:
    moment = msgspec.structs.replace(BREXIT, intent="other", complaint=0.1, moment="#brexit",
                                     moment_score=0.9)
    opp = score_opportunity(moment, W)
    assert opp is not None and opp.kind == "moment"
    assert opp.features["unaddressed"] == 0.0
    assert not any(r.startswith("not addressed") for r in opp.reasons)


def test_the_reason_is_said_even_when_a_team_gives_it_no_weight() -> None:
    weightless = DeskWeights(unaddressed=0.0)
    opp = score_opportunity(BREXIT, weightless)
    assert opp is not None
    assert "not addressed to Civica: the post neither tags nor names it" in opp.reasons


def test_reale_run_passes_the_brands_handles_and_hashtags_as_its_other_names() -> None:
    from reale.clock import ManualClock
    from reale.config import BrandConfig
    from reale.desk.queue import OpportunityQueue
    from reale.events import Author, Mention, Post
    from reale.run.stages import DeskStage

    brand = BrandConfig(name="Civica", handles=("@civica.bsky.social",), hashtags=("#civica",),
                        keywords=("brexit",))
    stage = DeskStage([brand], None, OpportunityQueue(ManualClock()), [])
    post = Post(network="bsky", uri="at://x/1", author=Author(id="a"), text="#civica",
                created_at=0.0)
    inp = stage.opportunity_input(Mention(brand="Civica", query="brexit", post=post), None)
    assert inp.brand_aliases == ("civica.bsky.social", "#civica")
