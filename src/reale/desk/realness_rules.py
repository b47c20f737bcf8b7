"""The realness check's weights, as data: log-odds per feature, loadable from ``[desk.realness]``.

Every number here is argued in docs/realness.md from the founding cases and the suite; none was
fitted. Features are in [0, 1]; a weight is what the feature adds to the log-odds at full strength.
"""

from __future__ import annotations

from typing import Any

import msgspec

from reale.desk.settings import desk_section
from reale.errors import ConfigError


class RealnessWeights(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Log-odds weights of the transactional risk, and the thresholds that read it."""

    bias: float = -3.0  # nothing at stake: risk ≈ 0.05
    value: float = 1.0  # something of value changes hands at all
    asked_and_given: float = 2.0  # the author asked, the brand gives: the car case
    offered_and_given: float = 2.5  # the author offered a review or a post in return, undeclared
    in_public: float = 1.5  # the giving happens where everyone sees it
    reach_x_value: float = 2.0  # value to a big account reads as buying its audience
    bandwagon_x_value: float = 1.0  # value given while a crowd amplifies the post
    first_contact_x_value: float = 0.5  # value with no history behind it
    disclosed_x_value: float = -3.0  # declared (#adv, #suppliedby): it reads as what it is
    partner_undisclosed: float = 3.5  # a known paid partner, undeclared: hidden advertising
    pressure: float = 3.0  # rewarding a loud, amplified demand in public
    spontaneous: float = -1.0  # praise or greeting with nothing asked
    remedy: float = -2.5  # the brand fixes its own fault: customer care
    # Reading the risk.
    transactional_at: float = 0.5  # risk at or above which the verdict is transactional
    value_full_eur: float = 1000.0  # a gift worth this much or more counts as full value
    small_thank_you_eur: float = 50.0  # at or under this, a thank-you gift is "small"
    disclose_advice_at: float = 0.25  # risk from which a gift should be declared
    reason_min: float = 0.25  # smallest |log-odds| contribution quoted as a reason
    max_reasons: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.transactional_at < 1:
            raise ConfigError("[desk.realness] transactional_at must be between 0 and 1")
        if self.value_full_eur <= 1 or self.small_thank_you_eur < 0:
            raise ConfigError("[desk.realness] value_full_eur must be > 1 and small_thank_you_eur ≥ 0")
        if self.max_reasons < 1:
            raise ConfigError("[desk.realness] max_reasons must be ≥ 1")


def realness_weights_from_config(extra: dict[str, Any]) -> RealnessWeights:
    """Read ``[desk.realness]`` from ``Config.extra`` (defaults for anything not set)."""
    return desk_section(extra, "realness", RealnessWeights)


__all__ = ["RealnessWeights", "realness_weights_from_config"]
