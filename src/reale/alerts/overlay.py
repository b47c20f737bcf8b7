"""Alert rules edited in the web desk, laid over the config's: pure functions from the config's
rules and the desk's edits (rows of ``alert_rules``) to the rules in force, each with where it came
from. The desk's edit of a config rule wins until an admin reverts it (see docs/alerts.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec

from reale.alerts.config import AlertsConfig, RuleConfig, _check_rule, _unique
from reale.alerts.model import ALERT_KINDS, SEVERITIES
from reale.errors import ConfigError

Origin = Literal["config", "desk"]
Source = Literal["config", "config, edited in the desk", "desk"]
EDITABLE = ("channels", "brands", "kinds", "min_severity", "min_score", "quiet_hours", "timezone",
            "urgent_severity", "digest_minutes", "digest_max_items")
MAX_DIGEST_ITEMS = 100  # the most items the desk lets one digest show
_ENC = msgspec.json.Encoder()


class RuleEdit(msgspec.Struct, frozen=True, kw_only=True):
    """One stored desk edit. ``origin`` is "config" when it edits (or disables) a config rule of
    that name, "desk" for a rule made in the desk. ``rule`` is None for a config rule only
    disabled or enabled (its definition stays the config's). ``base`` is the config rule as it
    was when edited (JSON), to tell when the config changed under the edit."""

    name: str
    origin: Origin
    rule: RuleConfig | None = None
    disabled: bool = False
    base: str = ""
    by: str = ""
    at: float = 0.0


class RuleView(msgspec.Struct, frozen=True, kw_only=True):
    """A rule as the desk lists it: in force unless ``disabled`` or ``problem`` is set."""

    rule: RuleConfig
    source: Source
    disabled: bool = False
    config_changed: bool = False  # the config's rule is no longer what was edited
    problem: str = ""  # why it cannot be applied (a channel no longer configured…)
    problem_code: str = ""  # the same, as a code for the desk's words (``rule.channel_gone``…)
    by: str = ""
    at: float = 0.0

    @property
    def active(self) -> bool:
        return not self.disabled and not self.problem


def rule_json(rule: RuleConfig) -> str:
    return _ENC.encode(rule).decode("utf-8")


def _problem(rule: RuleConfig, channels: set[str]) -> str:
    gone = [c for c in rule.channels if c not in channels]
    return f"channel {', '.join(gone)} is not configured any more" if gone else ""


def _problem_code(rule: RuleConfig, channels: set[str]) -> str:
    return "rule.channel_gone" if _problem(rule, channels) else ""


def views(cfg: AlertsConfig, edits: Sequence[RuleEdit], order: Sequence[str] = ()
          ) -> list[RuleView]:
    """Every rule in the order that decides (the first rule taking an alert for a channel says
    how it goes there): ``order``, the names as an admin arranged them, first; then the rules it
    does not name in the default order, config rules (config order) then the desk's (edit
    order). An edit of a config rule the config no longer has is listed with a problem, not
    applied."""
    listed = _default_views(cfg, edits)
    if not order:
        return listed
    place = {name: i for i, name in enumerate(order)}
    return sorted(listed, key=lambda v: place.get(v.rule.name, len(place)))  # stable


def _default_views(cfg: AlertsConfig, edits: Sequence[RuleEdit]) -> list[RuleView]:
    by_name = {e.name: e for e in edits}
    channels = {c.name for c in cfg.channels}
    out: list[RuleView] = []
    for rule in cfg.rules:
        edit = by_name.get(rule.name)
        if edit is None:
            out.append(RuleView(rule=rule, source="config"))
            continue
        chosen = edit.rule or rule
        out.append(RuleView(rule=chosen, source="config, edited in the desk" if edit.rule
                            else "config", disabled=edit.disabled,
                            config_changed=bool(edit.base) and edit.base != rule_json(rule),
                            problem=_problem(chosen, channels),
                            problem_code=_problem_code(chosen, channels), by=edit.by, at=edit.at))
    in_config = {r.name for r in cfg.rules}
    for edit in edits:
        if edit.name in in_config:
            continue
        if edit.origin == "config" or edit.rule is None:
            gone = RuleConfig(name=edit.name, channels=edit.rule.channels if edit.rule else ())
            out.append(RuleView(rule=edit.rule or gone, source="config, edited in the desk",
                                disabled=edit.disabled, by=edit.by, at=edit.at,
                                problem="the config has no rule of this name any more",
                                problem_code="rule.config_gone"))
            continue
        out.append(RuleView(rule=edit.rule, source="desk", disabled=edit.disabled,
                            problem=_problem(edit.rule, channels),
                            problem_code=_problem_code(edit.rule, channels), by=edit.by,
                            at=edit.at))
    return out


def effective(cfg: AlertsConfig, edits: Sequence[RuleEdit], order: Sequence[str] = ()
              ) -> AlertsConfig:
    """The config with its rules replaced by those in force, in the desk's order (what the
    dispatcher routes by)."""
    if not edits and not order:
        return cfg
    rules = tuple(v.rule for v in views(cfg, edits, order) if v.active)
    return msgspec.structs.replace(cfg, rules=rules)


# -- validating what the desk sends ---------------------------------------------------------------
def _items(value: Any) -> list[str]:
    """A list field from a form (``a, b``), a JSON body (a list, or its JSON text) or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except (ValueError, RecursionError):  # RecursionError: nested too deeply
                raise ConfigError(f"{text[:80]!r} is not a JSON list", code="rule.json_list",
                                  values={"text": repr(text[:80])}) from None
        else:
            return [p.strip() for p in text.split(",") if p.strip()]
    if not isinstance(value, list):
        raise ConfigError("expected a list of names", code="rule.list")
    return [str(v).strip() for v in value if str(v).strip()]


def _number(form: Mapping[str, Any], key: str, default: Any, low: float, high: float) -> Any:
    raw = form.get(key)
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "null")):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a number, got {str(raw)[:40]!r}", code="rule.number",
                          values={"field": key, "got": repr(str(raw)[:40])}) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(f"{key} must be between {low:g} and {high:g}, got {str(raw)[:40]!r}",
                          code="rule.range", values={"field": key, "low": f"{low:g}",
                                                     "high": f"{high:g}",
                                                     "got": repr(str(raw)[:40])})
    return value


def _choice(form: Mapping[str, Any], key: str, default: str, allowed: Sequence[str]) -> str:
    value = str(form.get(key) or default).strip()
    if value not in allowed:
        raise ConfigError(f"{key} must be one of {', '.join(allowed)}, got {value[:40]!r}",
                          code="rule.choice", values={"field": key, "allowed": ", ".join(allowed),
                                                      "got": repr(value[:40])})
    return value


def rule_from_form(form: Mapping[str, Any], cfg: AlertsConfig, brands: Sequence[str], *,
                   name: str, base: RuleConfig | None = None) -> RuleConfig:
    """A checked :class:`RuleConfig` from the desk's form (or JSON body); ``base`` gives the
    fields the desk does not edit (and the defaults of an edit). Errors name the field."""
    _unique("rule", "rule", [name])
    start = base or RuleConfig(name=name, channels=())
    channels = _items(form["channels"]) if "channels" in form else list(start.channels)
    known = [c.name for c in cfg.channels]
    for ch in channels:
        if ch not in known:
            raise ConfigError(f"channel {ch!r} is not configured (channels: "
                              f"{', '.join(known) or 'none; add [[alerts.channels]] to reale.toml'})",
                              code="rule.channel" if known else "rule.no_channels",
                              values={"channel": repr(ch), "known": ", ".join(known)})
    wanted = _items(form["brands"]) if "brands" in form else list(start.brands)
    for b in wanted:
        if b != "*" and b not in brands:
            raise ConfigError(f"brand {b!r} is not in reale.toml (brands: {', '.join(brands)}; "
                              "* for every brand)", code="rule.brand",
                              values={"brand": repr(b), "known": ", ".join(brands)})
    kinds = _items(form["kinds"]) if "kinds" in form else list(start.kinds)
    for k in kinds:
        if k not in ALERT_KINDS:
            raise ConfigError(f"kind {k!r} is not one of {', '.join(ALERT_KINDS)}",
                              code="rule.kind",
                              values={"kind": repr(k), "allowed": ", ".join(ALERT_KINDS)})
    digest = _number(form, "digest_minutes", start.digest_minutes, 0, 1440)
    items = _number(form, "digest_max_items", start.digest_max_items, 1, MAX_DIGEST_ITEMS)
    fields: dict[str, Any] = {
        **msgspec.structs.asdict(start), "name": name, "channels": tuple(channels),
        "brands": tuple(wanted) or ("*",), "kinds": tuple(kinds),
        "min_severity": _choice(form, "min_severity", start.min_severity, SEVERITIES),
        "urgent_severity": _choice(form, "urgent_severity", start.urgent_severity, SEVERITIES),
        "min_score": _number(form, "min_score", start.min_score if "min_score" not in form
                             else None, 0.0, 1.0),
        "quiet_hours": str(form.get("quiet_hours", start.quiet_hours)).strip(),
        "timezone": str(form.get("timezone", start.timezone)).strip(),
        "digest_minutes": int(digest), "digest_max_items": int(items),
    }
    for key, value in (("digest_minutes", digest), ("digest_max_items", items)):
        if value != int(value):
            raise ConfigError(f"{key} must be a whole number, got {value!r}", code="rule.whole",
                              values={"field": key, "got": repr(value)})
    rule = msgspec.convert(fields, RuleConfig)
    _check_rule(f"rule {name!r}", rule, set(known))
    return rule


def moved(names: Sequence[str], name: str, step: int) -> list[str]:
    """``names`` with ``name`` moved ``step`` places (-1 up, +1 down), kept within the list."""
    out = list(names)
    at = out.index(name)
    to = min(max(at + step, 0), len(out) - 1)
    out.insert(to, out.pop(at))
    return out


__all__ = ["EDITABLE", "RuleEdit", "RuleView", "effective", "moved", "rule_from_form",
           "rule_json", "views"]
