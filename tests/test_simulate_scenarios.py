"""Scripted scenarios land in the stream as real-looking posts, with the right brand, language
and kind, and with ground truth that points at the very events emitted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reale.errors import ConfigError
from reale.simulate import SCENARIOS, ScenarioTruth, Simulator, parse_selection

EXPECTED = {  # scenario: (kind, brand, safety)
    "car": ("appeal", "Volta", ""),
    "florist": ("praise", "Fiorella", ""),
    "blackout": ("moment", "", "safe"),
    "earthquake": ("moment", "", "tragic"),
    "complaint": ("complaint", "Mela", ""),
    "delivery": ("complaint", "Lampo", ""),
}


def _play(name: str, lang: str | None) -> tuple[ScenarioTruth, dict[str, dict[str, Any]], Simulator]:
    """Run one scenario (fast-forwarded) to its end; records by URI."""
    sim = Simulator(seed=21, authors=2500, rate=200)
    truth = sim.add_scenario(name, at=20, lang=lang, speed=40)
    end = max(e.time for e in truth.events) - sim.config.start + 1
    records = {}
    for line in sim.take(duration=end):
        event = json.loads(line)
        commit = event.get("commit")
        if commit and commit["operation"] == "create":
            records[f"at://{event['did']}/{commit['collection']}/{commit['rkey']}"] = commit["record"]
    return truth, records, sim


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_scenario_emits_its_story_with_brand_language_and_kind(name: str, lang: str) -> None:
    truth, records, sim = _play(name, lang)
    kind, brand, safety = EXPECTED[name]
    assert (truth.kind, truth.brand, truth.safety, truth.lang) == (kind, brand, safety, lang)
    assert all(e.uri in records for e in truth.events)  # every scripted event was emitted
    root = records[truth.root_uri]
    assert root["langs"] == [lang]
    if brand:
        handle = sim.profile(truth.brand_handle)
        assert handle is not None
        assert "@" + truth.brand_handle in root["text"]
        mentioned = [f["features"][0].get("did") for f in root.get("facets", [])]
        assert handle["did"] in mentioned  # the mention facet resolves to the brand's account
    else:
        assert any(t in root["text"] for t in truth.hashtags)
    posts = [e for e in truth.events if e.kind in ("post", "reply", "quote")]
    assert all(records[e.uri]["text"] == e.text for e in posts)
    assert sum(e.lang == lang for e in posts) > 0.6 * len(posts)


def test_the_car_appeal_is_amplified_by_friends_first_then_a_hashtag_crowd() -> None:
    truth, records, _ = _play("car", "it")
    author = truth.author
    friends = set(truth.friends)
    history = [e for e in truth.events if e.role == "history"]
    assert history and max(e.time for e in history) < truth.onset
    assert {e.author for e in history if e.author != author} == friends  # they talked before
    assert truth.author_followers == 152_000
    tag = truth.hashtags[0]
    assert tag == "#UnaVoltaPerMatteo"
    crowd_posts = [e for e in truth.events if e.role == "crowd" and e.kind == "post"]
    assert len(crowd_posts) >= 50 and all(tag in records[e.uri]["text"] for e in crowd_posts)
    first_friend = min(e.time for e in truth.events if e.role == "friend")
    assert first_friend < min(e.time for e in crowd_posts)
    assert not friends & {e.author for e in crowd_posts}


def test_the_florist_greeting_is_spontaneous_and_on_the_brands_first_day() -> None:
    truth, records, sim = _play("florist", "it")
    assert truth.spontaneous and 200 <= truth.author_followers <= 400
    first = next(e for e in truth.events if e.role == "brand_first_post")
    brand = sim.profile(truth.brand_handle)
    assert brand is not None and first.author == brand["did"]
    assert first.time < truth.onset
    assert brand["createdAt"][:10] == records[truth.root_uri]["createdAt"][:10]  # joined that day
    assert "#followfriday" in records[truth.root_uri]["text"]


def test_moments_flood_the_stream_after_the_onset() -> None:
    truth, _, _ = _play("blackout", "it")
    crowd = [e for e in truth.events if e.role == "crowd" and e.kind == "post"]
    before = [e for e in truth.events if e.role == "before"]
    assert len(crowd) >= 500 and all(e.time >= truth.onset for e in crowd)
    assert sum("#blackout" in e.text for e in crowd) > 0.7 * len(crowd)
    assert before and all(e.time < truth.onset for e in before)
    assert {e.lang for e in crowd} == {"it", "en"}  # mostly Italian, some English


def test_truth_only_reports_what_was_emitted() -> None:
    sim = Simulator(seed=1, authors=1500, rate=200)
    sim.add_scenario("complaint", at=30)
    list(sim.take(duration=10))
    assert sim.truth().scenarios[0].events == []
    list(sim.take(duration=60))
    assert sim.truth().scenarios[0].events


def test_scenario_selection_syntax() -> None:
    assert [s.name for s in parse_selection("all")] == list(SCENARIOS)
    assert parse_selection("car:en@45, florist") == [("car", "en", 45.0), ("florist", None, None)]
    with pytest.raises(ConfigError, match="unknown scenario 'cars'"):
        parse_selection("cars")


def test_scenarios_must_be_added_before_the_stream_starts() -> None:
    sim = Simulator(seed=1, authors=500)
    next(sim.lines())
    with pytest.raises(ConfigError, match="before the stream starts"):
        sim.add_scenario("car")
