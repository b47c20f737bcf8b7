"""The publishers' last guard refuses an approved reply to a post its author deleted since:
nothing reaches the network (the local Bluesky server counts the requests) and no publication
is recorded, live and in dry run; a reply to a post still there goes out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow, ApprovedReply
from reale.desk.records import Member, Target
from reale.desk.store_repository import StoreDeskRepository
from reale.errors import PostDeleted
from reale.events import Deletion
from reale.publish.base import Account
from reale.publish.factory import publisher_for
from reale.store import Store, open_store
from tests.desk_helpers import T0, sleeper
from tests.publish_servers import FakeBluesky

PARENT = "at://did:plc:author00000000000000000/app.bsky.feed.post/3kabc"
CREATE = "/xrpc/com.atproto.repo.createRecord"


def approved_reply(store: Store, clock: ManualClock) -> tuple[ApprovalWorkflow, ApprovedReply]:
    repo = StoreDeskRepository(store)
    repo.put_member(Member("ada", "admin"))
    wf = ApprovalWorkflow(repo, clock=clock)
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    reply = wf.draft("rita", brand="Fiori", account="fiori",
                     target=Target(network="bluesky", uri=PARENT), text="Grazie Giulia!")
    wf.submit("rita", reply.id)
    return wf, wf.approve("aldo", reply.id)


async def publish(wf: ApprovalWorkflow, approved: ApprovedReply, clock: ManualClock, url: str,
                  dry_run: bool) -> Any:
    account = Account(name="fiori", network="bluesky", url=url, handle="fiori.bsky.social",
                      secret="app-pass-1234", dry_run=dry_run)
    pub = publisher_for(account, gate=wf, clock=clock, sleep=sleeper(clock))
    try:
        return await pub.publish(approved)
    except PostDeleted as exc:
        return exc
    finally:
        await pub.aclose()


def bluesky_with_parent() -> FakeBluesky:
    """A local Bluesky holding the post the reply answers (PARENT)."""
    server = FakeBluesky(handle="fiori.bsky.social")
    server.posts[PARENT] = {"uri": PARENT, "cid": "bafyparent",
                            "record": {"$type": "app.bsky.feed.post", "text": "rose"}}
    return server


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_approved_reply_to_a_post_deleted_since_never_reaches_the_network(
        dry_run: bool) -> None:
    clock, server = ManualClock(T0), bluesky_with_parent()
    with open_store("sqlite://:memory:", clock=clock) as store, server:
        wf, approved = approved_reply(store, clock)
        store.write_batch([Deletion(network="bluesky", uri=PARENT, deleted_at=T0 - 30)])
        refused = asyncio.run(publish(wf, approved, clock, server.url, dry_run))
        assert isinstance(refused, PostDeleted)
        assert f"its author deleted the post it answers ({PARENT})" in str(refused)
        assert server.count("POST", CREATE) == 0
        assert wf.repository.get_publication(approved.reply_id) is None


def test_a_reply_to_a_post_still_there_goes_out() -> None:
    clock, server = ManualClock(T0), bluesky_with_parent()
    with open_store("sqlite://:memory:", clock=clock) as store, server:
        wf, approved = approved_reply(store, clock)
        store.write_batch([Deletion(network="bluesky", uri=PARENT + "other", deleted_at=T0)])
        sent = asyncio.run(publish(wf, approved, clock, server.url, False))
        assert sent.state == "sent" and server.count("POST", CREATE) == 1
