"""The response-time target reaches the team before it is missed: an open opportunity worth an
alert raises an ``sla`` alert when 80% of its kind's target has passed, and again once missed;
one that was decided, or that scores below the alert threshold, raises none."""

from __future__ import annotations

from typing import Any

from reale.clock import ManualClock
from reale.desk.opportunity import Opportunity, OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights, ResponseTargets
from reale.desk.queue import OpportunityQueue
from reale.run.slawatch import SlaWatch

T0 = 1_700_000_000.0


def _opp(uri: str, kind: str, *, brand: str = "Acme") -> Opportunity:
    inp = OpportunityInput(brand=brand, brand_handle="acme", post_uri=uri, intent=kind,
                           intent_confidence=0.9, complaint=0.95 if kind == "complaint" else 0.0,
                           created_at=T0, addressed_directly=True,
                           text=f"my {kind}", author_handle="anna.bsky.social")
    opp = score_opportunity(inp, DeskWeights())
    assert opp is not None
    return opp


def test_a_complaint_is_announced_before_its_target_and_again_when_missed() -> None:
    clock = ManualClock(T0)
    queue = OpportunityQueue(clock, ResponseTargets(complaint=1800))
    complaint = queue.update(_opp("at://a/1", "complaint"))
    assert complaint is not None and complaint.score >= 0.6
    raised: list[dict[str, Any]] = []
    watch = SlaWatch(queue, raised.append, min_score=0.6, interval=15)

    def at(t: float) -> None:
        clock.advance(T0 + t - clock.now())
        watch.update(clock.now())

    for t in range(0, 1440, 15):  # until 80% of 30 minutes
        at(t)
    assert raised == []
    at(1440)
    at(1455)
    assert [(r["opportunity_id"], r["due_at"], r["kind"]) for r in raised] == \
        [(complaint.id, T0 + 1800, "complaint")]
    assert raised[0]["brand"] == "Acme" and raised[0]["author"] == "anna.bsky.social"
    at(1800)
    at(3600)
    assert len(raised) == 2 and raised[1]["due_at"] == T0 + 1800  # missed: said once more


def test_decided_and_low_scoring_opportunities_raise_nothing() -> None:
    clock = ManualClock(T0)
    queue = OpportunityQueue(clock, ResponseTargets(complaint=1800))
    handled = queue.update(_opp("at://a/1", "complaint"))
    assert handled is not None
    queue.resolve(handled.id, "handled")
    queue.update(_opp("at://a/2", "complaint"))  # open, but below the threshold below
    clock.advance(4000)
    raised: list[dict[str, Any]] = []
    SlaWatch(queue, raised.append, min_score=0.99).update(clock.now())
    assert raised == []
    SlaWatch(queue, raised.append, min_score=0.6).update(clock.now())
    assert [r["opportunity_id"] for r in raised] == ["Acme|at://a/2"]
    raised.clear()
    assert raised == []
