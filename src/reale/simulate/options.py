"""The simulator's frozen settings, checked once when a :class:`Simulator` is built.

Rates are per simulated second; how fast the timeline is played back is the caller's choice.
"""

from __future__ import annotations

import msgspec

from reale.errors import ConfigError
from reale.simulate.brands import DEFAULT_BRANDS, BrandSpec

# 2026-03-20T09:30:00Z: a Friday, the first day of spring (the florist story's day).
DEFAULT_START = 1_773_999_000.0

# What a background arrival is (shares). Cascades on simulated posts add the rest of the likes,
# reposts, replies and quotes; with cascade_share 0.5 the whole stream is close to the real
# firehose's mix: ~67% likes, ~15% posts, ~10% reposts, ~5% follows, the rest deletes & co.
DEFAULT_MIX: dict[str, float] = {
    "post": 0.16, "like": 0.62, "repost": 0.05, "reply": 0.03, "follow": 0.10,
    "block": 0.005, "delete": 0.025, "identity": 0.005, "account": 0.005,
}


class SimConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Everything that shapes a simulated stream; the same config and seed give the same bytes."""

    seed: int = 0
    rate: float = 2000.0  # events per simulated second (the whole Bluesky firehose: ~2,000/s)
    start: float = DEFAULT_START  # epoch seconds of the first event
    authors: int = 20_000  # background accounts
    langs: dict[str, float] = msgspec.field(
        default_factory=lambda: {"it": 0.55, "en": 0.40, "other": 0.05})
    brand_rate: float = 0.015  # share of original posts that are about one of the brands
    decoy_rate: float = 0.01  # share using a brand's name as an ordinary word
    brands: tuple[BrandSpec, ...] = DEFAULT_BRANDS
    cascade_share: float = 0.5  # share of events that are reactions to simulated posts
    branching: float = 0.35  # reactions triggered per reaction by reshares (Hawkes, < 1)
    identities: bool = True  # announce each account's handle before its first commit
    scenario_speed: float = 1.0  # scripted scenarios play this many times faster than life
    mix: dict[str, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_MIX))

    def check(self) -> SimConfig:
        """Return self, or raise :class:`ConfigError` naming the bad setting."""
        if not self.rate > 0:
            raise ConfigError(f"simulate: rate must be > 0 events/s, got {self.rate}")
        if self.authors < 10:
            raise ConfigError(f"simulate: authors must be at least 10, got {self.authors}")
        if not self.langs or sum(self.langs.values()) <= 0 or min(self.langs.values()) < 0:
            raise ConfigError(f"simulate: langs must be non-negative weights, got {self.langs}")
        for name in ("brand_rate", "decoy_rate", "cascade_share"):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise ConfigError(f"simulate: {name} must be in [0, 1), got {value}")
        if self.brand_rate + self.decoy_rate >= 1:
            raise ConfigError("simulate: brand_rate + decoy_rate must be below 1")
        if not 0 <= self.branching < 0.95:
            raise ConfigError(f"simulate: branching must be in [0, 0.95), got {self.branching}")
        if not self.scenario_speed > 0:
            raise ConfigError(f"simulate: scenario_speed must be > 0, got {self.scenario_speed}")
        if not self.brands:
            raise ConfigError("simulate: at least one brand is needed")
        unknown = set(self.mix) - set(DEFAULT_MIX)
        if unknown or sum(self.mix.values()) <= 0 or self.mix.get("post", 0) <= 0:
            raise ConfigError(f"simulate: mix needs a positive 'post' share and only the keys "
                              f"{sorted(DEFAULT_MIX)}, got {self.mix}")
        return self
