"""One answer per post across processes: two desks (or a desk and a worker) sharing one store —
SQLite file or PostgreSQL — that publish two different replies to the same post at the same
instant send only one, because each publisher claims (account, post) in the store in the
transaction that records its publication as pending, before any request. A reply that failed
for certain gives its claim back; a further reply claims a place of its own."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow, ApprovedReply
from reale.desk.records import Member, Publication, Reply, Target
from reale.desk.store_repository import StoreDeskRepository
from reale.errors import DuplicateReply, PublishError
from reale.publish.base import Account
from reale.publish.factory import publisher_for
from reale.store import Store, open_store
from tests.desk_helpers import T0, sleeper
from tests.publish_servers import Answer, FakeBluesky

PARENT = "at://did:plc:author00000000000000000/app.bsky.feed.post/3kabc"
CREATE = "/xrpc/com.atproto.repo.createRecord"
SECRET = b"one desk secret shared by both processes"


class Desk(StoreDeskRepository):
    """One process's view of the shared store. Its reads of sibling replies are stale (each desk
    checks before the other writes: the in-process guard sees nothing), and ``meet`` holds it at
    the door of the claim until the other desk is there too: the worst interleaving, every time."""

    def __init__(self, store: Store, meet: threading.Barrier | None = None) -> None:
        super().__init__(store)
        self.meet = meet

    def replies(self, **kwargs: Any) -> list[Reply]:
        return []

    def claim_publication(self, reply: Reply, publication: Publication) -> None:
        if self.meet is not None:
            self.meet.wait(timeout=30)
        super().claim_publication(reply, publication)


@pytest.fixture
def server() -> Iterator[FakeBluesky]:
    with FakeBluesky(handle="fiori.bsky.social") as srv:
        srv.posts[PARENT] = {"uri": PARENT, "cid": "bafyparent",
                             "record": {"$type": "app.bsky.feed.post", "text": "rose bellissime"}}
        yield srv


def workflow(store: Store, meet: threading.Barrier | None = None) -> ApprovalWorkflow:
    return ApprovalWorkflow(Desk(store, meet), clock=ManualClock(T0), secret=SECRET)


def approved_pair(wf: ApprovalWorkflow, *, further: bool = False) -> tuple[str, str]:
    """Two replies by rita to the same post, each approved (the second ``further`` if asked)."""
    wf.repository.put_member(Member("ada", "admin"))
    wf.add_member("ada", "rita", "responder")
    wf.add_member("ada", "aldo", "approver")
    ids = []
    for text, extra in (("Grazie Giulia!", False), ("Grazie ancora, Giulia!", further)):
        reply = wf.draft("rita", brand="Fiori", account="fiori",
                         target=Target(network="bluesky", uri=PARENT), text=text, further=extra)
        wf.submit("rita", reply.id)
        wf.approve("aldo", reply.id)
        ids.append(reply.id)
    return ids[0], ids[1]


def publish(wf: ApprovalWorkflow, approved: ApprovedReply, url: str) -> Publication:
    clock = ManualClock(T0)
    account = Account(name="fiori", network="bluesky", url=url, handle="fiori.bsky.social",
                      secret="app-pass-1234", dry_run=False, retries=1)

    async def go() -> Publication:
        async with publisher_for(account, gate=wf, clock=clock, sleep=sleeper(clock)) as pub:
            return await pub.publish(approved)

    return asyncio.run(go())


def race(store_url: str, url: str, *, further: bool = False) -> tuple[list[object], Store]:
    """Two desks, each on its own connections to the store, publish one reply each at once."""
    meet = threading.Barrier(2)
    stores = [open_store(store_url) for _ in range(2)]
    desks = [workflow(s, meet) for s in stores]
    ids = approved_pair(desks[0], further=further)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            results[i] = publish(desks[i], desks[i].approved_reply(ids[i]), url)
        except (DuplicateReply, PublishError) as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stores[1].close()
    return results, stores[0]


def test_two_desks_racing_to_answer_one_post_send_exactly_one_reply(
        store_url: str, server: FakeBluesky) -> None:
    results, store = race(store_url, server.url)
    try:
        sent = [r for r in results if isinstance(r, Publication)]
        refused = [r for r in results if isinstance(r, DuplicateReply)]
        assert len(sent) == 1 and len(refused) == 1, results
        assert sent[0].state == "sent" and sent[0].reply_id in str(refused[0])
        assert server.count("POST", CREATE) == 1
        states = store.query("SELECT state FROM desk_publications")
        assert states == [("sent",)]  # the refused reply left no publication behind
        assert store.query("SELECT reply_id FROM publish_claims") == [(sent[0].reply_id,)]
    finally:
        store.close()


def publish_in_a_process(store_url: str, url: str, reply_id: str, meet: Any, out: Any) -> None:
    """What each of two separate processes runs: its own store, desk and publisher."""
    with open_store(store_url) as store:
        wf = workflow(store, meet)
        try:
            out.put(("sent", publish(wf, wf.approved_reply(reply_id), url).reply_id))
        except DuplicateReply as exc:
            out.put(("refused", str(exc)))


def test_two_real_processes_racing_to_answer_one_post_send_exactly_one_reply(
        store_url: str, server: FakeBluesky) -> None:
    ctx = multiprocessing.get_context("spawn")
    meet, out = ctx.Barrier(2), ctx.Queue()
    with open_store(store_url) as store:
        ids = approved_pair(workflow(store))
        procs = [ctx.Process(target=publish_in_a_process, args=(store_url, server.url, i, meet, out))
                 for i in ids]
        for p in procs:
            p.start()
        try:
            results = sorted(out.get(timeout=120) for _ in procs)
        finally:
            for p in procs:
                p.join(timeout=30)
                if p.is_alive():  # pragma: no cover - only when the test already failed
                    p.kill()
        assert [kind for kind, _ in results] == ["refused", "sent"]
        assert results[1][1] in results[0][1]  # the refusal names the reply that went out
        assert server.count("POST", CREATE) == 1
        assert store.query("SELECT reply_id, state FROM desk_publications") == [
            (results[1][1], "sent")]


def test_two_racing_further_replies_both_go_out(store_url: str, server: FakeBluesky) -> None:
    results, store = race(store_url, server.url, further=True)
    try:
        assert [getattr(r, "state", r) for r in results] == ["sent", "sent"]
        assert server.count("POST", CREATE) == 2
    finally:
        store.close()


def test_a_reply_the_network_refused_gives_its_claim_back(
        store_url: str, server: FakeBluesky) -> None:
    with open_store(store_url) as store:
        wf = workflow(store)
        first, second = approved_pair(wf)
        server.plan(CREATE, Answer(400, {"error": "InvalidRequest", "message": "bad record"}))
        with pytest.raises(PublishError, match="bad record"):
            publish(wf, wf.approved_reply(first), server.url)
        failed = wf.publication_for(first)
        assert failed is not None and failed.state == "failed"
        assert store.query("SELECT reply_id FROM publish_claims") == []
        sent = publish(wf, wf.approved_reply(second), server.url)
        assert sent.state == "sent"
        assert store.query("SELECT reply_id FROM publish_claims") == [(second,)]
        with pytest.raises(DuplicateReply, match=second):  # the first may not follow it now
            publish(wf, wf.approved_reply(first), server.url)
        assert server.count("POST", CREATE) == 2  # the refused attempt and the one reply


def test_a_reply_that_may_have_posted_keeps_its_claim(
        store_url: str, server: FakeBluesky) -> None:
    """Server errors on every try: nobody knows whether it posted, so the post stays claimed for
    that reply; retrying the same reply later checks, then sends it once."""
    with open_store(store_url) as store:
        wf = workflow(store)
        first, second = approved_pair(wf)
        server.plan(CREATE, Answer(502, {"error": "BadGateway"}), Answer(502, {"error": "x"}))
        with pytest.raises(PublishError, match="gave up"):
            publish(wf, wf.approved_reply(first), server.url)
        pending = wf.publication_for(first)
        assert pending is not None and pending.state == "pending"
        with pytest.raises(DuplicateReply, match=first):
            publish(wf, wf.approved_reply(second), server.url)
        again = publish(wf, wf.approved_reply(first), server.url)
        assert again.state == "sent" and again.reply_id == first
        assert server.count("POST", CREATE) == 3  # the two failed tries and the one reply


def test_republishing_the_same_reply_returns_its_one_publication(
        store_url: str, server: FakeBluesky) -> None:
    with open_store(store_url) as store:
        wf = workflow(store)
        first, _ = approved_pair(wf)
        one = publish(wf, wf.approved_reply(first), server.url)
        again = publish(wf, wf.approved_reply(first), server.url)
        assert one == again and server.count("POST", CREATE) == 1
        assert store.query("SELECT COUNT(*) FROM desk_publications") == [(1,)]
