"""Scripted scenarios merged into the background stream, each with its ground truth.

``SCENARIOS`` maps a name to (builder, default onset in seconds after the start, default
language, story seconds the scenario needs before its key moment). Select them on the command
line as ``car,florist:en,blackout@30`` or ``all``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from reale.errors import ConfigError
from reale.simulate.scenarios import car, complaints, florist, moments
from reale.simulate.scenarios.script import Script
from reale.simulate.truth import ScenarioTruth

if TYPE_CHECKING:
    from reale.simulate.engine import Simulator


class Scenario(NamedTuple):
    build: Callable[[Script], ScenarioTruth]
    at: float  # default onset, seconds after the stream's start
    lang: str
    lead: float  # story seconds of events before the key moment
    kind: str


SCENARIOS: dict[str, Scenario] = {
    "car": Scenario(car.build, 60.0, "it", 3_000.0, "appeal"),
    "florist": Scenario(florist.build, 120.0, "it", 1_800.0, "praise"),
    "blackout": Scenario(moments.blackout, 180.0, "it", 1_200.0, "moment"),
    "complaint": Scenario(complaints.complaint, 240.0, "it", 0.0, "complaint"),
    "delivery": Scenario(complaints.delivery, 300.0, "en", 0.0, "complaint"),
    "earthquake": Scenario(moments.earthquake, 360.0, "it", 0.0, "moment"),
}


class Selection(NamedTuple):
    name: str
    lang: str | None
    at: float | None


def parse_selection(text: str) -> list[Selection]:
    """``"car,florist:en,blackout@30"`` → selections; ``"all"`` → every scenario.

    >>> [s.name for s in parse_selection("all")][:2]
    ['car', 'florist']
    >>> parse_selection("florist:en@90")
    [Selection(name='florist', lang='en', at=90.0)]
    """
    out: list[Selection] = []
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        if item == "all":
            out.extend(Selection(n, None, None) for n in SCENARIOS)
            continue
        head, _, at = item.partition("@")
        name, _, lang = head.partition(":")
        if name not in SCENARIOS:
            raise ConfigError(f"simulate: unknown scenario {name!r}; "
                              f"choose from {', '.join(SCENARIOS)} or all")
        try:
            onset = float(at) if at else None
        except ValueError:
            raise ConfigError(f"simulate: scenario onset must be seconds, got {at!r}") from None
        out.append(Selection(name, lang or None, onset))
    return out


def cast_handles() -> set[str]:
    """Handles the scenarios give their named characters (kept free in the background)."""
    handles: set[str] = set()
    for lang in ("it", "en"):
        hero, friends = car.CAST[lang]
        handles.add(hero[0])
        handles.update(f[0] for f in friends)
        handles.update(p[0] for p in florist.CAST[lang])
        handles.update(c[lang][0] for c in complaints.CAST.values())
    return handles


def schedule(sim: Simulator, name: str, *, at: float | None, lang: str | None,
             speed: float) -> ScenarioTruth:
    """Build scenario ``name`` into ``sim``'s timeline; returns its ground truth."""
    if name not in SCENARIOS:
        raise ConfigError(f"simulate: unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}")
    spec = SCENARIOS[name]
    onset = sim.config.start + (spec.at if at is None else at)
    if onset <= sim.config.start:
        raise ConfigError(f"simulate: scenario {name!r} must start after the stream (at > 0)")
    script = Script(sim, name, onset=onset, speed=speed, lang=lang or spec.lang, lead=spec.lead)
    return spec.build(script)


__all__ = ["SCENARIOS", "Scenario", "Selection", "cast_handles", "parse_selection", "schedule"]
