"""The simulator: one deterministic timeline of Jetstream v1 lines, with scripted scenarios,
injected bursts and ground truth.

Events live in one time-ordered heap (reactions, scripted events, burst arrivals) merged with a
Poisson stream of background arrivals. Same config and seed → byte-identical output.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import msgspec

from reale.clock import Clock
from reale.errors import ConfigError
from reale.simulate import authors, notables
from reale.simulate.background import Background
from reale.simulate.bursts import BurstProcess
from reale.simulate.cascade import CascadeModel
from reale.simulate.emit import Emitter, Ref
from reale.simulate.options import SimConfig
from reale.simulate.pacing import aplay, play
from reale.simulate.scenarios import cast_handles, schedule
from reale.simulate.text import TextMaker
from reale.simulate.truth import BurstTruth, GroundTruth, ScenarioTruth, TruthLog

_REACT, _SCRIPT, _BURST = 0, 1, 2


class Simulator:
    """A realistic, seeded Bluesky firehose (Jetstream v1 JSON lines).

    >>> sim = Simulator(seed=1, authors=200)
    >>> lines = list(sim.take(count=3))
    >>> all(line.startswith('{"did":"did:plc:') for line in lines)
    True
    """

    def __init__(self, config: SimConfig | None = None, **overrides: Any) -> None:
        cfg = config or SimConfig()
        if overrides:
            try:
                cfg = msgspec.structs.replace(cfg, **overrides)
            except TypeError as exc:
                raise ConfigError(f"simulate: unknown setting: {exc}") from exc
        self.config = cfg.check()
        self.rng = random.Random(cfg.seed)
        self.directory = authors.generate(cfg.authors, langs=cfg.langs, seed=cfg.seed,
                                          start=cfg.start, reserved=cast_handles()
                                          | notables.handles(cfg.brands))
        notables.add_notables(self.directory, cfg.brands, self.rng, cfg.start)
        self.text = TextMaker(self.rng)
        self.emitter = Emitter(self.rng, self.directory, cfg.identities)
        self.truth_log = TruthLog()
        self._heap: list[tuple[float, int, int, Any]] = []
        self._seq = itertools.count()
        bg_rate = cfg.rate * (1.0 - cfg.cascade_share)
        post_rate = bg_rate * cfg.mix["post"] / sum(cfg.mix.values())
        self.model = CascadeModel(self.directory, post_rate=post_rate,
                                  target_rate=cfg.rate * cfg.cascade_share,
                                  branching=cfg.branching)
        self.background = Background(cfg, self.rng, self.directory, self.emitter, self.text,
                                     self.model, self._push_reaction, self.truth_log)
        self._bg_rate = bg_rate
        self._next_bg = cfg.start + self.rng.expovariate(bg_rate + cfg.rate * cfg.cascade_share)
        self._now = cfg.start
        self._gen: Iterator[tuple[float, str]] | None = None
        self._peek: tuple[float, str] | None = None

    # -- setting up ---------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._gen is not None

    def _check_not_started(self, what: str) -> None:
        if self.started:
            raise ConfigError(f"simulate: {what} must be called before the stream starts")

    def add_scenario(self, name: str, *, at: float | None = None, lang: str | None = None,
                     speed: float | None = None) -> ScenarioTruth:
        """Schedule a scripted scenario ``at`` seconds after the start (see
        :data:`reale.simulate.scenarios.SCENARIOS`); returns its ground truth."""
        self._check_not_started("add_scenario")
        truth = schedule(self, name, at=at, lang=lang, speed=speed or self.config.scenario_speed)
        self.truth_log.scenarios.append(truth)
        return truth

    def inject_burst(self, term: str, start: float, multiplier: float, duration: float, *,
                     baseline: float | None = None, lang: str = "") -> BurstTruth:
        """Posts carrying ``term`` arrive at ``baseline`` posts/s from the stream's start, and at
        ``baseline × multiplier`` from ``start`` seconds for ``duration`` seconds.

        The default baseline is 0.2% of the stream's original posts. Use a term the background
        does not already use, so its rate is exactly the injected one; ``multiplier=1`` gives a
        stationary term (for false-alarm checks).
        """
        self._check_not_started("inject_burst")
        if not term.strip() or multiplier < 0 or duration < 0 or start < 0:
            raise ConfigError(f"simulate: bad burst {term!r} start={start} "
                              f"multiplier={multiplier} duration={duration}")
        if baseline is None:
            baseline = max(0.002 * self._bg_rate * self.config.mix["post"], 0.01)
        onset = self.config.start + start
        truth = BurstTruth(term=term, onset=onset, onset_us=int(onset * 1e6), duration=duration,
                           multiplier=multiplier, baseline_rate=baseline, lang=lang)
        proc = BurstProcess(truth)
        self.truth_log.bursts.append(truth)
        self._push(self.config.start + self.rng.expovariate(proc.peak), _BURST, proc)
        return truth

    # -- the timeline -------------------------------------------------------------------------
    def _push(self, t: float, kind: int, payload: Any) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), kind, payload))

    def _push_reaction(self, t: float, root: Ref, kind: int, via: tuple[str, str] | None) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), _REACT, (root, kind, via)))

    def push_scripted(self, t: float, author: int, line: str, root: Ref | None) -> None:
        """Scenarios: emit a prebuilt ``line`` by ``author`` at ``t`` (``root``: seed reactions)."""
        self._push(t, _SCRIPT, (author, line, root))

    def _run(self) -> Iterator[tuple[float, str]]:
        heap, rng, pending = self._heap, self.rng, self.emitter.pending
        pop, bg, react = heapq.heappop, self.background, self.background.react
        bg_rate, next_bg = self._bg_rate, self._next_bg
        # Reactions to simulated posts should make up ``trig_rate`` events/s. Cascades are
        # heavy-tailed and take a while to build up after the start, so the shortfall, measured
        # over 5-second windows, is filled with reactions to older posts: the total rate stays
        # steady, as the real firehose's does at the scale of seconds.
        trig_rate = self.config.rate * self.config.cascade_share
        peak = bg_rate + trig_rate
        window, win_end, win_reacts, react_rate = 5.0, self.config.start + 5.0, 0, 0.0
        while True:
            if heap and heap[0][0] <= next_bg:
                t, _, kind, payload = pop(heap)
                if kind == _REACT:
                    win_reacts += 1
                    line = react(t, *payload)
                elif kind == _SCRIPT:
                    line = self._scripted(t, payload)
                else:
                    line = self._burst(t, payload)
            else:
                t = next_bg
                next_bg = t + rng.expovariate(peak)
                if t >= win_end:
                    react_rate = win_reacts / window if t < win_end + window else 0.0
                    win_reacts, win_end = 0, t - (t - win_end) % window + window
                u = rng.random() * peak
                if u < bg_rate:
                    line = bg.arrival(t)
                elif u - bg_rate < trig_rate - react_rate:
                    line = bg.old_reaction(t)
                else:
                    continue
            if pending:
                for extra in pending:
                    yield t, extra
                pending.clear()
            if line:
                yield t, line

    def _scripted(self, t: float, payload: tuple[int, str, Ref | None]) -> str:
        author, line, root = payload
        self.emitter.touch(author, int(t * 1e6), t)
        if root is not None:
            self.background.seed(root, t)
        return line

    def _burst(self, t: float, proc: BurstProcess) -> str:
        self._push(t + self.rng.expovariate(proc.peak), _BURST, proc)
        if not proc.accept(t, self.rng.random()):
            return ""
        author = self.directory.pick(self.rng)
        lang = proc.truth.lang or self.text.pack_lang(self.directory.langs[author])
        line, _ = self.background.post_with(t, self.text.carrier(lang, proc.truth.term), lang,
                                            author)
        return line

    def timeline(self) -> Iterator[tuple[float, str]]:
        """``(simulated time, line)`` pairs, forever; resumes where the last call stopped."""
        return self.timed()

    def take(self, count: int | None = None, duration: float | None = None) -> Iterator[str]:
        """Lines until ``count`` lines or ``duration`` simulated seconds from the start."""
        for _, line in self.timed(count, duration):
            yield line

    def timed(self, count: int | None = None,
              duration: float | None = None) -> Iterator[tuple[float, str]]:
        """Like :meth:`take`, with each line's simulated time. A later call resumes exactly
        where this one stopped."""
        if self._gen is None:
            self._gen = self._run()
        end = self.config.start + duration if duration is not None else float("inf")
        limit = count if count is not None else -1
        if limit == 0:
            return
        source: Iterator[tuple[float, str]] = self._gen
        if self._peek is not None:
            source = itertools.chain((self._peek,), source)
            self._peek = None
        for n, item in enumerate(source, 1):
            if item[0] >= end:
                self._peek = item  # keep it for the next call
                return
            self._now = item[0]
            yield item
            if n == limit:
                return

    def lines(self) -> Iterator[str]:
        """The fast sync generator: lines forever, flat out."""
        for _, line in self.timed():
            yield line

    def play(self, rate: float | None = None, *, count: int | None = None,
             duration: float | None = None, clock: Clock | None = None,
             sleep: Callable[[float], None] | None = None) -> Iterator[str]:
        """Lines paced in real time at about ``rate`` lines/s (``None``/0: flat out)."""
        return play(self.timed(count, duration), self._speed(rate), clock=clock, sleep=sleep)

    def stream(self, rate: float | None = None, *, count: int | None = None,
               duration: float | None = None, clock: Clock | None = None,
               sleep: Callable[[float], Awaitable[None]] | None = None) -> AsyncIterator[str]:
        """``async for line in sim.stream(rate=2000)``: paced lines for the embedded runner."""
        return aplay(self.timed(count, duration), self._speed(rate), clock=clock, sleep=sleep)

    def _speed(self, rate: float | None) -> float:
        """Playback speed: simulated seconds per wall second (0: flat out)."""
        if not rate:
            return 0.0
        if rate < 0:
            raise ConfigError(f"simulate: rate must be >= 0, got {rate}")
        return rate / self.config.rate

    # -- what the stream is about -------------------------------------------------------------
    @property
    def now(self) -> float:
        """The simulated time of the latest event."""
        return self._now

    def profiles(self) -> list[dict[str, Any]]:
        """Every account (background, notable, scenario cast, brands) as Bluesky's
        ``profileViewDetailed``."""
        at = self.config.start
        return [self.directory.profile(i, indexed_at=at) for i in range(len(self.directory))]

    def profile(self, did_or_handle: str) -> dict[str, Any] | None:
        d = self.directory
        i = d.by_did.get(did_or_handle, d.by_handle.get(did_or_handle.lstrip("@")))
        return d.profile(i, indexed_at=self.config.start) if i is not None else None

    def truth(self) -> GroundTruth:
        """Ground truth of what has been emitted so far."""
        end = self._now if self.started else self.config.start
        return self.truth_log.snapshot(seed=self.config.seed, start=self.config.start, end=end,
                                       rate=self.config.rate)

    def truth_json(self) -> bytes:
        return msgspec.json.format(msgspec.json.encode(self.truth()), indent=2)

