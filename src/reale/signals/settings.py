"""The ``[signals]`` section of the config file, as one frozen struct per signal. Every field has
a default; unknown keys are refused with the key's name (docs/signals.md lists them all)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from reale.errors import ConfigError
from reale.signals.cascades import CascadeConfig
from reale.signals.moment_scope import MomentConfig
from reale.signals.momentum import MomentumConfig
from reale.signals.profile_cache import ProfileCacheConfig
from reale.signals.reach import ReachConfig
from reale.signals.safety import SafetyConfig


class SignalsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reach: ReachConfig = ReachConfig()
    profiles: ProfileCacheConfig = ProfileCacheConfig()
    cascades: CascadeConfig = CascadeConfig()
    momentum: MomentumConfig = MomentumConfig()
    moments: MomentConfig = MomentConfig()
    safety: SafetyConfig = SafetyConfig()
    default_followers: int = 100  # used for a resharer whose follower count is not known yet


def signals_config(extra: Mapping[str, Any]) -> SignalsConfig:
    """Build from ``Config.extra`` (the ``[signals]`` table); a bad key is a ConfigError."""
    raw = extra.get("signals", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("[signals] must be a table")
    try:
        return msgspec.convert(dict(raw), SignalsConfig)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"[signals]: {exc}") from exc
