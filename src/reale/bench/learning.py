"""How long a restarted runner takes to learn again what the team taught: replaying the stored
decisions into the desk weights, rebuilding a brand's relevance model from the decisions it
remembers, and, on Kafka, recovering a brand's model when its partition is assigned — recalled
from beside the snapshot or rebuilt from the store, side by side (``python -m reale.bench.learning``)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.run.learning import Teacher
from reale.store import Store, open_store
from reale.understand.relevance import REMEMBER
from reale.web.data import record_of, write_opportunities

T0 = 1_780_000_000.0
ACTIONS = ("handled", "irrelevant", "not_worth")
MELA = BrandConfig(name="Mela", keywords=("mela",), handles=("mela-mobile",))
TARGET_REPLAY_S = 2.0  # 10,000 decisions (years of a busy team's work) learned again at start


def store_decided(store: Store, brand: str, ids: range, at: float, text: str,
                  actions: tuple[str, ...] = ACTIONS, step: float = 1.0) -> None:
    """Opportunities of ``brand`` (post ``i`` of ``ids`` says ``text.format(i)``), each decided
    once at ``at`` + ``step`` apart, the actions taken in turn from ``actions``."""
    records = []
    for i in ids:
        inp = OpportunityInput(brand=brand, post_uri=f"at://did:plc:b/app.bsky.feed.post/{i}",
                               text=text.format(i), addressed_directly=True, intent="question",
                               intent_confidence=0.8, created_at=at)
        opp = score_opportunity(inp, DeskWeights())
        assert opp is not None
        records.append(record_of(opp))
    with store.transaction() as tx:
        write_opportunities(tx, records, now=at)
        for k, r in enumerate(records):
            tx.execute("INSERT INTO opportunity_decisions (opportunity_key, action, actor, role,"
                       " at, body) VALUES (?, ?, 'bench', 'responder', ?, (SELECT body FROM"
                       " opportunities WHERE key = ?))",
                       (r.key, actions[k % len(actions)], at + k * step, r.key))


def _fill(store: Store, n: int) -> None:
    """``n`` opportunities of one brand, each decided once (handled, irrelevant, not worth it)."""
    store_decided(store, "Mela", range(n), T0, "@mela-mobile ciao Mela, il telefono numero {} non carica")


def _timed(teacher: Teacher) -> tuple[int, float]:
    started = time.perf_counter()
    n = teacher.replay()
    return n, time.perf_counter() - started


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 10_000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="reale-bench-") as tmp, \
            open_store(f"sqlite:///{Path(tmp) / 'learning.sqlite'}", clock=ManualClock(T0)) as store:
        _fill(store, n)
        done, seconds = _timed(Teacher(store, FeedbackLearner(DeskWeights()), None))
        rows.append({"name": "learning.replay_weights_s", "value": seconds, "unit": "s",
                     "target": TARGET_REPLAY_S if n == 10_000 else None,
                     "ok": seconds <= TARGET_REPLAY_S,
                     "note": f"{done:,} stored decisions into the desk weights (SQLite)"})
        from reale.run.wiring import Understanding

        understanding = Understanding((MELA,))
        _, seconds = _timed(Teacher(store, FeedbackLearner(DeskWeights()), understanding))
        kept = len(understanding.models["Mela"])
        rows.append({"name": "learning.replay_with_relevance_s", "value": seconds, "unit": "s",
                     "note": f"the same, and one brand's relevance model rebuilt from the "
                             f"{kept} decisions it remembers (cap {REMEMBER})"})
        from reale.bench._learning_kafka import assignment_rows, stall_rows

        rows.extend(assignment_rows(store, understanding, MELA, now=T0 + n + 3600,
                                    repeats=2 if quick else 3))
        rows.extend(stall_rows(store, understanding, MELA, now=T0 + n + 7200))
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("learning", run))
