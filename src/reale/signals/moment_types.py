"""The moment detector's records: an alert (a term bursting in a scope, with its explanation, the
terms that rose after it as part of the same story, and its safety read) and its example posts."""

from __future__ import annotations

import msgspec

from reale.signals.safety import SafetyRead


class Example(msgspec.Struct, frozen=True, array_like=True):
    uri: str
    text: str


class MomentAlert(msgspec.Struct, frozen=True, kw_only=True):
    scope: str  # a brand, or "*" for the whole stream
    term: str  # the moment's name: its first term, or a hashtag or phrase of the same posts
    at: float
    count: int  # posts with the term in the window
    window_seconds: float
    baseline_per_min: float
    current_per_min: float
    ratio: float
    log10_p: float
    examples: tuple[Example, ...]
    cooccurring: tuple[str, ...]
    safety: SafetyRead | None = None  # set on whole-stream moments ("moments a brand could join")
    also: tuple[str, ...] = ()  # terms that rose later as part of the same story (no new alert)
    owner: str = ""  # a whole-stream moment made of one watched brand's mentions: that brand
