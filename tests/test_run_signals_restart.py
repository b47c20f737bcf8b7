"""`reale run` stopped and started again reads the stream as before: the signals' state (reach
audiences, cascades, momentum, moment baselines, profiles) is saved to the store and restored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Interaction, Mention, Post
from reale.run.app import EmbeddedApp
from reale.run.wiring import Pipeline

T = TypeVar("T")
T0 = 1_700_000_000.0
POST = Post(network="bluesky", uri="at://did:plc:a/post/1",
            author=Author(id="did:plc:a", followers=40_000), text="volta mi presti un'auto?",
            created_at=T0)


def reshared(p: Pipeline, clock: ManualClock, post: Post, n: int) -> None:
    """``post`` is mentioned, then reposted by ``n`` accounts ten seconds apart."""
    p.signals.on_post(post)
    p.signals.on_mention(Mention(brand="Volta", query="volta", post=post))
    for i in range(n):
        clock.set(post.created_at + 10 * (i + 1))
        p.signals.on_interaction(Interaction(
            network="bluesky", uri=f"at://f{i}/repost/{i}", kind="repost",
            author=Author(id=f"f{i}", followers=100), subject=post.uri, created_at=clock.now()))


def life(db: Path, clock: ManualClock, body: Callable[[Pipeline], T]) -> T:
    """One run of the embedded runner on ``db``: the app and its pipeline around ``body``."""
    config = Config(brands=(BrandConfig(name="Volta", keywords=("volta",)),),
                    store=f"sqlite:///{db}")

    async def main() -> T:
        async with EmbeddedApp(config, clock=clock) as app, Pipeline(app, clock=clock) as p:
            return body(p)

    return asyncio.run(main())


def test_the_signals_survive_a_restart_of_the_runner(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    db = tmp_path / "r.sqlite"

    def first(p: Pipeline) -> tuple[object, object]:
        reshared(p, clock, POST, 4)
        return p.signals.cascade(POST.uri), p.signals.reach("Volta", "bluesky", "did:plc:a")

    cascade, reach = life(db, clock, first)
    assert cascade is not None and reach is not None
    again = life(db, clock, lambda p: (p.signals.cascade(POST.uri),
                                       p.signals.reach("Volta", "bluesky", "did:plc:a")))
    assert again == (cascade, reach)
