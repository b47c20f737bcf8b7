"""The publisher's last guard against answering the same post twice: when two replies to one post
were both approved (two approvers racing past the desk's check), only the first goes out, on the
network and in dry run; a reply written knowingly as a further reply (``further``) may follow."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import msgspec
import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow, ApprovedReply
from reale.desk.records import Member, Reply, Target
from reale.desk.repository import SqlDeskRepository
from reale.errors import DuplicateReply
from reale.publish.base import Account
from reale.publish.factory import publisher_for
from tests.desk_helpers import T0, sleeper
from tests.publish_servers import FakeBluesky

PARENT = "at://did:plc:author00000000000000000/app.bsky.feed.post/3kabc"
CREATE = "/xrpc/com.atproto.repo.createRecord"


class RacingRepository(SqlDeskRepository):
    """A desk whose reads of sibling replies can be made stale: what a second approver sees when
    both approve at the same instant, before either approval is written."""

    stale = False

    def replies(self, **kwargs: Any) -> list[Reply]:
        return [] if self.stale else super().replies(**kwargs)


def racing_team(clock: ManualClock) -> tuple[ApprovalWorkflow, RacingRepository]:
    repo = RacingRepository(sqlite3.connect(":memory:"))
    repo.migrate()
    repo.put_member(Member("ada", "admin"))
    wf = ApprovalWorkflow(repo, clock=clock)
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    wf.add_member("ada", "bea", "approver")
    return wf, repo


def two_racing_approvals(wf: ApprovalWorkflow, repo: RacingRepository, *,
                         further: bool = False) -> tuple[ApprovedReply, ApprovedReply]:
    """rita writes two replies to the same post; aldo and bea approve one each at once."""
    target = Target(network="bluesky", uri=PARENT)
    ids = []
    for text, extra in (("Grazie Giulia!", False), ("Grazie ancora, Giulia!", further)):
        reply = wf.draft("rita", brand="Fiori", account="fiori", target=target, text=text,
                         further=extra)
        wf.submit("rita", reply.id)
        ids.append(reply.id)
    repo.stale = True  # both approvers' checks run before either approval is written
    first, second = wf.approve("aldo", ids[0]), wf.approve("bea", ids[1])
    repo.stale = False
    return first, second


def network_server() -> FakeBluesky:
    server = FakeBluesky(handle="fiori.bsky.social")
    server.posts[PARENT] = {"uri": PARENT, "cid": "bafyparent",
                            "record": {"$type": "app.bsky.feed.post", "text": "rose bellissime"}}
    return server


async def publish_both(dry_run: bool, url: str = "", further: bool = False) -> list[Any]:
    clock = ManualClock(T0)
    wf, repo = racing_team(clock)
    first, second = two_racing_approvals(wf, repo, further=further)
    account = Account(name="fiori", network="bluesky", url=url or "http://127.0.0.1:9",
                      handle="fiori.bsky.social", secret="app-pass-1234", dry_run=dry_run)
    pub = publisher_for(account, gate=wf, clock=clock, sleep=sleeper(clock))
    try:
        return list(await asyncio.gather(pub.publish(first), pub.publish(second),
                                         return_exceptions=True))
    finally:
        await pub.aclose()


def test_two_racing_approvals_to_one_post_publish_only_the_first() -> None:
    with network_server() as server:
        sent, refused = asyncio.run(publish_both(False, server.url))
    assert sent.state == "sent"
    assert isinstance(refused, DuplicateReply)
    assert sent.reply_id in str(refused)  # the message names the reply that went out
    assert server.count("POST", CREATE) == 1


def test_in_dry_run_the_second_reply_to_one_post_is_refused_too() -> None:
    rehearsed, refused = asyncio.run(publish_both(True))
    assert rehearsed.state == "dry_run"
    assert isinstance(refused, DuplicateReply) and rehearsed.reply_id in str(refused)


def test_a_reply_marked_as_a_further_reply_may_follow_the_first() -> None:
    with network_server() as server:
        first, second = asyncio.run(publish_both(False, server.url, further=True))
    assert (first.state, second.state) == ("sent", "sent")
    assert server.count("POST", CREATE) == 2


def test_publishing_the_same_reply_again_is_still_the_one_publication() -> None:
    """The guard compares other replies: a retry of the reply that went out returns it."""
    async def twice() -> tuple[Any, Any]:
        clock = ManualClock(T0)
        wf, repo = racing_team(clock)
        first, _ = two_racing_approvals(wf, repo)
        account = Account(name="fiori", network="bluesky", url="http://127.0.0.1:9",
                          handle="fiori.bsky.social", dry_run=True)
        pub = publisher_for(account, gate=wf, clock=clock)
        try:
            return await pub.publish(first), await pub.publish(wf.approved_reply(first.reply_id))
        finally:
            await pub.aclose()

    one, again = asyncio.run(twice())
    assert one.reply_id == again.reply_id and again.state == "dry_run"


def test_approving_a_second_reply_to_an_answered_post_is_refused_by_the_workflow() -> None:
    wf, _ = racing_team(ManualClock(T0))
    target = Target(network="bluesky", uri=PARENT)
    a, b = (wf.draft("rita", brand="Fiori", account="fiori", target=target, text=t)
            for t in ("Grazie!", "Grazie mille!"))
    wf.submit("rita", a.id)
    wf.submit("rita", b.id)
    wf.approve("aldo", a.id)
    with pytest.raises(DuplicateReply, match=a.id):
        wf.approve("bea", b.id)
    assert msgspec.to_builtins(wf.repository.get_reply(b.id))["state"] == "submitted"
