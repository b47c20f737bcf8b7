"""Alert fatigue on ``reale demo``'s stream: how many moment alerts each scenario's story raises
per scope (the whole stream and the brands), and how many are named by a generic word ("seen",
"stadio") rather than a hashtag, a phrase or a name. ``python -m reale.bench.signals_fatigue``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from reale.bench.signals_moments import play_story
from reale.signals.moment_scope import MomentAlert
from reale.signals.terms import cased_words


def generic_name(alert: MomentAlert) -> bool:
    """A one-word name that its example posts write in lower case (past their first word): a
    common word ("seen", "phone", "aspetto"), not a name ("Valleverde", "Mela")."""
    term = alert.term
    if term.startswith("#") or " " in term:
        return False
    uses = [cap for e in alert.examples for w, cap in cased_words(e.text)[1:] if w == term]
    return not uses or sum(uses) < 0.6 * len(uses)


def story_of(alert: MomentAlert, uris: dict[str, set[str]]) -> str:
    """The scenario most of the alert's example posts belong to, or "background"."""
    for name, mine in uris.items():
        if sum(e.uri in mine for e in alert.examples) * 2 > len(alert.examples):
            return name
    return "background"


def fatigue(seeds: Sequence[int]) -> dict[str, Any]:
    """Per (story, scope kind: "*" or "brand"): moment alerts (distinct moments: a moment
    updated or read again counts once) summed over ``seeds``; and the generic-word names."""
    per: dict[tuple[str, str], int] = {}
    names: dict[tuple[str, str], list[str]] = {}
    generic: list[str] = []
    owned = 0
    total = 0
    for seed in seeds:
        run = play_story(seed, brands=True)
        uris = {n: {e.uri for e in t.events} for n, t in run.truths.items()}
        for (scope, _, _), alert in run.scoped.items():
            total += 1
            key = (story_of(alert, uris), "*" if scope == "*" else "brand")
            per[key] = per.get(key, 0) + 1
            names.setdefault(key, []).append(f"{seed}:{scope}:{alert.term}" + (
                f"(+{','.join(alert.also)})" if getattr(alert, "also", ()) else "") + (
                f"[{alert.safety.verdict}]" if alert.safety else ""))
            owned += bool(getattr(alert, "owner", ""))
            if generic_name(alert):
                generic.append(f"{seed}:{scope}:{alert.term}")
    return {"alerts": total, "per_story_scope": per, "names": names, "generic": generic,
            "owned": owned,
            "seeds": len(seeds)}


def rows(quick: bool = False) -> list[dict[str, Any]]:
    """``make bench`` rows: moment alerts per scenario story per scope (mean over the seeds),
    and the generic-word names."""
    from reale.bench._shared import row

    seeds = (7, 8) if quick else tuple(range(1, 9))
    r = fatigue(seeds)
    note = f"reale demo's stream, seeds {seeds[0]}-{seeds[-1]}, brands matched"
    out = []
    for (story, scope), n in sorted(r["per_story_scope"].items()):
        if story == "background":
            continue
        # one alert per story in a brand's scope; the whole stream's stories: see docs/signals.md
        one = scope == "brand"
        out.append(row(f"moments.fatigue.{story}.{'whole' if scope == '*' else 'brand'}",
                       n / r["seeds"], "alerts per story",
                       "<= 1" if one else "report", n / r["seeds"] <= 1.0 if one else None,
                       note))
    out.append(row("moments.fatigue.generic_word_names", len(r["generic"]), "moments", "report",
                   None, " ".join(r["generic"])[:300]))
    return out


def seeds_from(argv: Sequence[str]) -> list[int]:
    """The demo seeds a direct run reports on: those given, else 7-8 with ``--quick`` (as ``make
    bench --quick``), else 1-8."""
    ap = argparse.ArgumentParser(prog="python -m reale.bench.signals_fatigue", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="seeds 7-8 only, for a smoke run")
    ap.add_argument("seeds", nargs="*", type=int, help="demo seeds (default 1-8)")
    args = ap.parse_args(list(argv))
    return list(args.seeds) or ([7, 8] if args.quick else list(range(1, 9)))


def main(argv: Sequence[str]) -> int:
    """Run by itself: the per-story report with every moment's name."""
    seeds = seeds_from(argv)
    r = fatigue(seeds)
    print(f"{r['alerts']} moment alerts over seeds {seeds}; owned by a brand: {r['owned']}")
    for (story, scope), n in sorted(r["per_story_scope"].items()):
        print(f"  {story:12s} {scope:6s} {n:4d} alerts  ({n / r['seeds']:.2f} per seed)")
        print("      " + " ".join(r["names"][(story, scope)]))
    print(f"generic-word names: {len(r['generic'])}: {' '.join(r['generic'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
