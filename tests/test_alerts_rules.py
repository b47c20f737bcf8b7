"""Rules decide which channels an alert reaches and when: brand, kind, severity and score;
quiet hours in the rule's timezone with an urgent override; digests on fixed boundaries;
one delivery per channel even when several rules match."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reale.alerts.dedup import Earlier, decide
from reale.alerts.quiet import next_digest_at, parse_window, quiet_until, zone
from reale.alerts.routing import route
from reale.errors import ConfigError
from tests.alerts_helpers import T0, alert, config

ROME = ZoneInfo("Europe/Rome")


def at(text: str, tz: ZoneInfo = ROME) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=tz).timestamp()


CHANNELS = [{"name": n, "kind": "slack", "url": f"https://hooks.example/{n}"} for n in ("a", "b", "c")]


def test_a_rule_filters_on_brand_kind_severity_and_score() -> None:
    cfg = config(CHANNELS, [{"name": "opps", "channels": ["a"], "brands": ["Acme"],
                             "kinds": ["opportunity"], "min_severity": "medium", "min_score": 0.7}])
    assert [r.channel for r in route(alert(1, score=0.9), cfg, T0)] == ["a"]
    assert route(alert(2, brand="Other"), cfg, T0) == []
    assert route(alert(3, kind="moment"), cfg, T0) == []
    assert route(alert(4, severity="low"), cfg, T0) == []
    assert route(alert(5, score=0.5), cfg, T0) == []


def test_min_score_leaves_alerts_without_a_score_to_the_severity() -> None:
    cfg = config(CHANNELS, [{"name": "r", "channels": ["a"], "min_score": 0.7}])
    assert route(alert(1, kind="backlash", score=None), cfg, T0)


def test_source_alerts_have_no_brand_and_reach_rules_for_every_brand() -> None:
    cfg = config(CHANNELS, [{"name": "acme", "channels": ["a"], "brands": ["Acme"]},
                            {"name": "all", "channels": ["b"]}])
    assert [r.channel for r in route(alert(1, brand="", kind="source"), cfg, T0)] == ["b"]


def test_a_channel_gets_an_alert_once_and_the_first_rule_decides_how() -> None:
    cfg = config(CHANNELS, [{"name": "first", "channels": ["a"], "digest_minutes": 10},
                            {"name": "second", "channels": ["a", "b"]}])
    routes = route(alert(1, severity="high"), cfg, T0 + 30)
    assert [(r.rule.name, r.channel) for r in routes] == [("first", "a"), ("second", "b")]
    assert routes[0].hold_until == T0 + 600 and routes[1].hold_until is None


def test_quiet_hours_hold_alerts_until_morning_in_the_rules_timezone() -> None:
    cfg = config(CHANNELS, [{"name": "r", "channels": ["a"], "quiet_hours": "22:00-07:00",
                             "timezone": "Europe/Rome"}])
    night = at("2026-03-02T23:30:00")
    [r] = route(alert(1, severity="high"), cfg, night)
    assert r.hold_until == at("2026-03-03T07:00:00")
    [r] = route(alert(2, severity="high"), cfg, at("2026-03-03T06:59:00"))
    assert r.hold_until == at("2026-03-03T07:00:00")
    [r] = route(alert(3, severity="high"), cfg, at("2026-03-03T07:00:00"))
    assert r.hold_until is None


def test_urgent_alerts_go_through_quiet_hours_and_past_the_digest() -> None:
    cfg = config(CHANNELS, [{"name": "r", "channels": ["a"], "quiet_hours": "22:00-07:00",
                             "urgent_severity": "high", "digest_minutes": 15}],
                 timezone="Europe/Rome")
    night = at("2026-03-02T23:30:00")
    assert route(alert(1, severity="high"), cfg, night)[0].hold_until is None
    assert route(alert(2, severity="medium"), cfg, night)[0].hold_until == at("2026-03-03T07:00:00")


def test_quiet_hours_follow_daylight_saving_time() -> None:
    # Rome moves to summer time on 2026-03-29: 07:00 local is 06:00 UTC before, 05:00 after.
    window = parse_window("22:00-07:00")
    assert quiet_until(at("2026-03-28T23:00:00"), window, ROME) == at("2026-03-29T07:00:00")
    assert datetime.fromtimestamp(at("2026-03-29T07:00:00"), ZoneInfo("UTC")).hour == 5


def test_a_daytime_window_and_bad_windows() -> None:
    window = parse_window("12:00-14:00")
    assert quiet_until(at("2026-03-02T13:00:00"), window, ROME) == at("2026-03-02T14:00:00")
    assert quiet_until(at("2026-03-02T15:00:00"), window, ROME) is None
    for bad in ("25:00-07:00", "22-07", "07:00-07:00"):
        with pytest.raises(ConfigError):
            parse_window(bad)
    with pytest.raises(ConfigError, match="IANA"):
        zone("Europe/Atlantis")


def test_digests_fall_on_fixed_boundaries() -> None:
    assert next_digest_at(T0, 15) == T0 + 900
    assert next_digest_at(T0 + 899.9, 15) == T0 + 900


def earlier(*rows: tuple[str, str, str, int, float | None]) -> list[Earlier]:
    return [Earlier(i, *r) for i, r in enumerate(rows, 1)]


def test_dedup_one_alert_per_key_updates_when_it_grows() -> None:
    rule = config(CHANNELS, [{"name": "r", "channels": ["a"], "max_updates": 1}]).rules[0]
    sent = earlier(("a00001", "sent", "alert.created", 2, 0.8))
    assert decide([], alert(1), rule) == "new"
    assert decide(sent, alert(2, severity="high", score=0.85), rule) == "duplicate"  # same story
    assert decide(sent, alert(2, severity="urgent"), rule) == "update"  # severity rose
    assert decide(sent, alert(2, severity="high", score=0.95), rule) == "update"  # score +0.15
    updated = [*sent, Earlier(2, "a00002", "sent", "alert.updated", 3, 0.95)]
    assert decide(updated, alert(3, severity="urgent", score=1.0), rule) == "duplicate"  # max 1
    resubmitted = alert(1, severity="urgent")  # the very alert already sent, submitted again
    assert decide(sent, resubmitted, rule) == "duplicate"


def test_dedup_replaces_an_alert_nobody_has_seen_yet() -> None:
    rule = config(CHANNELS, [{"name": "r", "channels": ["a"]}]).rules[0]
    assert decide(earlier(("a1", "held", "alert.created", 2, 0.8)), alert(2), rule) == "replace"
    assert decide(earlier(("a1", "dead", "alert.created", 2, 0.8)), alert(2), rule) == "new"
