"""Digests: many held alerts become one message with the most important first. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from reale.alerts.model import Alert, Message, severity_rank


def importance(alert: Alert) -> tuple[int, float, float]:
    """Sort key: higher severity, then higher score, then older first."""
    return (-severity_rank(alert.severity), -(alert.score or 0.0), alert.created_at)


def build_digest(alerts: Sequence[Alert], *, brand: str, rule: str, max_items: int) -> Message:
    """One ``alert.digest`` message with the top ``max_items`` alerts and a count of the rest."""
    ranked = sorted(alerts, key=importance)
    times = [a.created_at for a in alerts]
    return Message(event="alert.digest", brand=brand, rule=rule,
                   items=tuple(ranked[:max_items]), more=max(0, len(ranked) - max_items),
                   window=(min(times), max(times)) if times else None)


__all__ = ["build_digest", "importance"]
