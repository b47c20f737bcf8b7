"""Charts as server-side SVG: a line/area chart, stacked bars, horizontal bars and a sparkline.

Every chart is an accessible image (``role="img"`` with a title and a description that states the
numbers); colours come from CSS classes (so the Content-Security-Policy needs no inline styles),
and every label is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec
from markupsafe import Markup, escape


class Series(msgspec.Struct, frozen=True):
    name: str
    values: list[float]
    css: str = "c-accent"  # the CSS class that colours it


def _nice_max(value: float) -> float:
    """The top of the axis: four equal steps of a round size (1, 2, 2.5 or 5 × 10ⁿ, at least 1)."""
    if value <= 0:
        return 4.0
    quarter = value / 4
    magnitude = 10 ** math.floor(math.log10(quarter)) if quarter >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step >= quarter and (step >= 1 and float(step).is_integer()):
            return 4 * float(step)
    return 4 * 10.0 * magnitude


def _fmt(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _frame(uid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMidYMid meet" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _axes(width: int, height: int, pad: tuple[int, int, int, int], top: float,
          x_labels: Sequence[str]) -> list[str]:
    left, right, up, down = pad
    inner_h = height - up - down
    out = []
    for i in range(5):
        y = up + inner_h * i / 4
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{escape(_fmt(top * (4 - i) / 4))}</text>')
    n = len(x_labels)
    if n:
        every = max(1, n // 6)
        inner_w = width - left - right
        for i in range(0, n, every):
            x = left + inner_w * (i + 0.5) / n
            out.append(f'<text class="axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
                       f'{escape(x_labels[i])}</text>')
    return out


def line_chart(uid: str, series: Sequence[Series], x_labels: Sequence[str], *, title: str,
               width: int = 940, height: int = 190, area: bool = True,
               words: tuple[str, str] = ("total", "peak")) -> Markup:
    """One or more series over the same buckets; the first is filled as an area. ``words`` name
    a series' total and peak in the description a screen reader reads (the page's language)."""
    pad = (44, 12, 12, 26)
    n = max((len(s.values) for s in series), default=0)
    top = _nice_max(max((max(s.values, default=0.0) for s in series), default=0.0))
    left, right, up, down = pad
    inner_w, inner_h = width - left - right, height - up - down
    body = _axes(width, height, pad, top, x_labels)
    for k, s in enumerate(series):
        if not s.values:
            continue
        pts = [(left + inner_w * (i + 0.5) / max(n, 1), up + inner_h * (1 - v / top))
               for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        if area and k == 0:
            base = up + inner_h
            body.append(f'<polygon class="area {s.css}" points="{pts[0][0]:.1f},{base} {path} '
                        f'{pts[-1][0]:.1f},{base}"/>')
        body.append(f'<polyline class="line {s.css}" points="{path}"/>')
    total, peak = words
    desc = "; ".join(f"{s.name}: {total} {_fmt(sum(s.values))}, {peak} {_fmt(max(s.values, default=0))}"
                     for s in series)
    return _frame(uid, title, desc, width, height, body)


def stacked_bars(uid: str, stacks: Sequence[Series], x_labels: Sequence[str], *, title: str,
                 width: int = 460, height: int = 220) -> Markup:
    """Bars per bucket, each split into the stacks (e.g. negative / neutral / positive)."""
    pad = (44, 12, 12, 26)
    n = max((len(s.values) for s in stacks), default=0)
    totals = [sum(s.values[i] if i < len(s.values) else 0 for s in stacks) for i in range(n)]
    top = _nice_max(max(totals, default=0.0))
    left, right, up, down = pad
    inner_w, inner_h = width - left - right, height - up - down
    body = _axes(width, height, pad, top, x_labels)
    slot = inner_w / max(n, 1)
    bar = max(1.0, slot * 0.7)
    for i in range(n):
        y = float(up + inner_h)
        for s in stacks:
            v = s.values[i] if i < len(s.values) else 0
            if v <= 0:
                continue
            h = inner_h * v / top
            y -= h
            x = left + slot * i + (slot - bar) / 2
            body.append(f'<rect class="{s.css}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                        f'height="{h:.1f}"><title>{escape(s.name)}: {v:.0f}</title></rect>')
    desc = "; ".join(f"{s.name}: {_fmt(sum(s.values))}" for s in stacks)
    return _frame(uid, title, desc, width, height, body)


def hbars(uid: str, items: Sequence[tuple[str, float]], *, title: str, width: int = 460,
          unit: str = "", highlight: str = "") -> Markup:
    """Horizontal bars with their labels and values (share of voice, top authors)."""
    row = 30
    height = max(row, row * len(items)) + 8
    label_w = 120
    top = max((v for _, v in items), default=0.0) or 1.0
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - label_w - 60) * value / top
        css = "c-accent" if label == highlight else "c-muted"
        body.append(f'<text class="label" x="{label_w - 8}" y="{y + 19}" text-anchor="end">'
                    f'{escape(label[:18])}</text>')
        body.append(f'<rect class="{css}" x="{label_w}" y="{y + 6}" width="{max(w, 1):.1f}" '
                    f'height="18" rx="3"/>')
        body.append(f'<text class="value" x="{label_w + max(w, 1) + 6:.1f}" y="{y + 19}">'
                    f'{escape(_fmt(value))}{escape(unit)}</text>')
    desc = "; ".join(f"{label}: {_fmt(v)}{unit}" for label, v in items)
    return _frame(uid, title, desc, width, height, body)


def sparkline(uid: str, values: Sequence[float], *, title: str, width: int = 160,
              height: int = 36, words: tuple[str, str] = ("total", "peak")) -> Markup:
    top = max(values, default=0.0) or 1.0
    n = len(values)
    pts = " ".join(f"{2 + (width - 4) * i / max(n - 1, 1):.1f},"
                   f"{height - 3 - (height - 6) * v / top:.1f}" for i, v in enumerate(values))
    body = [f'<polyline class="line c-accent" points="{pts}"/>'] if n else []
    desc = f"{words[0]} {_fmt(sum(values))}, {words[1]} {_fmt(max(values, default=0))}"
    return _frame(uid, title, desc, width, height, body)


__all__ = ["Series", "hbars", "line_chart", "sparkline", "stacked_bars"]
