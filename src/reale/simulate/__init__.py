"""The simulator: a realistic, seeded Bluesky firehose in Jetstream v1 JSON, with scripted
scenarios, injected bursts and ground truth (see docs/simulate.md).

    >>> from reale.simulate import Simulator
    >>> sim = Simulator(seed=7, authors=500)
    >>> _ = sim.add_scenario("florist", at=5)
    >>> first = next(sim.lines())
"""

from reale.simulate.brands import DEFAULT_BRANDS, BrandSpec
from reale.simulate.engine import Simulator
from reale.simulate.options import DEFAULT_START, SimConfig
from reale.simulate.scenarios import SCENARIOS, parse_selection
from reale.simulate.truth import BurstTruth, GroundTruth, LabelledPost, ScenarioTruth, TruthEvent

__all__ = [
    "DEFAULT_BRANDS",
    "DEFAULT_START",
    "SCENARIOS",
    "BrandSpec",
    "BurstTruth",
    "GroundTruth",
    "LabelledPost",
    "ScenarioTruth",
    "SimConfig",
    "Simulator",
    "TruthEvent",
    "parse_selection",
]
