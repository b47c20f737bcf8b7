"""The approval workflow: roles, the life of a reply, the decision log, and the repository."""

from __future__ import annotations

import sqlite3

import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow
from reale.desk.records import Member, Target
from reale.desk.repository import SqlDeskRepository
from reale.errors import ApprovalRequired, DeskError, DeskInputError
from tests.desk_helpers import T0, team

TARGET = Target(network="bluesky", uri="at://did:plc:a/app.bsky.feed.post/1")


def draft(wf: ApprovalWorkflow, text: str = "Grazie, che bel pensiero!") -> str:
    return wf.draft("rita", brand="Fiori", account="fiori-bsky", target=TARGET, text=text,
                    lang="it", kind="praise").id


def test_a_reply_goes_draft_submitted_approved_and_each_step_is_recorded() -> None:
    clock = ManualClock(T0)
    wf = team(clock)
    rid = draft(wf)
    clock.advance(60)
    wf.submit("rita", rid)
    clock.advance(120)
    approved = wf.approve("aldo", rid, comment="lovely")
    assert approved.text == "Grazie, che bel pensiero!" and approved.approved_by == "aldo"
    trail = wf.history(rid)
    assert [(d.action, d.actor, d.role, d.at) for d in trail] == [
        ("draft", "rita", "responder", T0), ("submit", "rita", "responder", T0 + 60),
        ("approve", "aldo", "approver", T0 + 180)]
    assert trail[-1].comment == "lovely" and trail[-1].id == approved.decision_id


def test_an_approver_sends_back_with_a_comment_and_the_responder_resubmits() -> None:
    wf = team()
    rid = draft(wf)
    wf.submit("rita", rid)
    with pytest.raises(DeskError, match="needs a comment"):
        wf.send_back("aldo", rid, "  ")
    back = wf.send_back("aldo", rid, "Too formal: say it like a friend")
    assert back.state == "sent_back"
    wf.edit("rita", rid, "Grazie mille, ci hai fatto sorridere!")
    wf.submit("rita", rid)
    assert wf.approve("aldo", rid).text == "Grazie mille, ci hai fatto sorridere!"
    actions = [d.action for d in wf.history(rid)]
    assert actions == ["draft", "submit", "send_back", "edit", "submit", "approve"]
    assert wf.history(rid)[2].comment == "Too formal: say it like a friend"


@pytest.mark.parametrize(("who", "action"), [
    ("vera", "draft"), ("rita", "approve"), ("rita", "send_back"), ("stranger", "submit"),
    ("aldo", "add_member")])
def test_roles_limit_who_may_do_what(who: str, action: str) -> None:
    wf = team()
    rid = draft(wf)
    wf.submit("rita", rid)
    calls = {
        "draft": lambda: wf.draft(who, brand="F", account="a", target=TARGET, text="hi"),
        "approve": lambda: wf.approve(who, rid),
        "send_back": lambda: wf.send_back(who, rid, "no"),
        "submit": lambda: wf.submit(who, rid),
        "add_member": lambda: wf.add_member(who, "eve", "admin"),
    }
    with pytest.raises(DeskError, match=repr(who)):
        calls[action]()


def test_state_rules_are_enforced() -> None:
    wf = team()
    rid = draft(wf)
    with pytest.raises(DeskError, match="it is draft"):
        wf.approve("aldo", rid)  # not submitted yet
    wf.submit("rita", rid)
    wf.approve("aldo", rid)
    with pytest.raises(DeskError, match="it is approved"):
        wf.submit("rita", rid)
    with pytest.raises(DeskError, match="no reply"):
        wf.submit("rita", "nope")


def test_editing_an_approved_reply_withdraws_its_approval() -> None:
    wf = team()
    rid = draft(wf)
    wf.submit("rita", rid)
    approved = wf.approve("aldo", rid)
    wf.edit("rita", rid, "Something else entirely")
    with pytest.raises(ApprovalRequired):
        wf.verify(approved)
    with pytest.raises(DeskError, match="it is draft"):
        wf.approved_reply(rid)


def test_replies_must_have_sane_text() -> None:
    wf = team()
    with pytest.raises(DeskError, match="needs some text"):
        draft(wf, "   ")
    with pytest.raises(DeskInputError, match="too long"):  # the writer's mistake (a 400)
        draft(wf, "x" * 20_000)
    with pytest.raises(DeskInputError, match="NUL"):  # PostgreSQL could not store it
        draft(wf, "ciao\x00")
    ok = draft(wf, "ciao")
    with pytest.raises(DeskInputError, match="NUL"):
        wf.submit("rita", ok, comment="pronto\x00")
    rid = draft(wf, "<script>alert(1)</script> \u202e ciao")  # stored as text, never interpreted
    assert wf.repository.get_reply(rid).text.startswith("<script>")  # type: ignore[union-attr]


def test_the_repository_refuses_a_stale_transition() -> None:
    """Two approvers acting on the same reply: the second sees it is no longer submitted."""
    wf = team()
    rid = draft(wf)
    wf.submit("rita", rid)
    wf.add_member("ada", "bea", "approver")
    wf.approve("aldo", rid)
    with pytest.raises(DeskError, match="it is approved"):
        wf.send_back("bea", rid, "wait")
    assert [d.action for d in wf.history(rid)] == ["draft", "submit", "approve"]


def test_repository_round_trip_and_roles_on_sqlite(tmp_path: object) -> None:
    repo = SqlDeskRepository(sqlite3.connect(":memory:"))
    repo.migrate()
    repo.migrate()  # idempotent
    repo.put_member(Member("ada", "admin"))
    repo.put_member(Member("ada", "Approver"))
    assert [m.role for m in repo.members()] == ["approver"]
    with pytest.raises(DeskError, match="unknown role"):
        repo.put_member(Member("x", "boss"))
    assert repo.role_of("nobody") is None


def test_published_texts_feed_the_repetition_check() -> None:
    wf = team()
    rid = draft(wf, "Grazie davvero!")
    wf.submit("rita", rid)
    approved = wf.approve("aldo", rid)
    from reale.desk.records import Publication

    wf.record_publication(approved, Publication(reply_id=rid, network="bluesky", account="fiori-bsky",
                                                state="sent", idempotency_key="k"))
    assert wf.repository.recent_texts("Fiori") == ["Grazie davvero!"]
    assert wf.history(rid)[-1].action == "publish"
