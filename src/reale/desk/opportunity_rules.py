"""Opportunity weights, thresholds and response-time targets as data (``[desk.weights]`` and
``[desk.targets]``), with the argument for each default in docs/desk.md.
"""

from __future__ import annotations

from typing import Any

import msgspec

from reale.desk.settings import desk_section
from reale.errors import ConfigError

KINDS = ("appeal", "praise", "complaint", "question", "moment")
FEATURES = ("intent", "addressed", "reach", "velocity", "size", "complaint", "negativity", "repeat",
            "moment", "unaddressed")


class DeskWeights(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Log-odds of "worth a person's time", per kind and per feature (features in [0, 1])."""

    bias_appeal: float = -1.0
    bias_praise: float = -2.0
    bias_complaint: float = -0.5
    bias_question: float = -1.0
    bias_moment: float = -1.5
    intent: float = 1.0  # × the upstream intent confidence
    addressed: float = 1.0  # mentions @brand or replies to it
    reach: float = 1.5  # rank among the brand's mentioners, else tier
    velocity: float = 1.0  # reshares per minute now (log, 100/min → 1)
    size: float = 1.0  # predicted final reshares (log, 10,000 → 1)
    complaint: float = 1.0  # × complaint probability
    negativity: float = 0.5  # × how negative the sentiment is
    repeat: float = 1.0  # earlier complaints from this author today (3 → 1)
    moment: float = 1.0  # × the moment's strength
    unaddressed: float = -1.0  # neither addresses nor names the brand (not for a moment)
    complaint_at: float = 0.5  # complaint probability from which a post is a complaint
    min_relevance: float = 0.3  # below: not about the brand, no opportunity
    min_score: float = 0.2  # below: not worth a person's time
    learn_rate: float = 0.1  # feedback: step of the online update
    max_shift: float = 1.0  # feedback: no learned weight moves further than this

    def __post_init__(self) -> None:
        for name in ("complaint_at", "min_relevance", "min_score"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"[desk.weights] {name} must be between 0 and 1")
        if self.learn_rate < 0 or self.max_shift < 0:
            raise ConfigError("[desk.weights] learn_rate and max_shift must be ≥ 0")

    def bias(self, kind: str) -> float:
        return float(getattr(self, f"bias_{kind}"))


class ResponseTargets(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Seconds within which each kind should get a first response; complaints age fastest."""

    complaint: float = 1800.0
    question: float = 3600.0
    moment: float = 3600.0
    appeal: float = 7200.0
    praise: float = 14400.0
    max_age: float = 259_200.0  # three days: older items leave the queue
    closed_for: float = 86_400.0  # a decided conversation stays closed this long

    def __post_init__(self) -> None:
        for name in (*KINDS, "max_age", "closed_for"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"[desk.targets] {name} must be > 0 seconds")

    def target(self, kind: str) -> float:
        return float(getattr(self, kind))


class Learned(msgspec.Struct, frozen=True, kw_only=True):
    """What a brand's decisions taught (from :mod:`reale.desk.feedback`): shifts added to the
    weights (by feature name or ``bias_<kind>``), how many decisions, and a learned relevance
    floor."""

    deltas: dict[str, float] = {}
    decisions: int = 0
    relevance_floor: float | None = None


def desk_weights_from_config(extra: dict[str, Any]) -> DeskWeights:
    """Read ``[desk.weights]`` from ``Config.extra``."""
    return desk_section(extra, "weights", DeskWeights)


def response_targets_from_config(extra: dict[str, Any]) -> ResponseTargets:
    """Read ``[desk.targets]`` from ``Config.extra``."""
    return desk_section(extra, "targets", ResponseTargets)


__all__ = ["FEATURES", "KINDS", "DeskWeights", "Learned", "ResponseTargets", "desk_weights_from_config",
           "response_targets_from_config"]
