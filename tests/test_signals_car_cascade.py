"""The simulator's car request, through the real Jetstream parser into the signals: the author's
friends amplify the appeal, one of them coins a hashtag in a quote, and strangers who arrive
while that hashtag trends are counted as coming through it."""

from __future__ import annotations

from reale.clock import ManualClock
from reale.events import Interaction, Post
from reale.signals.hub import Signals
from reale.signals.settings import SignalsConfig
from reale.simulate import Simulator
from reale.sources.jetstream import JetstreamParser

START = 1_780_000_000.0


def test_the_car_cascade_tells_friends_from_strangers_who_came_through_the_coined_hashtag() -> None:
    sim = Simulator(seed=7, rate=20, start=START, authors=2_000, scenario_speed=20.0)
    truth = sim.add_scenario("car", at=190.0)
    clock = ManualClock(START)
    signals = Signals(SignalsConfig(), clock)
    parser = JetstreamParser()
    for t, line in sim.timed(duration=600):
        clock.set(t)
        for event in parser.parse(line):
            if isinstance(event, Post):
                if event.uri == truth.root_uri:
                    signals.track(event)  # the runner tracks it as a mention of the car brand
                signals.on_post(event)
            elif isinstance(event, Interaction):  # deletions in the stream touch no cascade
                signals.on_interaction(event)
    stats = signals.cascade(truth.root_uri)
    assert stats is not None
    assert not any(e.text and "#" in e.text for e in truth.events if e.uri == truth.root_uri)
    # the eight friends, and a background account that had replied to the author before
    assert len(truth.friends) <= stats.close_network <= len(truth.friends) + 2
    assert stats.hashtags == (truth.hashtags[0].lstrip("#").lower(),)  # coined by the quote
    assert stats.hashtag_strangers >= 20  # reposters arriving while the friend's hashtag trends
    assert stats.other_strangers > 0  # the early ones came before it did
    assert stats.hashtag_strangers + stats.other_strangers <= len(truth.crowd) + 10
