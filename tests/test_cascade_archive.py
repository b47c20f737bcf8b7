"""The embedded runner keeps a cold cascade after the signals evict it: its final stats and last
momentum reading are stored (``cascade:<root>``), so memory stays bounded and nothing is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Post
from reale.run.app import EmbeddedApp
from reale.run.cascade_archive import CascadeArchive, archived
from reale.run.wiring import Pipeline
from reale.signals.cascades import CascadeStats
from reale.store import open_store
from tests.test_run_signals_restart import reshared

T0 = 1_700_000_000.0
POST = Post(network="bluesky", uri="at://did:plc:a/post/1", author=Author(id="did:plc:a"),
            text="volta mi presti un'auto?", created_at=T0)


def test_an_evicted_cascade_is_stored_with_its_last_reading(tmp_path: Path) -> None:
    config = Config(brands=(BrandConfig(name="Volta", keywords=("volta",)),),
                    store=f"sqlite:///{tmp_path / 'r.sqlite'}")
    clock = ManualClock(T0)

    async def main() -> None:
        async with EmbeddedApp(config, clock=clock) as app, Pipeline(app, clock=clock) as p:
            reshared(p, clock, POST, 5)
            clock.advance(7 * 3600)
            assert [s.root for s in p.signals.tick()] == [POST.uri]
            await p.store_evicted_cascades()
            assert p.signals.cascade(POST.uri) is None  # out of memory...

    asyncio.run(main())
    with open_store(config.store) as store:
        doc = archived(store, POST.uri)  # ...but kept in the store
    assert doc is not None and doc["stats"]["size"] == 5 and doc["stats"]["reposts"] == 5
    assert doc["momentum"] is not None and doc["momentum"]["observed"] == 6


def test_the_archive_waiting_for_the_store_is_bounded() -> None:
    archive = CascadeArchive(limit=3)
    for i in range(5):
        archive.add(CascadeStats(root=f"r{i}", root_author="a", created_at=0.0, size=i, depth=1,
                                 replies=0, quotes=0, reposts=i, likes=0, unique_amplifiers=i,
                                 velocity_per_min=0.0, close_network=0, hashtag_strangers=0,
                                 other_strangers=0, close_share=0.0, last_event_at=0.0), None)
    assert [s.root for s, _ in archive.take()] == ["r2", "r3", "r4"] and archive.dropped == 2
    assert archive.take() == []
