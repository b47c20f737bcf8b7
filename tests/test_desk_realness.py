"""The realness check: every case of the suite reads as expected, and the weights behave as the
docs say (disclosure never raises the risk, going public never lowers it, …)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reale.desk.realness import assess, explain
from reale.desk.realness_rules import RealnessWeights, realness_weights_from_config
from reale.desk.situation import (
    Situation,
    situation_from_dict,
    with_known_partners,
)
from reale.errors import ConfigError, DeskError

SUITE = Path(__file__).parent / "data" / "realness_suite.jsonl"


def _suite() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines() if line]


CASES = _suite()


def test_the_suite_is_big_and_speaks_both_languages() -> None:
    assert len(CASES) >= 40
    ids = [c["id"] for c in CASES]
    assert len(set(ids)) == len(ids)
    langs = {explain(situation_from_dict(c["situation"])).reading.lang for c in CASES}
    assert langs == {"en", "it"}
    assert {c["expected"] for c in CASES} == {"genuine", "care", "transactional"}
    assert all(c["why"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_suite_case(case: dict[str, Any]) -> None:
    v = assess(situation_from_dict(case["situation"]))
    assert v.verdict == case["expected"], (v, case["why"])
    assert 0.0 <= v.risk <= 1.0
    assert v.reasons and v.advice
    if "advice_contains" in case:
        assert any(case["advice_contains"] in a for a in v.advice), v.advice


def _case(case_id: str) -> Situation:
    return situation_from_dict(next(c for c in CASES if c["id"] == case_id)["situation"])


def test_the_two_founding_cases() -> None:
    car = assess(_case("car-appeal-it"))
    assert car.verdict == "transactional" and car.risk > 0.9
    assert any("datemi" in r for r in car.reasons)
    assert "rispondi con lo stesso tono; non premiare la richiesta in pubblico" in car.advice
    flowers = assess(_case("florist-ff-it"))
    assert flowers.verdict == "genuine" and flowers.risk < 0.1
    assert any("#ff" in r for r in flowers.reasons)


def test_reasons_and_advice_come_in_the_situations_language() -> None:
    en = assess(_case("car-appeal-en"))
    assert "answer in kind; do not reward the ask in public" in en.advice
    assert any(r.startswith("solicited") for r in en.reasons)
    it = assess(_case("car-appeal-it"))
    assert any(r.startswith("sollecitato") for r in it.reasons)


def test_a_reply_that_promises_a_car_is_judged_as_a_gift() -> None:
    a = explain(_case("reply-promising-car-en"))
    assert a.reading.kind == "gift"
    assert a.verdict.reasons[0].startswith("the reply promises something")


def test_the_value_is_inferred_from_what_was_asked_for() -> None:
    a = explain(situation_from_dict({
        "brand": {"name": "Minicar", "handle": "minicar"},
        "post": {"text": "@minicar datemi una macchina", "author": {"handle": "x"}},
        "action": {"kind": "gift"}}))
    assert a.reading.valuation.source == "asked" and a.reading.valuation.eur == 15000


def test_a_handle_or_a_link_is_not_an_item_asked_for() -> None:
    """"@fiori.bsky.social mi prestate un furgone?" does not ask for flowers: the brand's handle
    (or a link, an author's handle) names no item; what was asked for is unknown here."""
    for text in ("@fiori.bsky.social mi prestate un furgone?",
                 "@tv-auto.bsky.social datemi un furgone https://example.com/bike"):
        a = explain(situation_from_dict({
            "brand": {"name": "Fiori", "handle": "fiori.bsky.social"},
            "post": {"text": text, "author": {"handle": "x"}},
            "action": {"kind": "gift"}}))
        assert a.reading.valuation.source == "default", (text, a.reading.valuation)


def _with(s: Situation, **changes: Any) -> Situation:
    data = msgspec.to_builtins(s)
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return situation_from_dict(data)


def test_config_partners_mark_the_author_unless_the_caller_said() -> None:
    s = _case("partner-unlabelled-repost-it")
    unknown = _with(s, context__partner=None)
    assert assess(unknown).verdict == "genuine"
    marked = with_known_partners(unknown, ("@Chiara_Eats",))
    assert marked.context.partner is True
    assert assess(marked).verdict == "transactional"
    said_no = _with(s, context__partner=False)
    assert with_known_partners(said_no, ("chiara_eats",)).context.partner is False


def test_weights_load_from_desk_realness_and_reject_unknown_keys() -> None:
    w = realness_weights_from_config({"desk": {"realness": {"pressure": 1.5, "bias": -2.0}}})
    assert w.pressure == 1.5 and w.bias == -2.0 and w.remedy == RealnessWeights().remedy
    assert realness_weights_from_config({}) == RealnessWeights()
    with pytest.raises(ConfigError, match="presure"):
        realness_weights_from_config({"desk": {"realness": {"presure": 1.0}}})
    with pytest.raises(ConfigError, match="transactional_at"):
        realness_weights_from_config({"desk": {"realness": {"transactional_at": 1.5}}})


def test_weights_change_the_verdict_as_documented() -> None:
    lenient = RealnessWeights(transactional_at=0.95)
    assert assess(_case("tickets-invite-appeal-en"), lenient).verdict == "genuine"


def test_bad_situations_are_refused_with_a_reason() -> None:
    ok = msgspec.to_builtins(_case("like-on-praise-en"))
    with pytest.raises(DeskError, match="brand"):
        situation_from_dict({**ok, "brand": {}})
    with pytest.raises(DeskError, match="value_eur"):
        situation_from_dict({**ok, "action": {"kind": "gift", "value_eur": -5}})
    with pytest.raises(DeskError, match="kind"):
        situation_from_dict({**ok, "action": {"kind": "bribe"}})
    with pytest.raises(DeskError, match="reach_percentile"):
        situation_from_dict({**ok, "context": {"reach_percentile": 3}})


KINDS = ["reply", "like", "repost", "gift", "discount", "invite", "dm"]
TEXTS = ["datemi una macchina @b", "love you @b", "my order is broken @b", "can you send me a phone?",
         "#FF @b benvenuti", "voglio un risarcimento @b", "<b>hi</b>", "", "Unboxing #adv", "?"]
situations = st.builds(
    lambda text, kind, atext, public, value, followers, posts, partner, n_amp: situation_from_dict({
        "brand": {"name": "B", "handle": "b"},
        "post": {"text": text, "author": {"handle": "a", "followers": followers}},
        "action": {"kind": kind, "text": atext, "public": public, "value_eur": value},
        "context": {"author_posts_about_brand": posts, "partner": partner,
                    "amplifiers": [{"handle": f"h{i}", "followers": 10 ** (i % 7),
                                    "close_to_author": i % 3 == 0} for i in range(n_amp)]},
    }),
    st.sampled_from(TEXTS) | st.text(max_size=200), st.sampled_from(KINDS),
    st.sampled_from(["", "we'll send you a gift", "ci dispiace, rimborso", "#suppliedby"]),
    st.none() | st.booleans(), st.none() | st.floats(0, 1e6), st.none() | st.integers(0, 10**8),
    st.none() | st.integers(0, 500), st.none() | st.booleans(), st.integers(0, 30),
)


@settings(max_examples=150, deadline=None)
@given(situations)
def test_any_situation_gets_a_consistent_verdict(s: Situation) -> None:
    a = explain(s)
    v = a.verdict
    assert 0.0 <= v.risk <= 1.0 and v.reasons and v.advice
    assert (v.verdict == "transactional") == (v.risk >= RealnessWeights().transactional_at)
    assert explain(s).verdict == v  # deterministic


@settings(max_examples=100, deadline=None)
@given(situations)
def test_declaring_never_raises_the_risk(s: Situation) -> None:
    declared = _with(s, action__text=s.action.text + " #suppliedby")
    assert assess(declared).risk <= assess(s).risk + 1e-9


@settings(max_examples=100, deadline=None)
@given(situations)
def test_going_public_never_lowers_the_risk(s: Situation) -> None:
    private = _with(s, action__public=False)
    public = _with(s, action__public=True)
    assert assess(public).risk >= assess(private).risk - 1e-9


def test_language_is_guessed_from_words_not_handles() -> None:
    from reale.desk.cues import guess_language

    assert guess_language("@minicar_it datemi una macchina!") == "it"
    assert guess_language("@brand_it can you send me a car? https://t.co/x #it") == "en"


def test_every_weight_is_documented() -> None:
    import reale.desk.aftermath_rules as ar
    import reale.desk.opportunity_rules as orules

    docs = Path(__file__).resolve().parent.parent / "docs"
    realness = (docs / "realness.md").read_text(encoding="utf-8")
    desk = (docs / "desk.md").read_text(encoding="utf-8")
    for name in RealnessWeights.__struct_fields__:
        assert name in realness, name
    for cls in (orules.DeskWeights, orules.ResponseTargets, ar.AftermathParams):
        for name in cls.__struct_fields__:
            assert f"{name} =" in desk, (cls.__name__, name)
