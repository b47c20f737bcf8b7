"""`reale demo` shows the car request's cascade growing, a line per size milestone, and the
moment it is flagged as gathering speed (not only a summary at the end)."""

from __future__ import annotations

import io

from reale.run.demo_cascade import CascadeWatch
from reale.signals.cascades import CascadeStats
from reale.signals.momentum import MomentumReading


class GrowingCascade:
    """What the signals hub answers for one root as reshares arrive."""

    def __init__(self) -> None:
        self.size, self.gathering = 0, False

    def cascade(self, uri: str) -> CascadeStats | None:
        if uri != "at://car" or self.size == 0:
            return None
        return CascadeStats(root=uri, root_author="matteo", created_at=0.0, size=self.size,
                            depth=2, replies=self.size, quotes=0, reposts=0, likes=0,
                            unique_amplifiers=self.size, velocity_per_min=6.0, close_network=3,
                            hashtag_strangers=self.size - 3, other_strangers=0, close_share=0.5,
                            last_event_at=60.0)

    def momentum(self, uri: str) -> MomentumReading | None:
        return MomentumReading(root=uri, age=60.0, observed=self.size + 1,
                               predicted_final=10.0 * self.size, low=self.size, high=None,
                               infectiousness=1.2, explosive=False,
                               gathering_speed=self.gathering)


def test_the_car_cascade_is_printed_as_it_grows_and_when_it_gathers_speed() -> None:
    out, signals = io.StringIO(), GrowingCascade()
    watch = CascadeWatch(signals, "at://car", out, "car request")
    for size in range(1, 13):
        signals.size = size
        signals.gathering = size >= 8
        watch.check()
    lines = out.getvalue().splitlines()
    assert [ln.split(":")[1].split(",")[0] for ln in lines] == [
        " 5 reshares/replies", " 8 reshares/replies", " 10 reshares/replies"]
    assert "gathering speed" not in lines[0] and lines[1].endswith("— gathering speed")
    assert "5 strangers through a hashtag" in lines[1] and "predicted final 80" in lines[1]
