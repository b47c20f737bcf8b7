"""The ``[alerts]`` section: parsed from TOML into frozen structs, refused with an error that
names the key, documented key by key, and written back (TOML and JSON) without loss."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reale.alerts.config import AlertsConfig, ChannelConfig, RuleConfig, parse_alerts_config
from reale.alerts.serialise import alerts_from_json, alerts_to_json, alerts_to_toml
from reale.config import parse_config
from reale.errors import ConfigError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "alerts.md"

EXAMPLE = """
[alerts]
desk_url = "https://desk.example.org"
timezone = "Europe/Rome"

[[alerts.channels]]
name = "social-team"
kind = "slack"
url_env = "REALE_SLACK_WEBHOOK"

[[alerts.channels]]
name = "ops"
kind = "webhook"
url = "https://ops.example.org/reale"
secret_env = "REALE_OPS_SECRET"

[[alerts.channels]]
name = "mail"
kind = "email"
smtp_host = "smtp.example.org"
from = "reale@example.org"
to = ["social@example.org"]
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"

[[alerts.rules]]
name = "acme-opportunities"
brands = ["Acme"]
kinds = ["opportunity"]
min_score = 0.7
channels = ["social-team", "mail"]
quiet_hours = "22:00-07:00"
digest_minutes = 15
"""


def parsed(text: str = EXAMPLE) -> AlertsConfig:
    return parse_alerts_config(parse_config(text).extra["alerts"])


def test_the_example_section_becomes_frozen_structs() -> None:
    cfg = parsed()
    assert cfg.timezone == "Europe/Rome"
    assert [c.kind for c in cfg.channels] == ["slack", "webhook", "email"]
    assert cfg.channel("mail").sender == "reale@example.org"  # the TOML key is `from`
    rule = cfg.rules[0]
    assert rule.channels == ("social-team", "mail") and rule.min_score == 0.7
    assert rule.min_severity == "low" and rule.urgent_severity == "urgent"  # defaults
    with pytest.raises(AttributeError):
        rule.name = "other"  # type: ignore[misc]


def test_no_section_means_no_alerts() -> None:
    assert parse_alerts_config(None) == AlertsConfig()


@pytest.mark.parametrize(("change", "message"), [
    ('kind = "slack"', "Invalid enum value 'sms'"),
    ('url_env = "REALE_SLACK_WEBHOOK"', "needs one of url, url_env, url_file"),
    ('channels = ["social-team", "mail"]', "channel 'nowhere' is not defined"),
    ('quiet_hours = "22:00-07:00"', "not HH:MM-HH:MM"),
    ('timezone = "Europe/Rome"', "unknown timezone 'Mars/Olympus'"),
    ('min_score = 0.7', "unknown field `min_scor`"),
    ('digest_minutes = 15', "digest_minutes must be between 0"),
    ('secret_env = "REALE_OPS_SECRET"', "needs one of secret_env, secret_file"),
    ('to = ["social@example.org"]', 'needs from = "…" and to'),
])
def test_mistakes_are_refused_with_the_key_named(change: str, message: str) -> None:
    broken = {
        'kind = "slack"': 'kind = "sms"',
        'url_env = "REALE_SLACK_WEBHOOK"': "",
        'channels = ["social-team", "mail"]': 'channels = ["nowhere"]',
        'quiet_hours = "22:00-07:00"': 'quiet_hours = "late"',
        'timezone = "Europe/Rome"': 'timezone = "Mars/Olympus"',
        'min_score = 0.7': 'min_scor = 0.7',
        'digest_minutes = 15': 'digest_minutes = 5000',
        'secret_env = "REALE_OPS_SECRET"': "",
        'to = ["social@example.org"]': "",
    }[change]
    with pytest.raises(ConfigError, match=re.escape(message)):
        parsed(EXAMPLE.replace(change, broken, 1))


def test_type_errors_point_at_the_table_and_key() -> None:
    with pytest.raises(ConfigError, match=r"alerts\.channels\[1\]\.timeout"):
        parse_alerts_config({"channels": [
            {"name": "a", "kind": "webhook", "url": "http://x", "secret_env": "S"},
            {"name": "b", "kind": "webhook", "url": "http://x", "secret_env": "S", "timeout": "fast"}]})


def test_duplicate_names_and_odd_names_are_refused() -> None:
    ch = {"name": "a", "kind": "slack", "url": "https://hooks.example/x"}
    with pytest.raises(ConfigError, match="two channels are named 'a'"):
        parse_alerts_config({"channels": [ch, ch]})
    with pytest.raises(ConfigError, match="must be 1-64 letters"):
        parse_alerts_config({"channels": [{**ch, "name": "bad name/../"}]})


def test_every_key_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    keys = set(AlertsConfig.__struct_fields__) | set(RuleConfig.__struct_fields__)
    keys |= {f for f in ChannelConfig.__struct_fields__ if f != "sender"} | {"from"}
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"undocumented [alerts] keys: {missing}"


def test_rules_round_trip_through_toml_and_json() -> None:
    cfg = parsed()
    text = alerts_to_toml(cfg)
    assert parse_alerts_config(tomllib.loads(text)["alerts"]) == cfg
    assert alerts_from_json(alerts_to_json(cfg)) == cfg
    assert 'from = "reale@example.org"' in text and "smtp_port" not in text  # defaults left out


def test_bad_json_from_the_desk_gets_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="not valid JSON"):
        alerts_from_json("{rules: [")


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(brands=st.lists(names, min_size=1, max_size=3), window=st.sampled_from(["", "22:00-07:00", "9:15-9:45"]),
       score=st.none() | st.floats(-5, 5), url=names)
def test_any_rule_text_survives_the_round_trip(brands: list[str], window: str, score: float | None,
                                               url: str) -> None:
    cfg = parse_alerts_config({
        "channels": [{"name": "c", "kind": "slack", "url": "https://h.example/" + url}],
        "rules": [{"name": "r", "channels": ["c"], "brands": brands, "quiet_hours": window,
                   "min_score": score}]})
    assert parse_alerts_config(tomllib.loads(alerts_to_toml(cfg))["alerts"]) == cfg


def test_the_commented_example_in_examples_reale_toml_parses() -> None:
    text = (DOCS.parent.parent / "examples" / "reale.toml").read_text(encoding="utf-8")
    block = text[text.index("# [alerts]"):]
    uncommented = "\n".join(line.removeprefix("# ").removeprefix("#") for line in block.splitlines())
    cfg = parse_alerts_config(tomllib.loads(uncommented)["alerts"])
    assert [r.name for r in cfg.rules] == ["now", "hourly-moments"]
