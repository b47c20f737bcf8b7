"""After the brand acts through Reale, the pipeline follows the conversation and raises a
backlash when accusations rise above its own baseline — stored for the case history and alerted."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.desk.approval import ApprovalWorkflow
from reale.desk.records import Member, Target
from reale.desk.roles import Role
from reale.desk.store_repository import StoreDeskRepository
from reale.events import Author, Mention, Post
from reale.publish.base import Account
from reale.publish.factory import PublisherPool
from reale.run.app import EmbeddedApp
from reale.run.pipeline import Routed
from reale.run.wiring import Pipeline

VOLTA = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",))
ROOT = "at://did:plc:matteo/app.bsky.feed.post/1"


class Appeal:
    language = "it"
    sentiment = "neutral"
    sentiment_scores = {"neutral": 1.0}
    intent = "appeal"
    intent_scores = {"appeal": 0.9}
    complaint_score = 0.0


def post(i: int, text: str, at: float, parent: str = ROOT) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social"), text=text,
                created_at=at, langs=("it",), reply_parent=parent, reply_root=ROOT)


def test_a_public_gift_followed_by_accusations_raises_a_backlash(tmp_path: Path) -> None:
    clock = ManualClock(1_000_000.0)

    async def main() -> list[tuple[str]]:
        config = Config(brands=(VOLTA,), store=f"sqlite:///{tmp_path}/a.sqlite",
                        team_language="it")
        async with EmbeddedApp(config, clock=clock) as app:
            assert app.store is not None
            async with Pipeline(app, clock=clock) as p:
                appeal = Post(network="bluesky", uri=ROOT, text="@volta-auto.bsky.social "
                              "prestatemi una macchina!", created_at=clock.now(), langs=("it",),
                              author=Author(id="did:plc:matteo", handle="matteo.bsky.social"),
                              mentions=("volta-auto.bsky.social",))
                opp = p.desk.score(Mention(brand="Volta", query="@volta", post=appeal), Appeal())
                assert opp is not None and opp.root_uri in ("", ROOT)
                assert p.aftermath is not None
                p.aftermath.opportunity(opp)  # as the desk does for every opportunity
                # the conversation's baseline: friendly replies for an hour
                for i in range(20):
                    clock.advance(180)
                    await p.aftermath(Routed(events=[post(i, "dai Volta, fatelo!", clock.now())]))
                # the brand answers publicly, approved and sent (dry run)
                repo = StoreDeskRepository(app.store)
                wf = ApprovalWorkflow(repo, clock=clock)
                repo.put_member(Member("ada", Role.ADMIN.value))  # the first admin (reale users add)
                admin = Member("ada", Role.ADMIN.value)
                reply = wf.draft(admin.name, brand="Volta", account="bsky",
                                 target=Target(network="bluesky", uri=ROOT),
                                 text="Ciao Matteo, ti prestiamo una Volta Arco!", lang="it")
                pool = PublisherPool([Account(name="bsky", network="bluesky", dry_run=True)],
                                     gate=wf, clock=clock)
                await wf.approve_and_send(admin.name, reply.id, pool)
                await pool.aclose()
                assert p.aftermath.poll_publications() == 1
                # then the web calls it a paid exchange
                for i in range(100, 112):
                    clock.advance(60)
                    await p.aftermath(Routed(events=[post(
                        i, "marchetta! questa è pubblicità occulta, vergogna", clock.now())]))
                assert p.store_sink is not None
                await p.store_sink.flush()
            return app.store.query("SELECT body FROM aftermath")

    rows = asyncio.run(main())
    assert len(rows) == 1
    assert "marchetta" in rows[0][0]
