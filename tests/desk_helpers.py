"""A team on an in-memory SQLite desk, and a quick way to get a reply approved."""

from __future__ import annotations

import itertools
import sqlite3

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow, ApprovedReply
from reale.desk.records import Member, Target
from reale.desk.repository import SqlDeskRepository

T0 = 1_700_000_000.0


def team(clock: ManualClock | None = None) -> ApprovalWorkflow:
    """ada (admin), rita (responder), aldo (approver), vera (viewer), on a fresh SQLite desk."""
    repo = SqlDeskRepository(sqlite3.connect(":memory:"))
    repo.migrate()
    repo.put_member(Member("ada", "admin"))
    counter = itertools.count(1)
    wf = ApprovalWorkflow(repo, clock=clock or ManualClock(T0),
                          new_id=lambda: f"id{next(counter):04d}")
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    wf.add_member("ada", "vera", "viewer")
    return wf


def get_approved(wf: ApprovalWorkflow, *, account: str, target: Target, text: str,
                 lang: str = "en") -> ApprovedReply:
    """rita drafts and submits, aldo approves."""
    reply = wf.draft("rita", brand="Fiori", account=account, target=target, text=text, lang=lang,
                     kind="praise")
    wf.submit("rita", reply.id)
    return wf.approve("aldo", reply.id)


def sleeper(clock: ManualClock):  # type: ignore[no-untyped-def]
    """An async sleep that moves the manual clock instead of waiting."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    sleep.waits = waits  # type: ignore[attr-defined]
    return sleep
