"""An injected term as a Poisson process with a piecewise-constant rate, drawn by thinning.

Candidates arrive at the peak rate; each is kept with probability rate(t) / peak, which gives
exactly the baseline rate outside the burst window and baseline × multiplier inside it.
"""

from __future__ import annotations

from reale.simulate.truth import BurstTruth


class BurstProcess:
    """The arrival process of one injected term; counts what it emitted into its truth."""

    __slots__ = ("end", "peak", "truth")

    def __init__(self, truth: BurstTruth) -> None:
        self.truth = truth
        self.end = truth.onset + truth.duration
        self.peak = truth.baseline_rate * max(truth.multiplier, 1.0)

    def rate(self, t: float) -> float:
        """Posts per second carrying the term at time ``t``."""
        tr = self.truth
        return tr.baseline_rate * tr.multiplier if tr.onset <= t < self.end else tr.baseline_rate

    def accept(self, t: float, u: float) -> bool:
        """Keep the candidate at ``t`` (``u`` uniform in [0, 1)); counts kept posts."""
        if u * self.peak >= self.rate(t):
            return False
        tr = self.truth
        if t < tr.onset:
            tr.posts_before += 1
        elif t < self.end:
            tr.posts_during += 1
        else:
            tr.posts_after += 1
        return True
