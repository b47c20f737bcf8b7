"""How many reactions a simulated post draws, and when: a self-exciting (Hawkes) cascade.

A post by an account with ``f`` followers draws on average ``c·f^0.75`` direct reactions (times
a log-normal "quality" of mean 1); each reshare by an account with ``g`` followers triggers on
average ``β·√g`` more. Reaction delays follow a power law (Lomax), truncated at a horizon.
``c`` and ``β`` are set so the reactions make up the asked share of the stream's rate.
"""

from __future__ import annotations

import math
import random

from reale.simulate.authors import Directory

LIKE, REPOST, REPLY, QUOTE = 0, 1, 2, 3
_KIND_CUM = (0.72, 0.86, 0.97, 1.0)  # like, repost, reply, quote
BRANCHING_KINDS = 0.17  # reposts and quotes carry a post to new followers
MAX_DIRECT = 50_000
MAX_OFFSPRING = 5_000


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (exact below 30, normal approximation above)."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit = math.exp(-lam)
        k, p = 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))


class CascadeModel:
    """Sizes, kinds and delays of the reactions to simulated posts."""

    def __init__(self, directory: Directory, *, post_rate: float, target_rate: float,
                 branching: float, scale: float = 20.0, alpha: float = 1.0,
                 horizon: float = 7_200.0) -> None:
        e_direct = directory.weighted_mean([math.pow(f, 0.75) for f in directory.followers])
        e_reshare = directory.weighted_mean([math.sqrt(f) for f in directory.followers])
        self.c = target_rate * (1 - branching) / (post_rate * e_direct) if post_rate > 0 else 0.0
        self.beta = branching / (BRANCHING_KINDS * e_reshare) if e_reshare > 0 else 0.0
        self.scale, self.alpha, self.horizon = scale, alpha, horizon
        self._mass = 1.0 - (1.0 + horizon / scale) ** -alpha  # P(delay < horizon)

    def direct(self, rng: random.Random, followers: int) -> int:
        """How many reactions a new post draws directly."""
        lam = self.c * math.pow(followers, 0.75) * rng.lognormvariate(-0.5, 1.0)
        return min(poisson(rng, lam), MAX_DIRECT)

    def offspring(self, rng: random.Random, followers: int) -> int:
        """How many further reactions one reshare triggers."""
        return min(poisson(rng, self.beta * math.sqrt(followers)), MAX_OFFSPRING)

    def delay(self, rng: random.Random) -> float:
        """Seconds from a post (or reshare) to a reaction: Lomax, truncated at the horizon."""
        u = rng.random() * self._mass
        return self.scale * (math.pow(1.0 - u, -1.0 / self.alpha) - 1.0)

    @staticmethod
    def kind(rng: random.Random) -> int:
        r = rng.random()
        if r < _KIND_CUM[0]:
            return LIKE
        if r < _KIND_CUM[1]:
            return REPOST
        return REPLY if r < _KIND_CUM[2] else QUOTE
