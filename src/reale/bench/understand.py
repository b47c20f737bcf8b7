"""Understanding: quality on every validation set beside VADER and a character n-gram baseline,
relevance from 20 team decisions, and speed, size and memory of the shipped models.

Quality figures are validation figures (see docs/understand.md); the held-out test splits are
scored elsewhere. ``quick`` scores at most 300 rows per set and skips the baseline training.
"""

from __future__ import annotations

import os
import time
from typing import Any

from reale.bench._rss import in_fresh_process
from reale.understand import models as ms

QUALITY_TARGETS = {  # (head, validation set) → (metric, target) from issue 3
    ("sentiment-en", "sentiment/en val"): ("macro_recall", 0.70),
    ("sentiment-it", "sentiment/it val"): ("macro_f1", 0.68),
    ("complaint", "complaints/en/train.jsonl (held out)"): ("macro_f1", 0.84),
    ("emotion", "emotion/it/feel-it.jsonl (held out)"): ("macro_f1", 0.57),
}


def _row(name: str, value: float, unit: str, target: float | None = None, note: str = "",
         higher: bool = True) -> dict[str, Any]:
    ok = None if target is None else (value >= target if higher else value <= target)
    return {"name": name, "value": round(value, 4), "unit": unit, "target": target, "ok": ok, "note": note}


def run(quick: bool = False) -> list[dict[str, Any]]:
    from threadpoolctl import threadpool_limits

    from reale.understand.understander import Understander

    started = time.perf_counter()
    with threadpool_limits(limits=1):
        u = Understander.load()
        rows = [*_speed(u, quick), _size()]
        rows.append(_row("understand RSS with all models loaded", _rss_of_fresh_labeller(), "MB",
                         700, "peak resident set of a fresh process that loads every model and "
                         "labels 512 posts in batches of 256", higher=False))
        from reale.bench._understand_quality import quality_rows, relevance_rows

        rows += quality_rows(u, quick)
        rows += relevance_rows(u, quick)
    rows.append(_row("understand bench wall time", time.perf_counter() - started, "s"))
    return rows


_LABEL_AND_MEASURE = """
import json
from reale.bench._rss import peak_rss_mb
from reale.understand.understander import Understander
u = Understander.load()
texts = [f"post {i}: la consegna è in ritardo, @brand mi aiutate? / my order is late" for i in range(512)]
for i in range(0, 512, 256):
    u.annotate_batch(texts[i:i + 256])
print(json.dumps(peak_rss_mb()))
"""


def _rss_of_fresh_labeller() -> float:
    return float(in_fresh_process(_LABEL_AND_MEASURE))


def _size() -> dict[str, Any]:
    total = sum(p.stat().st_size for p in ms.MODELS_DIR.iterdir() if p.is_file())
    return _row("understand model files", total / 1e6, "MB", 50, "src/reale/understand/models/, "
                "plus the USE wheel's 33 MB", higher=False)


def _speed(u: Any, quick: bool) -> list[dict[str, Any]]:
    from reale.understand.data import load_split, shared_data

    split = load_split(shared_data(), "sentiment/en")
    texts = [r.text for r in split.val] + [r.text for r in load_split(shared_data(), "sentiment/it").val]
    n_full = 500 if quick else 2000
    full = (texts * 4)[:n_full]
    u.annotate_batch(full[:64])  # warm up
    t0 = time.perf_counter()
    for i in range(0, len(full), 256):
        u.annotate_batch(full[i:i + 256])
    full_rate = len(full) / (time.perf_counter() - t0)
    fast = (texts * 10)[: 5000 if quick else 20000]
    t0 = time.perf_counter()
    for i in range(0, len(fast), 1000):
        u.annotate_batch(fast[i:i + 1000], fast=True)
    fast_rate = len(fast) / (time.perf_counter() - t0)
    cores = f"one BLAS thread, batches of 256; machine has {os.cpu_count()} shared cores"
    return [_row("understand all labels", full_rate, "posts/s", 500, cores),
            _row("understand fast labels (language + n-gram sentiment)", fast_rate, "posts/s", 10000,
                 "batches of 1000")]
