"""The moments' safety read on real posts: groups of 12 everyday tweets (the sentiment sets'
validation splits: no moment there is a tragedy) and groups of 12 tweets about each CrisisLex-T26
crisis (every one a tragedy), read with the signals' lexicon labeller and with the understanding
models (sentiment, emotion, crisis) side by side.

The crisis head was trained on these crisis tweets: its event-held-out figures are in
``understand/models/crisis-v1.json`` (AUC 0.987, 88.5% of an unseen event's tweets read as crisis);
the everyday groups come from validation splits it never saw.
"""

from __future__ import annotations

import collections
import json
import random
import time
from pathlib import Path
from typing import Any

from reale.signals.safety import SAFETY_TASKS, Labeller, safety_read, understanding_labeller
from reale.signals.terms import words
from reale.understand.data import crisislex_related

GROUP = 12  # posts per moment, as a hot term's sample holds
Row = dict[str, Any]


def _jsonl(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def _keywords(group: list[str]) -> list[str]:
    common = collections.Counter(w for t in group for w in words(t, hashtags=True)).most_common(3)
    return [w for w, _ in common]


def _verdicts(groups: list[list[str]], labeller: Labeller | None) -> collections.Counter[str]:
    seen: collections.Counter[str] = collections.Counter()
    for g in groups:
        seen[safety_read(_keywords(g), g, labeller).verdict] += 1
    return seen


def _reads_per_second(groups: list[list[str]], labeller: Labeller) -> tuple[float, float]:
    """Moments read per second of CPU time (this process's, on one BLAS thread: what one core
    does, little swayed by other work on the machine) and per second of wall time."""
    keywords = [_keywords(g) for g in groups]
    cpu, wall = time.process_time(), time.perf_counter()
    for k, g in zip(keywords, groups, strict=True):
        safety_read(k, g, labeller)
    return (len(groups) / (time.process_time() - cpu),
            len(groups) / (time.perf_counter() - wall))


def speed_row(u: Any, groups: list[list[str]], rounds: int) -> Row:
    """Moments read per CPU second with the models' labeller asked for every label (as it was)
    and for the safety read's three (as it is), on one core: alternated ``rounds`` times after a
    warm-up pass, the best of each; and whether both give the same labels."""
    from threadpoolctl import threadpool_limits

    from reale.understand.understander import TASKS

    every = understanding_labeller(u.annotate_batch, tasks=TASKS)
    safety = understanding_labeller(u.annotate_batch)
    with threadpool_limits(limits=1):
        same = all(every(g) == safety(g) for g in groups)  # also the warm-up: weights paged in
        before, after = [], []
        for _ in range(rounds):
            before.append(_reads_per_second(groups, every))
            after.append(_reads_per_second(groups, safety))
    (b, b_wall), (a, a_wall) = max(before), max(after)
    return {"name": "safety read (understanding models): moments read per CPU second, one core",
            "value": a, "unit": "moments/s", "target": "faster than every label, same labels",
            "ok": a > b and same,
            "note": f"{len(groups)} groups of {GROUP} posts, best of {rounds}: every label "
                    f"({', '.join(TASKS)}) {b:.1f}/s = {b * GROUP:.0f} posts/s; "
                    f"{', '.join(SAFETY_TASKS)} only {a:.1f}/s = {a * GROUP:.0f} posts/s "
                    f"({a / b:.2f}x; by the wall clock {b_wall * GROUP:.0f} → "
                    f"{a_wall * GROUP:.0f} posts/s); same sentiment, emotion, crisis labels: "
                    f"{'yes' if same else 'NO'}"}


def run(quick: bool = False) -> list[Row]:
    from reale.bench._shared import shared_data

    data = shared_data()
    if data is None:
        return [{"name": "safety read", "value": None, "ok": None, "note": "skipped: no shared data"}]
    from threadpoolctl import threadpool_limits

    from reale.understand.understander import Understander

    u = Understander.load()
    models = understanding_labeller(u.annotate_batch)
    rng = random.Random(1)
    per_lang, per_event = (10, 1) if quick else (40, 4)
    everyday = [rng.sample(_jsonl(data / f"sentiment/{lang}/val.jsonl"), GROUP)
                for lang in ("en", "it") for _ in range(per_lang)]
    crises = [rng.sample(texts, GROUP) for texts in crisislex_related(data).values()
              for _ in range(per_event)]
    rows: list[Row] = []
    for name, labeller in (("lexicons", None), ("understanding models", models)):
        with threadpool_limits(limits=1):  # one core, as the understand bench reads it
            calm, tragic = _verdicts(everyday, labeller), _verdicts(crises, labeller)
        rows.append({"name": f"safety read ({name}): crisis moments read avoid",
                     "value": tragic["avoid"] / len(crises), "unit": "share",
                     "note": f"{len(crises)} groups of {GROUP} CrisisLex-T26 tweets, 20 events: "
                             f"{dict(tragic)}"})
        rows.append({"name": f"safety read ({name}): everyday moments read avoid",
                     "value": calm["avoid"] / len(everyday), "unit": "share",
                     "note": f"{len(everyday)} groups of {GROUP} validation tweets (en, it; the "
                             f"Italian set is political, hence caution): {dict(calm)}"})
    rows.append(speed_row(u, (everyday + crises)[::4], 1 if quick else 3))
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("signals_safety", run))
