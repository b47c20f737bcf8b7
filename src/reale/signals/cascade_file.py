"""Reading a cascade in the SEISMIC example's format: a header line, then one reshare per line as
``relative_time_seconds,followers``, the original post first (pure parsing, no I/O)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from reale.errors import DecodeError
from reale.signals.seismic import FloatArray


def parse_cascade(text: str, *, name: str = "<cascade>") -> tuple[FloatArray, FloatArray]:
    """Times and follower counts, sorted by time; errors name the line."""
    lines = [ln.strip() for ln in text.splitlines()]
    rows: list[tuple[float, float]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        parts = [p.strip().strip('"') for p in line.split(",")]
        if len(parts) != 2:
            raise DecodeError(f"{name}:{number}: expected 2 columns 'time,followers', got "
                              f"{len(parts)}: {line[:60]!r} (one cascade a file; header "
                              f"{lines[0][:60]!r})")
        try:
            t, n = float(parts[0]), float(parts[1])
        except ValueError as exc:
            raise DecodeError(f"{name}:{number}: not numbers: {line[:60]!r}") from exc
        if not (math.isfinite(t) and math.isfinite(n)) or t < 0 or n < 0:
            raise DecodeError(f"{name}:{number}: time and followers must be finite and >= 0")
        rows.append((t, n))
    if not rows:
        raise DecodeError(f"{name}: no reshares (expected a header, then 'time,followers' lines)")
    first = rows[0]
    rest = sorted(rows[1:])
    times = np.array([first[0]] + [r[0] for r in rest], dtype=np.float64)
    followers = np.array([first[1]] + [r[1] for r in rest], dtype=np.float64)
    return times - first[0], followers


def read_cascade(path: str | Path) -> tuple[FloatArray, FloatArray]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DecodeError(f"cannot read cascade file {p}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot read cascade file {p}: not UTF-8 text ({exc.reason})") from exc
    return parse_cascade(text, name=str(p))
