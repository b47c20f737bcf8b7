"""The embedded runner's teacher follows the stored decisions by id: each is learned once — also
one that commits after a later one (PostgreSQL hands ids out before commit) — and a decision whose
opportunity cannot be read, or an action that is no decision, teaches nothing and stops nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.queue import OpportunityQueue
from reale.run.learning import Teacher
from reale.store import Store, open_store
from reale.web.data import save_opportunity
from reale.web.queries import decide
from reale.web.records import OpportunityDecision, OpportunityRecord

T0 = 1_780_000_000.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'teacher.sqlite'}", clock=ManualClock(T0)) as s:
        yield s


def stored(store: Store, i: int, queue: OpportunityQueue | None = None) -> OpportunityRecord:
    inp = OpportunityInput(brand="Mela", post_uri=f"at://did:plc:t/app.bsky.feed.post/{i}",
                           text=f"@mela-mobile il mio Mela numero {i} non carica, aiuto?",
                           addressed_directly=True, intent="question", intent_confidence=0.8,
                           created_at=T0)
    opp = score_opportunity(inp, DeskWeights())
    assert opp is not None
    if queue is not None:
        queue.update(opp)
    return save_opportunity(store, opp)


def insert(store: Store, row_id: int, rec: OpportunityRecord, action: str) -> None:
    """A decision row with its id given, as a late commit leaves it."""
    with store.transaction() as tx:
        tx.execute("INSERT INTO opportunity_decisions (id, opportunity_key, action, actor, role,"
                   " at, body) VALUES (?, ?, ?, 'rita', 'responder', ?, (SELECT body FROM"
                   " opportunities WHERE key = ?))", (row_id, rec.key, action, T0, rec.key))


def test_a_decision_that_commits_after_a_later_one_is_learned_once(store: Store) -> None:
    teacher = Teacher(store, FeedbackLearner(DeskWeights()), None)
    a, b = stored(store, 1), stored(store, 2)
    insert(store, 5, a, "handled")
    assert teacher.apply(teacher.read_new()) == 1 and teacher.last_id == 5
    insert(store, 3, b, "not_worth")  # its id was handed out first, its commit came later
    assert teacher.apply(teacher.read_new()) == 1
    assert teacher.apply(teacher.read_new()) == 0
    assert teacher.learner.get("Mela").decisions == 2


def test_replay_then_follow_learns_each_decision_once_and_empties_the_queue(store: Store) -> None:
    queue = OpportunityQueue(ManualClock(T0))
    recs = [stored(store, i, queue) for i in range(3)]
    for rec, action in zip(recs[:2], ("handled", "irrelevant"), strict=True):
        decide(store, OpportunityDecision(opportunity_key=rec.key, action=action, actor="rita",
                                          role="responder", at=T0 + 1))
    teacher = Teacher(store, FeedbackLearner(DeskWeights()), None, queue)
    assert teacher.replay() == 2
    assert teacher.apply(teacher.read_new()) == 0
    decide(store, OpportunityDecision(opportunity_key=recs[2].key, action="not_worth",
                                      actor="rita", role="responder", at=T0 + 2))
    assert teacher.apply(teacher.read_new()) == 1
    assert recs[2].id not in queue
    assert teacher.learner.get("Mela").decisions == 3


def test_an_unreadable_opportunity_or_a_non_decision_teaches_nothing(store: Store) -> None:
    good, bad, noted = stored(store, 1), stored(store, 2), stored(store, 3)
    insert(store, 1, good, "handled")
    with store.transaction() as tx:
        tx.execute("INSERT INTO opportunity_decisions (id, opportunity_key, action, actor, role,"
                   " at, body) VALUES (2, ?, 'irrelevant', 'rita', 'responder', ?,"
                   " '{\"not\": \"an opportunity\"}')", (bad.key, T0))
    insert(store, 3, noted, "note")  # an action the desk does not learn from
    teacher = Teacher(store, FeedbackLearner(DeskWeights()), None)
    assert teacher.replay() == 1
    assert teacher.unreadable == {2}
    assert teacher.apply(teacher.read_new()) == 0
    assert teacher.learner.get("Mela").decisions == 1
