"""Alert rules edited in the desk lay over the config's: an edit of a config rule wins until it
is reverted (and says when the config changed under it), a disabled rule routes nothing, a desk
rule is added after the config's, and a rule whose channel left the config is shown, not applied.
What the desk sends is checked field by field with messages that name the field."""

from __future__ import annotations

import msgspec
import pytest

from reale.alerts.config import RuleConfig
from reale.alerts.overlay import RuleEdit, effective, moved, rule_from_form, rule_json, views
from reale.alerts.routing import route
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.errors import ConfigError
from reale.store import open_store
from tests.alerts_helpers import T0, alert, config

CHANNELS = [{"name": n, "kind": "slack", "url": f"https://hooks.example/{n}"} for n in ("ops", "pr")]
CFG = config(CHANNELS, [{"name": "opps", "channels": ["ops"], "kinds": ["opportunity"],
                         "min_score": 0.8},
                        {"name": "moments", "channels": ["pr"], "kinds": ["moment"]}])
BRANDS = ["Acme", "Fiori"]


def rule(name: str, **kw: object) -> RuleConfig:
    return msgspec.convert({"name": name, "channels": ["ops"], **kw}, RuleConfig)


def channels_for(cfg: object, a: object) -> list[str]:
    return [r.channel for r in route(a, cfg, T0)]  # type: ignore[arg-type]


def test_without_edits_the_config_rules_are_in_force_as_they_are() -> None:
    assert effective(CFG, []) is CFG
    assert [(v.rule.name, v.source, v.active) for v in views(CFG, [])] == [
        ("opps", "config", True), ("moments", "config", True)]


def test_a_config_rule_edited_in_the_desk_wins_and_says_so() -> None:
    lower = RuleEdit(name="opps", origin="config", rule=rule("opps", min_score=0.5),
                     base=rule_json(CFG.rules[0]), by="ada", at=T0)
    assert channels_for(CFG, alert(1, score=0.6)) == []
    assert channels_for(effective(CFG, [lower]), alert(1, score=0.6)) == ["ops"]
    view = views(CFG, [lower])[0]
    assert (view.source, view.by, view.config_changed) == ("config, edited in the desk", "ada", False)


def test_the_page_tells_when_the_config_changed_under_an_edit_and_the_edit_still_wins() -> None:
    edit = RuleEdit(name="opps", origin="config", rule=rule("opps", min_score=0.5),
                    base=rule_json(rule("opps", min_score=0.9)))
    view = views(CFG, [edit])[0]
    assert view.config_changed and view.rule.min_score == 0.5


def test_a_disabled_rule_routes_nothing_and_enabling_brings_it_back() -> None:
    off = RuleEdit(name="moments", origin="config", disabled=True)
    assert channels_for(effective(CFG, [off]), alert(1, kind="moment")) == []
    assert views(CFG, [off])[1].source == "config"  # only switched off: still the config's rule
    on = msgspec.structs.replace(off, disabled=False)
    assert channels_for(effective(CFG, [on]), alert(1, kind="moment")) == ["pr"]


def test_a_desk_rule_comes_after_the_config_rules() -> None:
    made = RuleEdit(name="fiori-all", origin="desk", rule=rule("fiori-all", channels=["pr"],
                                                                 brands=["Fiori"]))
    cfg = effective(CFG, [made])
    assert [r.name for r in cfg.rules] == ["opps", "moments", "fiori-all"]
    assert channels_for(cfg, alert(1, brand="Fiori", kind="backlash")) == ["pr"]
    assert views(CFG, [made])[2].source == "desk"


def test_a_rule_whose_channel_left_the_config_is_listed_with_the_reason_and_not_applied() -> None:
    made = RuleEdit(name="gone", origin="desk", rule=rule("gone", channels=["email-team"]))
    view = views(CFG, [made])[2]
    assert not view.active and "email-team" in view.problem
    assert [r.name for r in effective(CFG, [made]).rules] == ["opps", "moments"]


def test_an_edit_of_a_config_rule_removed_from_the_config_is_not_applied() -> None:
    orphan = RuleEdit(name="old", origin="config", rule=rule("old"))
    view = views(CFG, [orphan])[2]
    assert "no rule of this name" in view.problem
    assert "old" not in [r.name for r in effective(CFG, [orphan]).rules]


def test_the_form_keeps_what_it_does_not_name_and_takes_lists_as_text_or_json() -> None:
    base = CFG.rules[0]
    edited = rule_from_form({"min_score": "0.4", "brands": '["Acme"]'}, CFG, BRANDS, name="opps",
                            base=base)
    assert (edited.min_score, edited.brands, edited.channels, edited.kinds) == (
        0.4, ("Acme",), ("ops",), ("opportunity",))
    made = rule_from_form({"channels": "ops, pr", "kinds": "moment,backlash",
                           "quiet_hours": "22:00-07:00", "timezone": "Europe/Rome",
                           "digest_minutes": "15"}, CFG, BRANDS, name="night")
    assert (made.channels, made.kinds, made.quiet_hours, made.digest_minutes) == (
        ("ops", "pr"), ("moment", "backlash"), "22:00-07:00", 15)
    assert rule_from_form({"min_score": ""}, CFG, BRANDS, name="opps", base=base).min_score is None


@pytest.mark.parametrize(("form", "message"), [
    ({"channels": "ops", "min_score": "high"}, "min_score must be a number"),
    ({"channels": "ops", "min_score": "1.5"}, "min_score must be between 0 and 1"),
    ({"channels": "ops", "min_score": "nan"}, "min_score must be between 0 and 1"),
    ({"channels": "pager"}, "channel 'pager' is not configured (channels: ops, pr)"),
    ({"channels": ""}, "a rule needs at least one channel"),
    ({"channels": "ops", "brands": "Nope"}, "brand 'Nope' is not in reale.toml"),
    ({"channels": "ops", "kinds": "tweet"}, "kind 'tweet' is not one of"),
    ({"channels": "ops", "min_severity": "huge"}, "min_severity must be one of low, medium"),
    ({"channels": "ops", "quiet_hours": "late"}, "are not HH:MM-HH:MM"),
    ({"channels": "ops", "timezone": "Mars/Olympus"}, "unknown timezone"),
    ({"channels": "ops", "digest_minutes": "2000"}, "digest_minutes must be between 0 and 1440"),
    ({"channels": "ops", "digest_minutes": "2.5"}, "digest_minutes must be a whole number"),
    ({"channels": "[ops"}, "is not a JSON list"),
])
def test_bad_input_gets_a_message_naming_the_field(form: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rule_from_form(form, CFG, BRANDS, name="r")


def test_a_rule_name_must_be_a_plain_name() -> None:
    with pytest.raises(ConfigError, match="must be 1-64 letters"):
        rule_from_form({"channels": "ops"}, CFG, BRANDS, name="<script>")


def test_live_rules_reread_the_store_only_when_the_interval_has_passed() -> None:
    ticks = [0.0]
    with open_store("sqlite://:memory:") as store:
        rules = RuleStore(store)
        live = LiveRules(CFG, rules, interval=2.0, monotonic=lambda: ticks[0])
        assert live.current().rules == CFG.rules
        rules.put("opps", "config", None, disabled=True, base=CFG.rules[0], by="ada", at=T0,
                  action="disabled")
        ticks[0] = 1.0
        assert [r.name for r in live.current().rules] == ["opps", "moments"]  # not yet re-read
        ticks[0] = 2.5
        assert [r.name for r in live.current().rules] == ["moments"]
        assert [(h.name, h.action, h.by) for h in rules.history()] == [("opps", "disabled", "ada")]


# -- the order an admin arranged -------------------------------------------------------------------
SAME_CHANNEL = config(CHANNELS, [
    {"name": "slow", "channels": ["ops"], "kinds": ["opportunity"], "digest_minutes": 15},
    {"name": "now", "channels": ["ops"], "kinds": ["opportunity"]}])


def test_the_desks_order_decides_which_rule_sends_an_alert_to_a_shared_channel() -> None:
    held = route(alert(1), SAME_CHANNEL, T0)
    assert [(r.rule.name, r.hold_until is not None) for r in held] == [("slow", True)]
    arranged = effective(SAME_CHANNEL, [], ["now", "slow"])
    assert [(r.rule.name, r.hold_until) for r in route(alert(1), arranged, T0)] == [("now", None)]


def test_rules_the_order_does_not_name_come_after_it_in_the_default_order() -> None:
    made = RuleEdit(name="fiori-all", origin="desk", rule=rule("fiori-all", brands=["Fiori"]))
    assert [v.rule.name for v in views(CFG, [made], ["moments"])] == [
        "moments", "opps", "fiori-all"]
    assert [v.rule.name for v in views(CFG, [made], ["fiori-all", "gone", "opps"])] == [
        "fiori-all", "opps", "moments"]  # a name no longer there is ignored


def test_moving_stays_within_the_list() -> None:
    assert moved(["a", "b", "c"], "c", -1) == ["a", "c", "b"]
    assert moved(["a", "b", "c"], "a", +1) == ["b", "a", "c"]
    assert moved(["a", "b", "c"], "a", -1) == ["a", "b", "c"]
    assert moved(["a", "b", "c"], "c", +1) == ["a", "b", "c"]


def test_live_rules_take_a_new_order_up_at_their_next_reread() -> None:
    ticks = [0.0]
    with open_store("sqlite://:memory:") as store:
        rules = RuleStore(store)
        live = LiveRules(SAME_CHANNEL, rules, interval=2.0, monotonic=lambda: ticks[0])
        assert [r.name for r in live.current().rules] == ["slow", "now"]
        rules.reorder(["now", "slow"], moved="now", action="moved up", by="ada", at=T0)
        ticks[0] = 2.5
        assert [r.name for r in live.current().rules] == ["now", "slow"]
        assert rules.order() == ["now", "slow"]
        assert [(h.name, h.action) for h in rules.history()] == [("now", "moved up")]
