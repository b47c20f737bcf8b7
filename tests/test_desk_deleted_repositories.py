"""Every desk repository refuses replies to deleted posts: the store's own, and a
``SqlDeskRepository`` on its own connection to the store's database (SQLite file or PostgreSQL),
through the same cases. A desk database without the store's tables knows of no deletion."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from typing import Any

import msgspec
import psycopg
import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow
from reale.desk.records import Member, Target
from reale.desk.repository import DeskRepository, SqlDeskRepository
from reale.desk.store_repository import StoreDeskRepository, ensure_desk_tables
from reale.errors import PostDeleted
from reale.events import Deletion
from reale.publish.base import Account
from reale.publish.factory import publisher_for
from reale.store import Store, open_store
from tests.desk_helpers import T0, sleeper
from tests.publish_servers import FakeBluesky

GONE = "at://did:plc:anna/app.bsky.feed.post/3kgone"
HERE = "at://did:plc:anna/app.bsky.feed.post/3khere"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url, clock=ManualClock(T0)) as s:
        s.write_batch([Deletion(network="bluesky", uri=GONE, deleted_at=T0 - 60)])
        ensure_desk_tables(s)
        yield s


def own_connection(url: str) -> Any:
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    return psycopg.connect(url)


@pytest.fixture(params=["store", "own connection"])
def repo(request: pytest.FixtureRequest, store: Store, store_url: str) -> Iterator[DeskRepository]:
    if request.param == "store":
        yield StoreDeskRepository(store)
        return
    conn = own_connection(store_url)
    try:
        yield SqlDeskRepository(conn)
    finally:
        conn.close()


def team(repo: DeskRepository) -> ApprovalWorkflow:
    repo.put_member(Member("ada", "admin"))
    wf = ApprovalWorkflow(repo, clock=ManualClock(T0))
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    return wf


def submitted(wf: ApprovalWorkflow, uri: str) -> str:
    reply = wf.draft("rita", brand="Fiori", account="fiori",
                     target=Target(network="bluesky", uri=uri), text="Grazie Anna!")
    wf.submit("rita", reply.id)
    return reply.id


def test_the_repository_knows_when_a_post_was_deleted(repo: DeskRepository) -> None:
    assert repo.deleted_at(GONE) == T0 - 60
    assert repo.deleted_at(HERE) is None


def test_a_reply_to_a_deleted_post_cannot_be_approved(repo: DeskRepository) -> None:
    wf = team(repo)
    reply_id = submitted(wf, GONE)
    with pytest.raises(PostDeleted, match=rf"its author deleted the post it answers \({GONE}\)"):
        wf.approve("aldo", reply_id)
    assert wf.approve("aldo", submitted(wf, HERE)).reply_id


def test_a_reply_to_a_deleted_post_cannot_be_approved_and_sent(repo: DeskRepository) -> None:
    wf = team(repo)
    clock = ManualClock(T0)
    server = FakeBluesky(handle="fiori.bsky.social")
    server.posts[GONE] = {"uri": GONE, "cid": "bafygone",
                          "record": {"$type": "app.bsky.feed.post", "text": "rose"}}
    account = Account(name="fiori", network="bluesky", url="", handle="fiori.bsky.social",
                      secret="app-pass-1234")

    async def send(url: str) -> None:
        pub = publisher_for(msgspec.structs.replace(account, url=url), gate=wf, clock=clock,
                            sleep=sleeper(clock))
        try:
            await wf.approve_and_send("aldo", submitted(wf, GONE), pub)
        finally:
            await pub.aclose()

    with server, pytest.raises(PostDeleted):
        asyncio.run(send(server.url))
    assert server.count("POST", "/xrpc/com.atproto.repo.createRecord") == 0


def test_a_desk_database_without_the_store_knows_of_no_deletion() -> None:
    repo = SqlDeskRepository(sqlite3.connect(":memory:"))
    repo.migrate()
    assert repo.deleted_at(GONE) is None
