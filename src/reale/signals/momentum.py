"""Momentum: per tracked post, a reading of where its cascade is heading (the hurdle model over
SEISMIC by default, see :mod:`reale.signals.hurdle`), updated per reshare in bounded memory, with a
"gathering speed" flag.

Old reshares are merged pairwise into atoms (their kernel weights are smooth at large ages), so a
cascade never holds more than ``max_atoms`` entries whatever its size.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from typing import Any, Literal

import msgspec
import numpy as np

from reale.clock import Clock
from reale.signals import snapshot
from reale.signals.hurdle import HurdleParams, predict_hurdle
from reale.signals.seismic import Atoms, SeismicParams, predict


class MomentumConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # "hurdle": SEISMIC's growth with an explicit "already over" part (median-type point);
    # "seismic": the paper's formula alone (its mean)
    model: Literal["hurdle", "seismic"] = "hurdle"
    params: SeismicParams = SeismicParams()
    hurdle: HurdleParams = HurdleParams()
    # (observation age in seconds, alpha, gamma): the paper's correction factors per age, fitted
    # on training cascades; empty means the plain formula (alpha = gamma = 1). model="seismic" only
    corrections: tuple[tuple[float, float, float], ...] = ()
    max_atoms: int = 512
    max_cascades: int = 10_000
    gathering_ratio: float = 2.0  # predicted final / observed size at which a post gathers speed
    gathering_min_final: float = 20.0  # ... and the predicted final size it must reach
    min_interval: float = 5.0  # seconds between recomputations of one cascade's reading


class MomentumReading(msgspec.Struct, frozen=True, kw_only=True):
    root: str
    age: float  # seconds since the original post
    observed: int
    predicted_final: float
    low: float
    high: float | None  # None: the upper end is explosive (model="seismic" only)
    infectiousness: float
    explosive: bool
    gathering_speed: bool
    p_ended: float = 0.0  # probability that no reshare is still to come (model="hurdle")
    median_final: float = 0.0  # the predictive median (model="hurdle"; else predicted_final)
    seismic_final: float = 0.0  # plain SEISMIC's prediction, for comparison


def corrections_at(table: tuple[tuple[float, float, float], ...], age: float) -> tuple[float, float]:
    """alpha, gamma at ``age``: piecewise linear in log(age) between the table's points."""
    if not table:
        return 1.0, 1.0
    pts = sorted(table)
    if age <= pts[0][0]:
        return pts[0][1], pts[0][2]
    for (t0, a0, g0), (t1, a1, g1) in itertools.pairwise(pts):
        if age <= t1:
            w = (math.log(age) - math.log(t0)) / (math.log(t1) - math.log(t0))
            return a0 + w * (a1 - a0), g0 + w * (g1 - g0)
    return pts[-1][1], pts[-1][2]


class _Cascade:
    __slots__ = ("count", "dirty", "followers", "last", "reading", "reading_at", "start", "t_count",
                 "t_followers")

    def __init__(self, start: float, followers: float) -> None:
        self.start = start
        self.count: list[float] = [0.0]
        self.t_count: list[float] = [0.0]
        self.followers: list[float] = [followers]
        self.t_followers: list[float] = [0.0]
        self.last = start
        self.dirty = True
        self.reading: MomentumReading | None = None
        self.reading_at = -math.inf

    def add(self, rel: float, followers: float, max_atoms: int) -> None:
        self.count.append(1.0)
        self.t_count.append(rel)
        self.followers.append(followers)
        self.t_followers.append(rel)
        self.dirty = True
        if len(self.count) > max_atoms:
            self._compact()

    def _compact(self) -> None:
        """Merge the older half of the reshares pairwise (the original post stays apart)."""
        order = sorted(range(1, len(self.count)), key=self.t_count.__getitem__)
        old, recent = order[: len(order) // 2], order[len(order) // 2:]
        c, tc, n, tn = [self.count[0]], [self.t_count[0]], [self.followers[0]], [self.t_followers[0]]
        for k in range(0, len(old) - 1, 2):
            i, j = old[k], old[k + 1]
            cs, ns = self.count[i] + self.count[j], self.followers[i] + self.followers[j]
            c.append(cs)
            tc.append((self.count[i] * self.t_count[i] + self.count[j] * self.t_count[j]) / cs)
            n.append(ns)
            tn.append((self.followers[i] * self.t_followers[i] + self.followers[j] * self.t_followers[j])
                      / ns if ns > 0 else tc[-1])
        rest = old[-1:] if len(old) % 2 else []
        for i in rest + recent:
            c.append(self.count[i])
            tc.append(self.t_count[i])
            n.append(self.followers[i])
            tn.append(self.t_followers[i])
        self.count, self.t_count, self.followers, self.t_followers = c, tc, n, tn

    def atoms(self) -> Atoms:
        return Atoms(np.array(self.count), np.array(self.t_count), np.array(self.followers),
                     np.array(self.t_followers))


_ROW = msgspec.msgpack.Encoder()


def _row(root: str, c: _Cascade) -> list[Any]:
    return [root, c.start, c.last, c.count, c.t_count, c.followers, c.t_followers]


class MomentumTracker:
    """SEISMIC readings for many tracked posts at once (bounded: least recently active dropped)."""

    def __init__(self, config: MomentumConfig, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._cascades: OrderedDict[str, _Cascade] = OrderedDict()
        # each cascade's snapshot row, encoded when it last changed (see ``capture``)
        self._rows: dict[str, msgspec.Raw] = {}
        self._dirty: set[str] = set()

    def __len__(self) -> int:
        return len(self._cascades)

    def __contains__(self, root: object) -> bool:
        return root in self._cascades

    def track(self, root: str, created_at: float, followers: float) -> None:
        """Start following a post (``followers``: its author's)."""
        if root in self._cascades:
            return
        self._cascades[root] = _Cascade(created_at, max(0.0, float(followers)))
        self._dirty.add(root)
        while len(self._cascades) > self.config.max_cascades:
            self.drop(next(iter(self._cascades)))

    def update(self, root: str, at: float, followers: float) -> bool:
        """A reshare of ``root`` at time ``at`` by an account with ``followers``; False if untracked."""
        c = self._cascades.get(root)
        if c is None:
            return False
        rel = at - c.start if math.isfinite(at) else self._clock.now() - c.start
        n = float(followers) if math.isfinite(followers) else 0.0
        c.add(max(0.0, rel), max(0.0, n), self.config.max_atoms)
        c.last = at
        self._cascades.move_to_end(root)
        self._dirty.add(root)
        return True

    def drop(self, root: str) -> None:
        self._cascades.pop(root, None)
        self._rows.pop(root, None)
        self._dirty.discard(root)

    def get(self, root: str) -> MomentumReading | None:
        c = self._cascades.get(root)
        if c is None:
            return None
        now = self._clock.now()
        if c.reading is not None and not c.dirty and now - c.reading_at < self.config.min_interval:
            return c.reading
        c.reading = self._read(root, c, now)
        c.reading_at, c.dirty = now, False
        return c.reading

    def _read(self, root: str, c: _Cascade, now: float) -> MomentumReading:
        age = max(now - c.start, max(c.t_count), 1e-6)
        cfg = self.config
        if cfg.model == "hurdle":
            h = predict_hurdle(c.atoms(), age, cfg.params, cfg.hurdle)
            reading = MomentumReading(
                root=root, age=age, observed=h.observed, predicted_final=h.predicted_final,
                low=h.low, high=h.high, infectiousness=h.infectiousness, explosive=h.explosive,
                gathering_speed=False, p_ended=h.p_ended, median_final=h.median_final,
                seismic_final=h.seismic_final)
        else:
            alpha, gamma = corrections_at(cfg.corrections, age)
            est = predict(c.atoms(), age, msgspec.structs.replace(cfg.params, alpha=alpha, gamma=gamma))
            reading = MomentumReading(
                root=root, age=age, observed=est.observed, predicted_final=est.predicted_final,
                low=est.low, high=est.high, infectiousness=est.p, explosive=est.explosive,
                gathering_speed=False, median_final=est.predicted_final,
                seismic_final=est.predicted_final)
        return msgspec.structs.replace(reading, gathering_speed=self._gathering(reading))

    def _gathering(self, r: MomentumReading) -> bool:
        """More likely than not still going, and its predictive median reaches
        ``gathering_ratio`` × its size (or it reads explosive) and ``gathering_min_final``."""
        cfg = self.config
        return r.p_ended < 0.5 and r.median_final >= cfg.gathering_min_final and (
            r.explosive or r.median_final >= cfg.gathering_ratio * r.observed)

    def state(self) -> list[Any]:
        """The whole state as builtins, every row built now; it shares the cascades' lists, so
        encode it at once (what :meth:`capture` gives, without the kept rows)."""
        return [_row(root, c) for root, c in self._cascades.items()]

    def capture(self) -> list[msgspec.Raw]:
        """The state as at this instant, sharing nothing that changes later: each cascade's
        row encoded, only those changed since the last capture encoded now."""
        for root in self._dirty:
            c = self._cascades.get(root)
            if c is not None:
                self._rows[root] = msgspec.Raw(_ROW.encode(_row(root, c)))
        self._dirty.clear()
        return [self._rows[root] for root in self._cascades]

    def snapshot(self) -> bytes:
        return snapshot.pack("momentum", self.capture())

    def restore(self, blob: bytes) -> None:
        self._cascades.clear()
        self._rows.clear()
        for root, start, last, count, tc, n, tn in snapshot.unpack("momentum", blob):
            c = _Cascade(float(start), 0.0)
            c.count, c.t_count, c.followers, c.t_followers = count, tc, n, tn
            c.last = float(last)
            self._cascades[str(root)] = c
        self._dirty = set(self._cascades)
