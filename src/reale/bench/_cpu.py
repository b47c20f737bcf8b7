"""Where a benchmark's CPU goes: user + system seconds of named processes (and, for a server that
forks, its children, living and reaped), read from Linux's ``/proc``. Zero elsewhere."""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path


def _stat(pid: int) -> list[str]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()  # fields from the 3rd (state) on


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK"))


def process_cpu(pid: int) -> float:
    """utime + stime of one process, in seconds (0.0 once it is gone)."""
    f = _stat(pid)
    return (int(f[11]) + int(f[12])) / _ticks() if f else 0.0


def own_threads_cpu(pid: int, foreign: str = "rdk:") -> float:
    """utime + stime of the threads of ``pid`` whose name does not start with ``foreign``: for a
    Python Kafka worker, its Python threads apart from librdkafka's (named ``rdk:…``)."""
    total = 0
    try:
        tids = [t.name for t in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return 0.0
    for tid in tids:
        try:
            if Path(f"/proc/{pid}/task/{tid}/comm").read_text().startswith(foreign):
                continue
            f = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(f[11]) + int(f[12])
    return total / _ticks()


def tree_cpu(pid: int) -> float:
    """A server and its workers: its own time, its reaped children's (cutime + cstime), and its
    living children's — so a backend that exits between two readings is still counted once."""
    f = _stat(pid)
    if not f:
        return 0.0
    total = sum(int(x) for x in f[11:15])
    for child in _children(pid):
        c = _stat(child)
        if c:
            total += int(c[11]) + int(c[12])
    return total / _ticks()


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            f = _stat(int(entry.name))
            if f and int(f[1]) == pid:
                out.append(int(entry.name))
    return out


def machine_cpu() -> float:
    """Busy seconds of all cores together (everything but idle and iowait), from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    busy = [int(x) for x in first[1:]]
    return (sum(busy) - busy[3] - busy[4]) / _ticks()


class CpuMeter:
    """CPU seconds used so far by named groups of processes (``single``: the processes alone;
    ``trees``: a server with its children), and by the whole machine (``machine``). For each
    name in ``python``, ``NAME.python`` is the part its processes' Python threads used (apart
    from their Kafka client's threads)."""

    def __init__(self, single: Mapping[str, Iterable[int]], trees: Mapping[str, int],
                 python: Iterable[str] = ()) -> None:
        self.single = {k: list(v) for k, v in single.items()}
        self.trees = dict(trees)
        self.python = list(python)

    def read(self) -> dict[str, float]:
        out = {k: sum(process_cpu(p) for p in pids) for k, pids in self.single.items()}
        out.update({k: tree_cpu(p) for k, p in self.trees.items()})
        out.update({f"{k}.python": sum(own_threads_cpu(p) for p in self.single[k])
                    for k in self.python})
        out["machine"] = machine_cpu()
        return out


class Sampler:
    """Takes ``read()`` (cumulative figures: CPU seconds, records done) every ``step`` seconds in a
    thread, so their values at moments known only afterwards (a trial's first and last batch)
    can be read back."""

    def __init__(self, read: Callable[[], dict[str, float]], step: float = 0.1) -> None:
        self.read, self.step = read, step
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.samples.append((time.time(), self.read()))
            if self._stop.wait(self.step):
                self.samples.append((time.time(), self.read()))
                return

    def latest(self, key: str) -> float:
        return self.samples[-1][1].get(key, 0.0) if self.samples else 0.0

    def at(self, when: float) -> dict[str, float]:
        """The readings at ``when`` (linear between the two samples around it)."""
        s = self.samples
        i = bisect.bisect_left([t for t, _ in s], when)
        if i <= 0:
            return dict(s[0][1])
        if i >= len(s):
            return dict(s[-1][1])
        (t0, a), (t1, b) = s[i - 1], s[i]
        w = (when - t0) / max(t1 - t0, 1e-9)
        return {k: a.get(k, 0.0) + w * (b[k] - a.get(k, 0.0)) for k in b}


def spent(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {k: max(0.0, after[k] - before.get(k, 0.0)) for k in after}


def cpu_only(readings: Mapping[str, float], others: Iterable[str]) -> dict[str, float]:
    skip = set(others)
    return {k: v for k, v in readings.items() if k not in skip}


def describe(used: Mapping[str, float], seconds: float) -> str:
    """``CPU over 3.1 s: broker 1.2 s, workers 3.4 s, …, other 0.1 s (all 5.9 s = 1.90 of 2
    cores)`` — CPU seconds per part of a trial; *other* is the rest of the machine."""
    ours = {k: v for k, v in used.items() if k != "machine" and "." not in k}
    machine = used.get("machine", sum(ours.values()))
    parts = []
    for k, v in ours.items():
        py = used.get(f"{k}.python")
        parts.append(f"{k} {v:.2f} s" + ("" if py is None else f" (Python threads {py:.2f} s)"))
    parts.append(f"other {max(0.0, machine - sum(ours.values())):.2f} s")
    cores = os.cpu_count() or 1
    return (f"CPU over {seconds:.2f} s: {', '.join(parts)} (all {machine:.2f} s = "
            f"{machine / max(seconds, 1e-9):.2f} of {cores} cores)")
