"""The desk repository speaks portable SQL: the same workflow on PostgreSQL (embedded server)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow
from reale.desk.records import Member, Publication, Target
from reale.desk.repository import SqlDeskRepository
from reale.errors import ApprovalRequired, DeskError

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_conn(fresh_postgres_url: str) -> Iterator[Any]:
    """A connection to an empty database of the session's server."""
    psycopg = pytest.importorskip("psycopg")
    conn = psycopg.connect(fresh_postgres_url)
    try:
        yield conn
    finally:
        conn.close()


def test_the_workflow_runs_on_postgresql(pg_conn: Any) -> None:
    repo = SqlDeskRepository(pg_conn)
    repo.migrate()
    repo.migrate()
    repo.put_member(Member("ada", "admin"))
    counter = itertools.count(1)
    clock = ManualClock(1_700_000_000.0)
    wf = ApprovalWorkflow(repo, clock=clock, new_id=lambda: f"pg{next(counter)}")
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    reply = wf.draft("rita", brand="F", account="a", target=Target(network="x", uri="x://tweet/1"),
                     text="Grazie!", kind="praise")
    wf.submit("rita", reply.id)
    wf.send_back("aldo", reply.id, "più calore")
    wf.edit("rita", reply.id, "Grazie di cuore!")
    wf.submit("rita", reply.id)
    approved = wf.approve("aldo", reply.id)
    assert wf.verify(approved) is approved
    wf.record_publication(approved, Publication(reply_id=reply.id, network="x", account="a",
                                                state="sent", idempotency_key="k"))
    wf.record_publication(approved, Publication(reply_id=reply.id, network="x", account="a",
                                                state="sent", idempotency_key="k"))  # upsert
    assert [d.action for d in wf.history(reply.id)] == [
        "draft", "submit", "send_back", "edit", "submit", "approve", "publish"]
    assert repo.recent_texts("F") == ["Grazie di cuore!"]
    with pytest.raises(DeskError):
        wf.submit("rita", reply.id)
    pg_conn.execute("DELETE FROM desk_decisions WHERE id = %s", (approved.decision_id,))
    pg_conn.commit()
    with pytest.raises(ApprovalRequired):
        wf.verify(approved)
