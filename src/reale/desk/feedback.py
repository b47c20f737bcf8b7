"""Learning from the team's decisions, per brand, in small bounded steps that the reasons show.

*Handled* and *not worth it* nudge the opportunity weights (one online logistic step each, no
weight shifting further than ``max_shift``); *irrelevant* raises the brand's relevance floor and
keeps the post as a labelled example for the relevance model.
"""

from __future__ import annotations

import math
from collections import deque

import msgspec

from reale.desk.opportunity import Opportunity
from reale.desk.opportunity_rules import DeskWeights, Learned
from reale.desk.queue import DECISIONS, Decision
from reale.errors import DeskError

FLOOR_BOUNDS = (0.05, 0.9)


class RelevanceExample(msgspec.Struct, frozen=True, kw_only=True):
    """A post the team judged about the brand (handled) or not (irrelevant)."""

    brand: str
    post_uri: str
    text: str
    relevant: bool


def _clip(v: float, bound: float) -> float:
    return max(-bound, min(bound, v))


class FeedbackLearner:
    """Per-brand learned shifts of the desk weights."""

    def __init__(self, weights: DeskWeights, max_examples: int = 5000) -> None:
        self.weights = weights
        self._learned: dict[str, Learned] = {}
        self._examples: deque[RelevanceExample] = deque(maxlen=max_examples)

    def get(self, brand: str) -> Learned:
        """What this brand's decisions taught so far (nothing, for a new brand)."""
        return self._learned.get(brand, Learned())

    def _probability(self, opp: Opportunity, deltas: dict[str, float]) -> float:
        z = 0.0
        for name, value in opp.features.items():
            if name.startswith("kind_"):
                key = "bias_" + name[5:]
                z += (self.weights.bias(name[5:]) + deltas.get(key, 0.0)) * value
            else:
                z += (getattr(self.weights, name, 0.0) + deltas.get(name, 0.0)) * value
        return 1.0 / (1.0 + math.exp(-z))

    def _step(self, opp: Opportunity, deltas: dict[str, float], y: float) -> dict[str, float]:
        w = self.weights
        error = y - self._probability(opp, deltas)
        out = dict(deltas)
        for name, value in opp.features.items():
            key = "bias_" + name[5:] if name.startswith("kind_") else name
            out[key] = _clip(out.get(key, 0.0) + w.learn_rate * error * value, w.max_shift)
        return out

    def _floor(self, current: float | None, relevance: float, relevant: bool) -> float:
        floor = self.weights.min_relevance if current is None else current
        if not relevant and relevance > floor:
            floor += self.weights.learn_rate * (relevance - floor)
        elif relevant and relevance < floor + 0.1:
            floor -= self.weights.learn_rate * (floor + 0.1 - relevance)
        return min(FLOOR_BOUNDS[1], max(FLOOR_BOUNDS[0], floor))

    def update(self, opp: Opportunity, decision: Decision) -> Learned:
        """Learn from one decision on one opportunity; return the brand's new state."""
        if decision not in DECISIONS:
            raise DeskError(f"unknown decision {decision!r}; expected one of {DECISIONS}")
        old = self.get(opp.brand)
        deltas, floor = old.deltas, old.relevance_floor
        if decision == "irrelevant":
            floor = self._floor(floor, opp.relevance, relevant=False)
        else:
            deltas = self._step(opp, deltas, 1.0 if decision == "handled" else 0.0)
            if decision == "handled":
                floor = self._floor(floor, opp.relevance, relevant=True)
        if decision != "not_worth":
            self._examples.append(RelevanceExample(brand=opp.brand, post_uri=opp.post_uri,
                                                   text=opp.text, relevant=decision == "handled"))
        new = Learned(deltas=deltas, decisions=old.decisions + 1, relevance_floor=floor)
        self._learned[opp.brand] = new
        return new

    def relevance_examples(self, brand: str | None = None) -> list[RelevanceExample]:
        """Labelled posts for the relevance model (most recent last)."""
        return [e for e in self._examples if brand in (None, e.brand)]

    def snapshot(self) -> dict[str, Learned]:
        """The learned state of every brand, for the store."""
        return dict(self._learned)

    def restore(self, state: dict[str, Learned]) -> None:
        """Load a snapshot (replacing what was learned)."""
        self._learned = dict(state)

    def adopt(self, brand: str, other: FeedbackLearner) -> None:
        """Take what ``other`` learned of ``brand`` (which taught it from where this learner
        stands on the brand, e.g. on another thread): its weights and relevance examples."""
        self._learned[brand] = other.get(brand)
        self._examples.extend(other.relevance_examples(brand))


__all__ = ["FeedbackLearner", "RelevanceExample"]
