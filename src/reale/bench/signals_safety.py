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
from pathlib import Path
from typing import Any

from reale.signals.safety import Labeller, safety_read, understanding_labeller
from reale.signals.terms import words
from reale.understand.data import crisislex_related

GROUP = 12  # posts per moment, as a hot term's sample holds


def _jsonl(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def _verdicts(groups: list[list[str]], labeller: Labeller | None) -> collections.Counter[str]:
    seen: collections.Counter[str] = collections.Counter()
    for g in groups:
        common = collections.Counter(w for t in g for w in words(t, hashtags=True)).most_common(3)
        seen[safety_read([w for w, _ in common], g, labeller).verdict] += 1
    return seen


def run(quick: bool = False) -> list[dict[str, Any]]:
    from reale.bench._shared import shared_data

    data = shared_data()
    if data is None:
        return [{"name": "safety read", "value": None, "ok": None, "note": "skipped: no shared data"}]
    from reale.understand.understander import Understander

    u = Understander.load()
    models = understanding_labeller(lambda texts, langs, fast: u.annotate_batch(texts, langs))
    rng = random.Random(1)
    per_lang, per_event = (10, 1) if quick else (40, 4)
    everyday = [rng.sample(_jsonl(data / f"sentiment/{lang}/val.jsonl"), GROUP)
                for lang in ("en", "it") for _ in range(per_lang)]
    crises = [rng.sample(texts, GROUP) for texts in crisislex_related(data).values()
              for _ in range(per_event)]
    rows: list[dict[str, Any]] = []
    for name, labeller in (("lexicons", None), ("understanding models", models)):
        calm, tragic = _verdicts(everyday, labeller), _verdicts(crises, labeller)
        rows.append({"name": f"safety read ({name}): crisis moments read avoid",
                     "value": tragic["avoid"] / len(crises), "unit": "share",
                     "note": f"{len(crises)} groups of {GROUP} CrisisLex-T26 tweets, 20 events: "
                             f"{dict(tragic)}"})
        rows.append({"name": f"safety read ({name}): everyday moments read avoid",
                     "value": calm["avoid"] / len(everyday), "unit": "share",
                     "note": f"{len(everyday)} groups of {GROUP} validation tweets (en, it; the "
                             f"Italian set is political, hence caution): {dict(calm)}"})
    return rows
