"""Intent figures in one run: speech acts → intent macro-F1 and complaint-as-intent F1 on the
held-out rows, the simulator's brand templates read as their kind, and how the sentiment
validation posts (SENTIPOLC for Italian, TweetEval/UMSAB for English) are read, per human label.

    PYTHONPATH=src python scripts/intent_figures.py [--misses]

The templates are the simulator's (reale.simulate.brands.TEMPLATES), filled with each category's
default brand and first product; "neutral" counts as "other". Report the template share, never tune
to it alone: they are 75 sentences written by us.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

from reale.simulate.brands import DEFAULT_BRANDS, TEMPLATES
from reale.understand.data import is_held_out, iter_rows, shared_data
from reale.understand.evaluate import evaluate
from reale.understand.understander import Understander

INTENTS = ("praise", "complaint", "appeal", "question", "other")


def _templates() -> list[tuple[str, str, str]]:
    """(language, text, kind) for every simulator brand template."""
    brands = {b.category: b for b in DEFAULT_BRANDS}
    out = []
    for category, by_lang in TEMPLATES.items():
        b = brands.get(category, DEFAULT_BRANDS[0])
        fill = {"brand": b.name, "at": "@" + b.handle, "tag": (b.hashtags or ("",))[0],
                "product": (b.products or (b.name,))[0]}
        for lang, by_kind in by_lang.items():
            for kind, texts in by_kind.items():
                out += [(lang, t.format(**fill), "other" if kind == "neutral" else kind) for t in texts]
    return out


def _reads_by_label(u: Understander, path: Path, lang: str) -> dict[str, dict[str, int]]:
    """How the posts of a sentiment file are read, per their human sentiment label."""
    rows = list(iter_rows(path))
    reads = u.annotate_batch([r.text for r in rows], [lang] * len(rows), tasks=("language", "sentiment", "intent"))
    counts = collections.Counter((r.label, x.intent) for r, x in zip(rows, reads, strict=True))
    labels = sorted({r.label for r in rows})
    return {label: {i: counts[(label, i)] for i in INTENTS} for label in labels}


def main(misses: bool = False) -> dict[str, object]:
    data, u = shared_data(), Understander.load()
    acts = evaluate(u, "intent", data / "speech-acts/en/train.jsonl", held_out=True)
    rows = [r for r in iter_rows(data / "complaints/en/train.jsonl") if is_held_out(r.id)]
    reads = u.annotate_batch([r.text for r in rows], ["en"] * len(rows), tasks=("language", "sentiment", "intent"))
    pairs = [(r.label == "complaint", x.intent == "complaint") for r, x in zip(rows, reads, strict=True)]
    tp, fp, fn = (sum(g and p for g, p in pairs), sum(p and not g for g, p in pairs),
                  sum(g and not p for g, p in pairs))
    tpl = _templates()
    reads = u.annotate_batch([t for _, t, _ in tpl], [lang for lang, _, _ in tpl])
    if misses:
        for (_, text, kind), x in zip(tpl, reads, strict=True):
            if x.intent != kind:
                print(f"{kind:9s} read {x.intent:9s} {text}", file=sys.stderr)
    reads_by_label = {lang: _reads_by_label(u, data / f"sentiment/{lang}/val.jsonl", lang) for lang in ("it", "en")}
    return {
        "speech_acts_intent_macro_f1": round(100 * acts.macro_f1, 2),
        "complaint_as_intent_f1": round(200 * tp / (2 * tp + fp + fn), 2),
        "templates_read_as_their_kind": f"{sum(x.intent == k for (_, _, k), x in zip(tpl, reads, strict=True))}/{len(tpl)}",
        "sentipolc_val_reads": reads_by_label["it"],
        "english_sentiment_val_reads": reads_by_label["en"],
    }


if __name__ == "__main__":
    print(json.dumps(main("--misses" in sys.argv), indent=1))
