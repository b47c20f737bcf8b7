"""Which channels an alert goes to, and whether it goes now or waits (quiet hours, digest).
Pure: the alert, the rules and the time in; routes out.

A channel receives an alert once even when several rules send it there: the first matching rule
(in config order) decides how.
"""

from __future__ import annotations

import msgspec

from reale.alerts.config import AlertsConfig, RuleConfig
from reale.alerts.model import Alert, severity_rank
from reale.alerts.quiet import next_digest_at, parse_window, quiet_until, zone


class Route(msgspec.Struct, frozen=True):
    """Deliver to ``channel`` under ``rule``; ``hold_until`` is set when it must wait."""

    rule: RuleConfig
    channel: str
    hold_until: float | None = None


def matches(rule: RuleConfig, alert: Alert) -> bool:
    """Does ``rule`` take ``alert``? (brand, kind, minimum severity, minimum score)"""
    if "*" not in rule.brands and alert.brand not in rule.brands:
        return False
    if alert.kind not in rule.kinds:
        return False
    if severity_rank(alert.severity) < severity_rank(rule.min_severity):
        return False
    # min_score concerns alerts that carry a score (opportunities); others pass on severity.
    return rule.min_score is None or alert.score is None or alert.score >= rule.min_score


def hold_until(rule: RuleConfig, alert: Alert, now: float, default_tz: str) -> float | None:
    """When an alert this rule takes may go: ``None`` for now, else the release time."""
    if severity_rank(alert.severity) >= severity_rank(rule.urgent_severity):
        return None  # urgent: through quiet hours and past the digest
    if rule.quiet_hours:
        tz = zone(rule.timezone or default_tz)
        until = quiet_until(now, parse_window(rule.quiet_hours), tz)
        if until is not None:
            return until  # what waited is released together, as one digest, when quiet ends
    if rule.digest_minutes:
        return next_digest_at(now, rule.digest_minutes)
    return None


def route(alert: Alert, cfg: AlertsConfig, now: float) -> list[Route]:
    """Every (rule, channel) the alert goes to, one per channel, in config order."""
    if not cfg.enabled:
        return []
    seen: set[str] = set()
    out: list[Route] = []
    for rule in cfg.rules:
        if not matches(rule, alert):
            continue
        hold = hold_until(rule, alert, now, cfg.timezone)
        for channel in rule.channels:
            if channel not in seen:
                seen.add(channel)
                out.append(Route(rule, channel, hold))
    return out


__all__ = ["Route", "hold_until", "matches", "route"]
