"""The cold-start relevance prior, before the team has decided anything: is a mention about the
brand or about the word? Scored on real posts (the hand-labelled "apple" brand-vs-fruit check,
anchors = posts that address @apple or carry #apple) and on the simulator's brands (decoys such as
"chiusura lampo" against posts about the brand, in stream order, anchors learned as they come).

Run: ``python -m reale.bench.relevance_prior [--quick]`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

import numpy as np

from reale.bench._shared import shared_data
from reale.desk.opportunity_rules import DeskWeights
from reale.understand.relevance_prior import MIN_ANCHORS

FLOOR = DeskWeights().min_relevance  # below it a mention raises no opportunity
APPLE_ANCHOR = re.compile(r"@apple\b|#apple\b", re.IGNORECASE)


def run(quick: bool = False) -> list[dict[str, Any]]:
    from threadpoolctl import threadpool_limits

    from reale.understand.understander import Understander

    with threadpool_limits(limits=1):
        u = Understander.load()
        rows = _apple(u, draws=2 if quick else 5)
        rows += _simulated(u, minutes=10 if quick else 40)
        rows.append(_read_cost(64 if quick else 256))
    return rows


def _read_cost(n: int) -> dict[str, Any]:
    """Milliseconds per mention to read its relevance from the prior: a text the understander
    has not labelled (embedded for the read) against one it labelled a moment ago (its vector
    comes from the labelling), side by side in one run."""
    import time

    from reale.config import BrandConfig
    from reale.run.wiring import Understanding

    brand = BrandConfig(name="Mela", handles=("mela-mobile.bsky.social",), keywords=("mela",))
    understanding = Understanding((brand,))
    for i in range(20):
        understanding.relevance("Mela", f"@mela-mobile.bsky.social il mio Mela {i} si spegne")
    understanding.relevance("Mela", "the anchors embedded once, before the clock starts")
    cold = [f"il nuovo Mela {i} ha una batteria che dura {i % 7} giorni, che ne dite?"
            for i in range(n)]
    warm = [f"{t} davvero" for t in cold]
    understanding.label(warm, [None] * n, False)
    took = []
    for texts in (cold, warm):
        started = time.perf_counter()
        for t in texts:
            understanding.relevance("Mela", t)
        took.append((time.perf_counter() - started) / n * 1e3)
    return {"name": "relevance read per mention, labelled a moment ago", "value": round(took[1], 3),
            "unit": "ms", "note": f"{took[0]:.2f} ms for a text not labelled before (embedded for "
            f"the read); {n} mentions each, the prior with 20 anchors, one BLAS thread"}


def _apple(u: Any, draws: int) -> list[dict[str, Any]]:
    from reale.bench._understand_quality import _Memo, apple_rows
    from reale.understand.relevance_prior import BrandPrior

    data = shared_data()
    if data is None:
        return [{"name": "relevance prior 'apple'", "value": None, "unit": "", "ok": None,
                 "note": "skipped: ../shared/data not found"}]
    from sklearn.metrics import f1_score, roc_auc_score

    texts, brand = apple_rows(data)
    embed = _Memo(u.embed_for_relevance)  # each text embedded once across the draws

    anchors = np.flatnonzero([bool(APPLE_ANCHOR.search(t)) for t in texts])
    rows = []
    for n in (10, 20):
        auc, f_rel, f_word, lost, caught = [], [], [], [], []
        for seed in range(draws):
            rng = np.random.default_rng(seed)
            prior = BrandPrior("Apple", APPLE_ANCHOR, embed, u.background)
            for i in rng.choice(anchors, n, replace=False):
                prior.update(texts[i])
            rest = np.array([i for i in range(len(texts)) if not APPLE_ANCHOR.search(texts[i])])
            p = np.array(prior.get_batch([texts[i] for i in rest]), dtype=float)
            y = brand[rest]
            auc.append(roc_auc_score(y, p))
            lost.append(float(np.mean(p[y] < FLOOR)))
            caught.append(float(np.mean(p[~y] < FLOOR)))
            pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
            sel = np.concatenate((rng.choice(pos, len(neg), replace=False), neg))
            f_rel.append(f1_score(y[sel], p[sel] >= 0.5))
            f_word.append(f1_score(~y[sel], p[sel] < 0.5))
        note = (f"{int(brand.sum())} brand / {int((~brand).sum())} word posts, hand-labelled "
                f"(understand_apple.json); {n} of the {len(anchors)} posts addressing @apple or "
                f"carrying #apple as anchors, the other posts scored; {draws} draws; no team "
                "decision")
        rows += [
            {"name": f"relevance prior 'apple', {n} anchors: AUC brand vs word",
             "value": round(float(np.mean(auc)), 4), "unit": "", "note": note},
            {"name": f"relevance prior 'apple', {n} anchors: F1 brand / F1 word (balanced, at 0.5)",
             "value": round(float(np.mean(f_rel)), 4), "unit": "",
             "note": f"F1 of the word: {np.mean(f_word):.3f}; keeping every match scores F1 "
                     "0.667 on the brand and 0 on the word"},
            {"name": f"relevance prior 'apple', {n} anchors: word posts below the opportunity "
                     f"floor ({FLOOR})", "value": round(float(np.mean(caught)), 4), "unit": "share",
             "note": f"brand posts below it (lost): {np.mean(lost):.3f}"},
        ]
    return rows


def _simulated(u: Any, minutes: int) -> list[dict[str, Any]]:
    from reale.events import Post
    from reale.match.matcher import Matcher
    from reale.run.kafka.check import simulated_brands
    from reale.simulate.engine import Simulator
    from reale.sources.jetstream import parse

    brands = simulated_brands()
    priors = {b.name: u.relevance_prior(b.name, b.handles, b.hashtags, b.keywords) for b in brands}
    sim = Simulator(seed=3)
    matcher = Matcher.from_brands(brands)
    scored: dict[tuple[str, str], float | None] = {}
    for _, line in sim.timed(duration=minutes * 60.0):
        for ev in parse(line):
            if not isinstance(ev, Post):
                continue
            for m in matcher.match(ev):
                prior = priors[m.brand]
                prior.update(ev.text)
                scored[(m.brand, ev.uri)] = prior.get(ev.text)
    truth = sim.truth()
    decoy = [scored.get((d.brand, d.uri)) for d in truth.decoys]
    about = [scored.get((d.brand, d.uri)) for d in truth.brand_posts]
    decoy_p = np.array([p for p in decoy if p is not None])
    about_p = np.array([p for p in about if p is not None])
    note = (f"{minutes} simulated minutes, brands {', '.join(b.name for b in brands)}; "
            f"{len(decoy_p)} of {len(decoy)} decoys and {len(about_p)} of {len(about)} posts "
            f"about a brand scored (the rest came before the brand's {MIN_ANCHORS} anchors or did not "
            "match); the simulator's texts are templates, not a test set")
    return [
        {"name": f"relevance prior, simulator: decoys below the opportunity floor ({FLOOR})",
         "value": round(float(np.mean(decoy_p < FLOOR)), 4) if len(decoy_p) else None,
         "unit": "share", "note": note},
        {"name": "relevance prior, simulator: posts about the brand below the floor (lost)",
         "value": round(float(np.mean(about_p < FLOOR)), 4) if len(about_p) else None,
         "unit": "share", "note": f"below 0.5: {np.mean(about_p < 0.5):.3f}" if len(about_p) else ""},
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    from reale.bench.__main__ import print_rows

    print_rows("relevance_prior", run(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
