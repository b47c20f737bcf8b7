"""The signals stage: author reach, reply/repost cascades, momentum (SEISMIC) and moments
(term bursts with a safety read). Each is a small state object with an injected clock, bounded
memory and ``snapshot()``/``restore()``; :class:`Signals` puts them behind one surface."""

from reale.signals.cascades import CascadeConfig, CascadeStats, CascadeTracker, Joined
from reale.signals.hub import Signals
from reale.signals.moment_scope import Example, MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.momentum import MomentumConfig, MomentumReading, MomentumTracker
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.profile_clients import BlueskyProfiles, FetchResult, MastodonProfiles, XProfiles
from reale.signals.profiles import Profile
from reale.signals.reach import ReachConfig, ReachReading, ReachSignal, tier
from reale.signals.safety import SafetyConfig, SafetyRead, lexicon_labeller, safety_read
from reale.signals.seismic import SeismicParams
from reale.signals.settings import SignalsConfig, signals_config
from reale.signals.snapshot import MemorySnapshots, SnapshotStore

__all__ = [
    "GLOBAL",
    "BlueskyProfiles",
    "CascadeConfig",
    "CascadeStats",
    "CascadeTracker",
    "Example",
    "FetchResult",
    "Joined",
    "MastodonProfiles",
    "MemorySnapshots",
    "MomentAlert",
    "MomentConfig",
    "MomentDetector",
    "MomentumConfig",
    "MomentumReading",
    "MomentumTracker",
    "Profile",
    "ProfileCache",
    "ProfileCacheConfig",
    "ReachConfig",
    "ReachReading",
    "ReachSignal",
    "SafetyConfig",
    "SafetyRead",
    "SeismicParams",
    "Signals",
    "SignalsConfig",
    "SnapshotStore",
    "XProfiles",
    "lexicon_labeller",
    "safety_read",
    "signals_config",
    "tier",
]
