"""The queue: one item per conversation, ranked by score and by age against each kind's target,
and the team's decisions feeding back into per-brand weights."""

from __future__ import annotations

import msgspec
import pytest

from reale.clock import ManualClock
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import Opportunity, OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights, Learned, ResponseTargets
from reale.desk.queue import OpportunityQueue
from reale.errors import DeskError

W = DeskWeights()
T0 = 1_700_000_000.0


def _opp(uri: str, kind: str, *, root: str = "", at: float = T0, brand: str = "B",
         confidence: float = 0.8, relevance: float = 1.0) -> Opportunity:
    complaint = 0.9 if kind == "complaint" else 0.0
    inp = OpportunityInput(brand=brand, brand_handle="b", post_uri=uri, root_uri=root, intent=kind,
                           intent_confidence=confidence, complaint=complaint, created_at=at,
                           addressed_directly=True, text=f"{kind} text", relevance=relevance)
    opp = score_opportunity(inp, W)
    assert opp is not None
    return opp


def test_one_item_per_conversation_and_replies_update_it() -> None:
    q = OpportunityQueue(ManualClock(T0))
    q.update(_opp("p1", "praise"))
    merged = q.update(_opp("p2", "complaint", root="p1", at=T0 + 60))
    assert len(q) == 1 and merged is not None
    assert merged.kind == "complaint" and merged.posts == 2  # the stronger reading wins
    assert merged.created_at == T0 and merged.updated_at == T0 + 60  # age runs from the start
    weaker = q.update(_opp("p3", "praise", root="p1", at=T0 + 120))
    assert weaker is not None and weaker.kind == "complaint" and weaker.posts == 3


def test_a_later_post_of_the_same_kind_leaves_the_conversation_about_who_opened_it() -> None:
    """A friend's appeal in the asker's thread scores higher (the thread gathered speed), but
    the conversation is still the asker's: their post, their reach, their pre-read."""
    q = OpportunityQueue(ManualClock(T0))
    asker = q.update(_opp("ask", "appeal", confidence=0.6))
    friend = _opp("friend", "appeal", root="ask", at=T0 + 90, confidence=0.95)
    assert asker is not None and friend.score > asker.score
    merged = q.update(friend)
    assert merged is not None and merged.post_uri == "ask" and merged.posts == 2
    assert merged.reasons == asker.reasons and merged.realness == asker.realness
    assert merged.score == friend.score and merged.updated_at == T0 + 90
    again = q.update(msgspec.structs.replace(asker, score=0.99, posts=1, updated_at=T0 + 120))
    assert again is not None and again.score == 0.99 and again.posts == 3  # a new reading of it


def test_complaints_age_faster_than_praise() -> None:
    clock = ManualClock(T0)
    q = OpportunityQueue(clock, ResponseTargets(complaint=1800, praise=14400))
    q.update(msgspec.structs.replace(_opp("praise", "praise"), score=0.9))
    q.update(msgspec.structs.replace(_opp("complaint", "complaint"), score=0.3))
    clock.advance(10)
    assert [i.opportunity.kind for i in q.get()] == ["praise", "complaint"]
    clock.advance(3 * 3600)  # complaint: 0.3 × (1 + 3h/30min) = 2.1; praise: 0.9 × (1 + 3h/4h) ≈ 1.58
    later = q.get()
    assert [i.opportunity.kind for i in later] == ["complaint", "praise"]
    by_kind = {i.opportunity.kind: i for i in later}
    assert by_kind["complaint"].overdue and not by_kind["praise"].overdue
    assert by_kind["complaint"].priority == pytest.approx(0.3 * (1 + 10810 / 1800))


def test_order_is_by_score_at_equal_age_and_filters_by_brand() -> None:
    q = OpportunityQueue(ManualClock(T0))
    q.update(_opp("a", "question", confidence=0.2))
    q.update(_opp("b", "question", confidence=0.9))
    q.update(_opp("c", "question", brand="Other"))
    assert [i.opportunity.post_uri for i in q.get(brand="B")] == ["b", "a"]
    assert len(q.get()) == 3 and len(q.get(limit=1)) == 1


def test_decided_conversations_stay_closed_unless_a_complaint_reopens_them() -> None:
    clock = ManualClock(T0)
    q = OpportunityQueue(clock, ResponseTargets(closed_for=3600))
    q.update(_opp("r", "question"))
    assert q.resolve("B|r", "handled") is not None and len(q) == 0
    assert q.update(_opp("r2", "praise", root="r")) is None  # a thank-you reply stays closed
    reopened = q.update(_opp("r3", "complaint", root="r"))
    assert reopened is not None and "B|r" in q
    q.resolve("B|r", "not_worth")
    assert q.update(_opp("r4", "complaint", root="r")) is None
    clock.advance(3601)
    assert q.update(_opp("r5", "question", root="r")) is not None
    with pytest.raises(DeskError, match="unknown decision"):
        q.resolve("B|r", "maybe")  # type: ignore[arg-type]


def test_old_items_leave_and_the_queue_is_bounded() -> None:
    clock = ManualClock(T0)
    q = OpportunityQueue(clock, ResponseTargets(max_age=3600), max_items=50)
    for i in range(120):
        q.update(_opp(f"u{i}", "question", confidence=i / 120))
    assert len(q) <= 50
    kept = {i.opportunity.post_uri for i in q.get(limit=100)}
    assert "u119" in kept and "u0" not in kept  # the weakest went first
    clock.advance(3601)
    assert q.get() == [] and len(q) == 0


def test_feedback_moves_a_brands_weights_boundedly_and_visibly() -> None:
    learner = FeedbackLearner(W)
    opp = _opp("x", "praise")
    for _ in range(12):
        learner.update(opp, "not_worth")
    learned = learner.get("B")
    assert learned.decisions == 12
    assert -W.max_shift <= learned.deltas["bias_praise"] < 0
    assert all(abs(v) <= W.max_shift for v in learned.deltas.values())
    assert learner.get("Other").decisions == 0  # per brand
    inp = OpportunityInput(brand="B", brand_handle="b", post_uri="y", intent="praise",
                           intent_confidence=0.8, addressed_directly=True)
    before = score_opportunity(inp, W)
    after = score_opportunity(inp, W, learned=learned)
    assert before is not None and (after is None or after.score < before.score)
    if after is not None:
        assert "weights learned from 12 decisions" in after.reasons


def test_handled_decisions_raise_the_kind() -> None:
    learner = FeedbackLearner(W)
    opp = _opp("q", "question", confidence=0.3)
    for _ in range(5):
        learner.update(opp, "handled")
    assert learner.get("B").deltas["bias_question"] > 0


def test_irrelevant_raises_the_relevance_floor_and_keeps_examples() -> None:
    learner = FeedbackLearner(W)
    doubtful = _opp("d", "praise", relevance=0.6)
    for _ in range(10):
        learner.update(doubtful, "irrelevant")
    learned = learner.get("B")
    assert learned.relevance_floor is not None and W.min_relevance < learned.relevance_floor < 0.6
    assert learned.deltas == {}  # irrelevance says nothing about worth
    learner.update(_opp("h", "praise", relevance=0.5), "handled")
    lowered = learner.get("B").relevance_floor
    assert lowered is not None and lowered < learned.relevance_floor
    examples = learner.relevance_examples("B")
    assert [e.relevant for e in examples][-2:] == [False, True]
    restored = FeedbackLearner(W)
    restored.restore(msgspec.json.decode(msgspec.json.encode(learner.snapshot()),
                                         type=dict[str, Learned]))
    assert restored.get("B") == learner.get("B")


def test_the_opportunity_of_a_deleted_post_leaves_the_queue() -> None:
    q = OpportunityQueue(ManualClock(T0))
    q.update(_opp("p1", "praise"))
    q.update(_opp("q1", "complaint", brand="C"))
    (gone,) = q.forget_posts({"p1", "never-queued"})
    assert gone.post_uri == "p1"
    assert [i.opportunity.post_uri for i in q.get()] == ["q1"]
    assert q.forget_posts({"p1"}) == []
