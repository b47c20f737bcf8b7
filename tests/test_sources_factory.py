"""Building clients from the config, and several sources merged into one stream with acks and
commits routed back to each source's cursor."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from reale.config import BrandConfig, SourceConfig, parse_config
from reale.errors import ConfigError
from reale.sources import MemoryCursorStore, MergedSource, SourceItem, build_sources
from reale.sources.jetstream_client import JetstreamClient
from reale.sources.local.jetstream_server import JetstreamServer
from reale.sources.local.mastodon_server import MastodonServer
from reale.sources.mastodon_client import MastodonClient
from reale.sources.replay import ReplaySource
from reale.sources.xstream_client import XStreamClient
from tests.conftest import WIRE
from tests.sources_helpers import NoWait


def build(**kw: object) -> list[object]:
    return list(build_sources(SourceConfig(**kw), cursor_store=MemoryCursorStore()))  # type: ignore[arg-type]


def test_each_kind_builds_its_client() -> None:
    (jet,) = build(kind="jetstream", dids=("did:plc:a",))
    assert isinstance(jet, JetstreamClient) and jet.dids == ("did:plc:a",)
    streams = build(kind="mastodon", url="https://m.example", token="t",
                    streams=("public", "hashtag:fiori"))
    assert [type(s) for s in streams] == [MastodonClient, MastodonClient]
    assert [s.source_id for s in streams] == ["mastodon:public", "mastodon:hashtag:fiori"]
    brands = [BrandConfig(name="fiori", hashtags=("fiori",))]
    (x,) = build_sources(SourceConfig(kind="x", token="t", max_rules=1),
                         cursor_store=MemoryCursorStore(), brands=brands)
    assert isinstance(x, XStreamClient) and x.rules is not None
    assert [r.value for r in x.rules] == ["#fiori"]
    (replay,) = build(kind="replay", path="f.jsonl", speed=2)
    assert isinstance(replay, ReplaySource)


@pytest.mark.parametrize("kw, message", [
    ({"kind": "telegraph"}, "unknown source kind"),
    ({"kind": "mastodon", "url": "https://m.example"}, "user token"),
    ({"kind": "mastodon", "token": "t"}, "needs url"),
    ({"kind": "x"}, "bearer token"),
    ({"kind": "jetstream", "compress": True}, "zstd_dictionary"),
    ({"kind": "jetstream", "compress": True, "zstd_dictionary": "/nonexistent"}, "cannot read"),
    ({"kind": "replay"}, "needs path"),
    ({"kind": "mastodon", "url": "u", "token": "t", "streams": ("firehose",)}, "unknown Mastodon"),
])
def test_wrong_settings_are_clear_config_errors(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(**kw)


def test_sources_are_configured_in_toml() -> None:
    cfg = parse_config('[[sources]]\nkind = "jetstream"\nrewind = 5.0\ncompress = false\n'
                       '[[sources]]\nkind = "x"\nbackfill_minutes = 2\nsync_rules = false\n')
    assert cfg.sources[0].rewind == 5.0 and cfg.sources[1].backfill_minutes == 2


def test_merged_sources_deliver_everything_and_commit_each_cursor(tmp_path: Path) -> None:
    jet = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
    masto = WIRE / "mastodon" / "statuses.jsonl"
    if not jet.exists():
        pytest.skip("wire recordings are not present")
    jet_lines = jet.read_bytes().splitlines()
    masto_lines = sorted(masto.read_bytes().splitlines(), key=lambda x: int(json.loads(x)["id"]))
    replay_file = tmp_path / "x.jsonl"
    replay_file.write_bytes((WIRE / "x-api-v2" / "streaming_output_with_error.jsonl").read_bytes())
    store = MemoryCursorStore()

    async def scenario() -> list[SourceItem]:
        async with JetstreamServer(jet_lines) as js, MastodonServer(masto_lines) as ms:
            merged = MergedSource([
                JetstreamClient(url=js.url, cursor_store=store, sleep=NoWait()),
                MastodonClient(base_url=ms.base_url, cursor_store=store, sleep=NoWait()),
                ReplaySource(replay_file, source_id="replay", cursor_store=store),
            ])
            got: list[SourceItem] = []
            async for item in merged:
                got.append(item)
                merged.ack(item)
                if len(got) == 145 + 18 + 11:
                    break
            merged.commit()
            await merged.aclose()
            return got

    got = asyncio.run(scenario())
    assert {i.source_id for i in got} == {"jetstream", "mastodon:public", "replay"}
    assert set(store.cursors) == {"jetstream", "mastodon:public", "replay"}
    assert store.cursors["replay"] == "7"
