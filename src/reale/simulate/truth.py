"""Ground truth of a simulated stream: scenarios, injected bursts, brand posts and decoys.

Evaluations (burst detection, relevance, the desk's verdicts) score themselves against it.
Everything is keyed by the post URIs and times that appear in the stream itself.
"""

from __future__ import annotations

from collections import deque

import msgspec


class TruthEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One scripted event: ``kind`` post/reply/quote/repost/like, ``role`` in the story."""

    uri: str
    kind: str
    role: str
    time: float
    author: str  # DID
    lang: str = ""
    text: str = ""


class ScenarioTruth(msgspec.Struct, kw_only=True):
    """A scripted scenario: which brand, what kind of opportunity, who took part, and when."""

    name: str
    kind: str  # appeal | praise | moment | complaint
    lang: str
    onset: float  # epoch seconds of the scenario's key post
    onset_us: int
    speed: float
    brand: str = ""  # brand name ("" for moments any brand could join)
    brand_handle: str = ""
    root_uri: str = ""
    author: str = ""  # DID of the key post's author
    author_handle: str = ""
    author_followers: int = 0
    friends: list[str] = []  # DIDs that interacted with the author before the key post
    crowd: list[str] = []  # DIDs of strangers who joined (hashtag crowd, pile-on)
    hashtags: list[str] = []
    terms: list[str] = []
    safety: str = ""  # moments: "safe" (a brand may join) or "tragic" (it must not)
    spontaneous: bool = False  # nobody asked the author for it
    note: str = ""
    events: list[TruthEvent] = []


class BurstTruth(msgspec.Struct, kw_only=True):
    """An injected burst: the term's rate is ``baseline_rate`` posts/s, times ``multiplier``
    from ``onset`` for ``duration`` seconds."""

    term: str
    onset: float
    onset_us: int
    duration: float
    multiplier: float
    baseline_rate: float
    lang: str = ""
    posts_before: int = 0
    posts_during: int = 0
    posts_after: int = 0


class LabelledPost(msgspec.Struct, frozen=True, kw_only=True):
    """A background post about a brand (``kind`` set) or using its name as a word (decoy)."""

    uri: str
    brand: str
    lang: str
    time: float
    kind: str = ""


class GroundTruth(msgspec.Struct, kw_only=True):
    """What the stream emitted so far (events after ``end`` are left out)."""

    seed: int
    start: float
    end: float
    rate: float
    scenarios: list[ScenarioTruth] = []
    bursts: list[BurstTruth] = []
    brand_posts: list[LabelledPost] = []
    decoys: list[LabelledPost] = []


class TruthLog:
    """Collects ground truth while the stream runs; memory is capped per list."""

    def __init__(self, cap: int = 200_000) -> None:
        self.scenarios: list[ScenarioTruth] = []
        self.bursts: list[BurstTruth] = []
        self.brand_posts: deque[LabelledPost] = deque(maxlen=cap)
        self.decoys: deque[LabelledPost] = deque(maxlen=cap)

    def snapshot(self, *, seed: int, start: float, end: float, rate: float) -> GroundTruth:
        scenarios = []
        for s in self.scenarios:
            events = [e for e in s.events if e.time <= end]
            scenarios.append(msgspec.structs.replace(s, events=events))
        return GroundTruth(
            seed=seed, start=start, end=end, rate=rate, scenarios=scenarios,
            bursts=[msgspec.structs.replace(b) for b in self.bursts],
            brand_posts=[p for p in self.brand_posts if p.time <= end],
            decoys=[p for p in self.decoys if p.time <= end],
        )
