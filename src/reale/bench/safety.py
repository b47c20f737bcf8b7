"""``make bench`` figures for the moment safety read: product complaints and hyperbole ("my phone
died", "I'm dead 😂") must not read as tragedies, and the real crises of CrisisLexT26 must, with the
figurative-use rules on and off (off is the read before the rules existed).

Run ``python -m reale.bench.safety`` to print them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from reale.bench._shared import shared_data
from reale.signals.safety import SafetyConfig, safety_read
from reale.simulate.scenarios.complaints import PHONE
from reale.understand.data import crisislex_related

Row = dict[str, Any]
CHUNK = 20  # posts a moment's safety read sees (MomentConfig.sample_texts)
# the #MelaFail moment's term and co-occurring terms as `reale demo` finds them
MELAFAIL_TERMS = {"it": ["#melafail", "mela", "morto", "mese"], "en": ["#melafail", "mela", "died", "month"]}
RULES = {"before (no figurative rules)": SafetyConfig(figurative_rules=False),
         "after": SafetyConfig()}


def examples() -> dict[str, dict[str, list[str]]]:
    """The written figurative and literal posts (safety_figurative.json), by kind and language."""
    raw = (Path(__file__).parent / "safety_figurative.json").read_text("utf-8")
    out: dict[str, dict[str, list[str]]] = json.loads(raw)
    return {k: out[k] for k in ("figurative", "literal")}


def grave(text: str, cfg: SafetyConfig) -> bool:
    """Whether the read counts ``text`` as using a tragic or violent word."""
    r = safety_read([], [text], lambda texts: [{} for _ in texts], cfg)
    return bool(r.tragic_terms or r.violent_terms)


def complaint_moments() -> dict[str, list[str]]:
    """The simulator's snowballing phone complaint (#MelaFail), every post of it, per language."""
    out = {}
    for lang, w in PHONE.items():
        posts = (w.complaint, w.follow_up, *w.pile_on, *w.replies)
        out[lang] = [p.format(at="@mela-mobile.bsky.social", product="Mela 12 Pro", tag="#MelaFail",
                              brand="Mela", first="@saraconti") for p in posts]
    return out


def _written_rows() -> list[Row]:
    rows = []
    ex = examples()
    for label, cfg in RULES.items():
        for kind, want in (("figurative", False), ("literal", True)):
            posts = [p for lang in ("en", "it") for p in ex[kind][lang]]
            right = sum(grave(p, cfg) == want for p in posts)
            rows.append({"name": f"safety.written.{kind}.read_right [{label}]", "value": right / len(posts),
                         "unit": f"share of {len(posts)} posts", "target": "report",
                         "note": "figurative: no tragic/violent cue; literal: keeps one"})
        for lang, posts in {**{f"written-{k}": v for k, v in ex["figurative"].items()},
                            **{f"melafail-{k}": v for k, v in complaint_moments().items()}}.items():
            r = safety_read(MELAFAIL_TERMS[lang[-2:]], posts, config=cfg)
            rows.append({"name": f"safety.product_moment.{lang}.verdict [{label}]", "value": r.verdict,
                         "unit": "", "target": "not avoid for a tragedy",
                         "note": "; ".join(r.reasons)[:160]})
    return rows


def _crisis_rows(data: Path, quick: bool) -> list[Row]:
    events = crisislex_related(data)
    if quick:
        events = dict(list(events.items())[:4])
    rows = []
    for label, cfg in RULES.items():
        posts = [p for ps in events.values() for p in ps]
        with_cue = sum(grave(p, cfg) for p in posts)
        moments = avoid = 0
        for ps in events.values():
            shuffled = random.Random(0).sample(ps, len(ps))
            for i in range(0, len(shuffled) - CHUNK + 1, CHUNK):
                moments += 1
                avoid += safety_read([], shuffled[i:i + CHUNK], config=cfg).verdict == "avoid"
        rows.append({"name": f"safety.crisislex.posts_with_cue [{label}]", "value": with_cue / len(posts),
                     "unit": f"share of {len(posts)} related tweets", "target": "unchanged"})
        rows.append({"name": f"safety.crisislex.moments_avoid [{label}]", "value": avoid / moments,
                     "unit": f"share of {moments} moments of {CHUNK} posts", "target": "unchanged",
                     "note": f"{len(events)} events; the moment's terms left out (posts only)"})
    return rows


def run(quick: bool = False) -> list[Row]:
    rows = _written_rows()
    data = shared_data()
    if data is not None and (data / "bursts" / "crisislex-t26").is_dir():
        rows += _crisis_rows(data, quick)
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("safety", run))
