"""The records the web desk keeps besides the core events: an opportunity with the signals that
explain it, a moment, a post's understanding labels, a team decision on an opportunity, a user.

They are frozen ``msgspec.Struct``s stored as JSON bodies (tables of migration 0003) and served
as they are by the JSON twins of the pages.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from reale.desk.opportunity_reasons import ReasonCode
from reale.desk.situation import Verdict
from reale.signals.moment_scope import MomentAlert

OPEN = "open"
STATUSES = ("open", "handled", "irrelevant", "not_worth", "deleted", "expired")
DISMISSALS = ("irrelevant", "not_worth")


def short_key(text: str) -> str:
    """A short, stable, URL-safe key for a long natural id (an opportunity, a moment)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Reach(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """How far the author's voice carries (from the signals stage)."""

    tier: str | None = None  # nano, micro, macro, mega
    percentile: float | None = None  # rank among the brand's mentioners, 0-100
    followers: int | None = None


class Momentum(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The conversation's cascade and where it is heading (from the signals stage)."""

    size: int | None = None
    velocity_per_min: float | None = None
    predicted_final: float | None = None
    low: float | None = None
    high: float | None = None
    gathering_speed: bool = False
    close_share: float | None = None  # share of amplifiers from the author's close network
    close_network: int | None = None  # amplifiers who had interacted with the author before
    hashtag_strangers: int | None = None  # strangers who came through a hashtag of the cascade
    other_strangers: int | None = None


class OpportunityRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One opportunity as the desk shows it: the desk's reading plus the signals behind it."""

    key: str
    id: str
    brand: str
    kind: str
    score: float
    reasons: tuple[str, ...]
    post_uri: str
    root_uri: str
    author_handle: str
    text: str
    language: str
    created_at: float
    updated_at: float
    network: str = ""
    obvious_action: str = "reply"
    realness: Verdict | None = None
    relevance: float = 1.0
    posts: int = 1
    reach: Reach | None = None
    momentum: Momentum | None = None
    status: str = OPEN
    decided_at: float | None = None
    decided_by: str = ""
    features: dict[str, float] = {}  # the desk's features, which its learning steps on
    # the reasons without words, rendered in each viewer's language; () in rows stored before
    # they were kept, which show ``reasons`` (the team's language when scored)
    reason_codes: tuple[ReasonCode, ...] = ()
    realness_in: dict[str, Verdict] = {}  # the pre-read in the other interface language

    @property
    def verdict(self) -> str:
        return self.realness.verdict if self.realness is not None else ""


class MomentRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A detected moment (burst) as stored; ``alert`` is the signals stage's own record."""

    id: str
    alert: MomentAlert

    @classmethod
    def of(cls, alert: MomentAlert) -> MomentRecord:
        return cls(id=short_key(f"{alert.scope}|{alert.term}|{alert.at!r}"), alert=alert)


class OpportunityDecision(msgspec.Struct, frozen=True, kw_only=True):
    """A team decision on an opportunity (dismissed as irrelevant, not worth it, handled)."""

    opportunity_key: str
    action: str
    actor: str
    role: str
    at: float
    comment: str = ""


class Labels(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A post's understanding labels, whatever the models produced (all optional)."""

    lang: str = ""
    sentiment: str = ""  # negative, neutral, positive (or mixed)
    sentiment_score: float | None = None
    intent: str = ""
    other: dict[str, Any] = {}


def labels_from(raw: Any) -> Labels:
    """Labels from a loose mapping (``{"lang": "it", "sentiment": -0.6, "intent": ...}``): a numeric
    sentiment becomes a label; unknown keys are kept under ``other``."""
    if isinstance(raw, Labels):
        return raw
    if isinstance(raw, msgspec.Struct):
        raw = msgspec.to_builtins(raw)
    data = dict(raw) if isinstance(raw, dict) else {}
    sentiment = data.pop("sentiment", "")
    score = data.pop("sentiment_score", None)
    if isinstance(sentiment, int | float) and not isinstance(sentiment, bool):
        score = float(sentiment)
        sentiment = "positive" if score > 0.25 else "negative" if score < -0.25 else "neutral"
    return Labels(lang=str(data.pop("lang", "") or data.pop("language", "") or ""),
                  sentiment=str(sentiment or ""), sentiment_score=_num(score),
                  intent=str(data.pop("intent", "") or ""), other=data)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class User(msgspec.Struct, frozen=True, kw_only=True):
    """A person who can log in; the role lives in the desk's team table."""

    name: str
    role: str
    lang: str = ""
    disabled: bool = False


__all__ = [
    "DISMISSALS",
    "OPEN",
    "STATUSES",
    "Labels",
    "MomentRecord",
    "Momentum",
    "OpportunityDecision",
    "OpportunityRecord",
    "Reach",
    "User",
    "labels_from",
    "short_key",
]
