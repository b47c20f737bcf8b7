"""Reading a cascade in the SEISMIC example's format: a header line, then one reshare per line as
``relative_time_seconds,followers``, the original post first (parsing line by line; the file is
streamed, and only the reshares up to the observed time are kept)."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from reale.errors import DecodeError
from reale.signals.seismic import FloatArray


def _numbers(line: str) -> tuple[float, float] | None:
    parts = [p.strip().strip('"') for p in line.split(",")]
    try:
        return (float(parts[0]), float(parts[1])) if len(parts) == 2 else None
    except ValueError:
        return None


def _row(line: str, number: int, name: str, header: str) -> tuple[float, float]:
    parts = line.split(",")
    if len(parts) != 2:
        raise DecodeError(f"{name}:{number}: expected 2 columns 'time,followers', got "
                          f"{len(parts)}: {line[:60]!r} (one cascade a file; header {header[:60]!r})")
    row = _numbers(line)
    if row is None:
        raise DecodeError(f"{name}:{number}: not numbers: {line[:60]!r}")
    t, n = row
    if not (math.isfinite(t) and math.isfinite(n)) or t < 0 or n < 0:
        raise DecodeError(f"{name}:{number}: time and followers must be finite and >= 0")
    return t, n


def parse_lines(lines: Iterable[str], *, name: str = "<cascade>",
                until: float | None = None) -> tuple[FloatArray, FloatArray]:
    """Times (relative to the original post) and follower counts, sorted by time, of the reshares
    up to ``until`` seconds (all when None); every line is checked, and errors name it. A first
    line of two numbers is the original post (a file without a header)."""
    header = ""
    first: tuple[float, float] | None = None
    times, followers = array("d"), array("d")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff") if number == 1 else raw.strip()
        if not line:
            continue
        if number == 1 and _numbers(line) is None:
            header = line
            continue
        t, n = _row(line, number, name, header)
        if first is None:
            first = (t, n)
        elif t < first[0]:
            raise DecodeError(f"{name}:{number}: a reshare at {t:g} s is before the original post "
                              f"(at {first[0]:g} s, its first line)")
        elif until is None or t - first[0] <= until:
            times.append(t - first[0])
            followers.append(n)
    if first is None:
        raise DecodeError(f"{name}: no reshares (expected a header, then 'time,followers' lines)")
    order = np.argsort(np.frombuffer(times, dtype=np.float64), kind="stable")
    t_all = np.concatenate(([0.0], np.frombuffer(times, dtype=np.float64)[order]))
    n_all = np.concatenate(([first[1]], np.frombuffer(followers, dtype=np.float64)[order]))
    return t_all, n_all


def parse_cascade(text: str, *, name: str = "<cascade>") -> tuple[FloatArray, FloatArray]:
    """Times and follower counts, sorted by time; errors name the line."""
    return parse_lines(text.splitlines(), name=name)


def read_cascade(path: str | Path, until: float | None = None) -> tuple[FloatArray, FloatArray]:
    """The cascade in ``path``, streamed: only reshares up to ``until`` seconds are kept."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig") as f:
            return parse_lines(f, name=str(p), until=until)
    except OSError as exc:
        raise DecodeError(f"cannot read cascade file {p}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot read cascade file {p}: not UTF-8 text ({exc.reason})") from exc
