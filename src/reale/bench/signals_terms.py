"""Precision of whole-stream moment alerts: the simulator's everyday background with injected
bursts (hashtags, words, two-word names), read with the first term extractor (a hand-written stop
list, single words) and with the current one (stop words from data, bigrams, one alert a moment).

An alert is *on topic* when its term is an injected term or one of its words; every other alert
is on an ordinary word. Run ``python -m reale.bench --only signals_terms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec

from reale.clock import ManualClock
from reale.events import Post
from reale.signals.moment_scope import MomentConfig
from reale.signals.moments import GLOBAL, Extractor, MomentDetector
from reale.signals.terms import terms
from reale.simulate import Simulator
from reale.sources.jetstream import JetstreamParser

HOUR = 3600.0
# (term, language of its posts); none of them is used by the simulator's background
BURSTS = (("#blackout", "it"), ("stadio olimpico", "it"), ("power outage", "en"),
          ("grandinata", "it"), ("solar eclipse", "en"), ("#sciopero", "it"))


@dataclass(frozen=True)
class Run:
    key: str
    label: str
    extractor: Extractor
    config: MomentConfig


def stream(seed: int, hours: float, rate: float) -> tuple[list[Post], list[tuple[str, float, float]]]:
    """Posts of a simulated stream with one burst (1 post/min, then 10× for 10 minutes) every
    40 minutes after the first hour, and the bursts as (term, onset, end)."""
    sim = Simulator(seed=seed, rate=rate, authors=5_000)
    start = sim.config.start
    truth = []
    for i in range(int((hours - 1.0) * HOUR / 2400.0)):
        term, lang = BURSTS[i % len(BURSTS)]
        b = sim.inject_burst(term, HOUR + 2400.0 * i + 300.0, 10.0, 600.0, baseline=1 / 60.0,
                             lang=lang)
        truth.append((term, b.onset, b.onset + b.duration))
    parser = JetstreamParser()
    posts = [ev for line in sim.take(duration=hours * HOUR) for ev in parser.parse(line)
             if isinstance(ev, Post)]
    return [p for p in posts if p.created_at >= start], truth


def score(run: Run, posts: list[Post], truth: list[tuple[str, float, float]]) -> dict[str, Any]:
    clock = ManualClock(posts[0].created_at if posts else 0.0)
    det = MomentDetector(run.config, clock, extractor=run.extractor)
    alerts = []
    raised: set[tuple[str, float]] = set()  # a story's update (same moment) is no new alert
    for p in posts:
        clock.set(p.created_at)
        for a in det.update(p, (GLOBAL,)):
            if (a.term, a.at) not in raised:
                raised.add((a.term, a.at))
                alerts.append(a)
    topical = {w for term, _, _ in truth for w in (term, *term.lstrip("#").split())}
    on_topic = [a for a in alerts if a.term in topical or a.term.lstrip("#") in topical]
    found = 0
    for term, onset, _ in truth:
        words = {term, *term.lstrip("#").split()}
        if any(a.term in words and onset <= a.at <= onset + 120.0 for a in alerts):
            found += 1
    ordinary = sorted({a.term for a in alerts} - {a.term for a in on_topic})
    return {"label": run.label, "alerts": len(alerts), "on_topic": len(on_topic),
            "ordinary": len(alerts) - len(on_topic), "ordinary_terms": ordinary[:12],
            "precision": len(on_topic) / len(alerts) if alerts else float("nan"),
            "bursts": len(truth), "found_within_2min": found,
            "alerts_per_burst": len(on_topic) / len(truth) if truth else float("nan")}


def runs() -> list[Run]:
    cfg = MomentConfig()
    first = msgspec.structs.replace(cfg, fold_share=0.0, max_threads=0)
    return [Run("before", "hand stop list, words only, every reply counts", first_terms, first),
            Run("terms", "stop words from data, bigrams, one alert a moment; every reply counts",
                terms, msgspec.structs.replace(cfg, max_threads=0)),
            Run("after", "the same, and a term counts once per conversation per short window",
                terms, cfg)]


def run(quick: bool = False) -> list[dict[str, Any]]:
    hours, rate = (3.0, 15.0) if quick else (9.0, 30.0)
    posts, truth = stream(11, hours, rate)
    rows = []
    found_before = None
    for r in runs():
        s = score(r, posts, truth)
        found = s["found_within_2min"]
        found_before = found if found_before is None else found_before
        note = (f"{r.label}; {s['on_topic']} on topic / {s['alerts']} alerts, ordinary: "
                + ", ".join(s["ordinary_terms"]))
        rows.append({"name": f"moments.sim_terms.{r.key}.precision", "value": s["precision"],
                     "unit": "share", "target": "report", "ok": True, "note": note})
        rows.append({"name": f"moments.sim_terms.{r.key}.ordinary_word_alerts",
                     "value": s["ordinary"], "unit": "alerts", "target": "report", "ok": True,
                     "note": f"{len(posts):,} posts over {hours:.0f} simulated hours"})
        rows.append({"name": f"moments.sim_terms.{r.key}.found_within_2min", "value": found,
                     "unit": f"of {s['bursts']} bursts", "target": ">= before",
                     "ok": found >= found_before,
                     "note": f"on-topic alerts per burst {s['alerts_per_burst']:.1f}"})
    return rows


# -- the first extractor, kept as the baseline --------------------------------------------------
_URL = re.compile(r"https?://\S+|www\.\S+|@[\w.-]+", re.IGNORECASE)
_ELISION = re.compile(r"^(?:[a-z]{1,4})['’](?=\w)")
_TOKEN = re.compile(r"[#@]?[^\W_][\w'’-]*", re.UNICODE)
_FIRST_STOP_TEXT = """
a about after again all also am an and any are as at be because been before being but by can
could did do does doing don done down for from get got had has have having he her here hers him
his how i if in into is it its it's just like me more most my no not now of off on once only or
other our out over own rt same she should so some such than that the their them then there these
they this those through to too under until up very via was we were what when where which while
who whom why will with would you your yours yes im i'm dont can't cant amp one two new see still
il lo la i gli le un uno una di da in con su per tra fra e ed o ma se che chi cui non si ci ne
mi ti vi del dello della dei degli delle al allo alla ai agli alle dal dallo dalla dai dagli
dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle come anche più piu già gia
sono sei è e' era erano essere ho hai ha abbiamo avete hanno questo questa questi queste quello
quella quelli quelle suo sua suoi sue mio mia tuo tua nostro nostra loro lui lei noi voi io tu
molto poco tutto tutti tutte ancora dopo prima quando dove perché perche cosa così cosi fa fare
oggi ieri domani solo sempre mai poi qui qua lì là c'è ce via
due tre quattro cinque sei sette otto nove dieci three four five six seven eight nine ten
"""
_FIRST_STOP = frozenset(_FIRST_STOP_TEXT.split())


def first_terms(text: str, hashtags: tuple[str, ...] = (), limit: int = 32) -> list[str]:
    """The extractor as it was before stop words were learned (lower-cased words, hand list)."""
    out: dict[str, None] = {}
    for tag in hashtags:
        t = "#" + tag.lower().lstrip("#")
        if len(t) > 2:
            out[t] = None
    for m in _TOKEN.finditer(_URL.sub(" ", text[:4000])):
        if len(out) >= limit:
            break
        tok = _ELISION.sub("", m.group(0).lower()).strip("'’-")
        if tok.startswith("@") or tok in _FIRST_STOP or tok.isdigit():
            continue
        if len(tok) >= 3:
            out[tok] = None
    return list(out)[:limit]
