"""The embedded runner: sources → routing → the single store writer, acknowledged only once
stored, with the later stages fed from the same batches."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from reale.config import BrandConfig, Config
from reale.match import Matcher
from reale.run.app import EmbeddedApp
from reale.run.pipeline import Routed, route
from reale.run.tracked import TrackedPosts
from reale.sources.base import MemoryCursorStore
from reale.sources.replay import ReplaySource, iter_file_events
from reale.store import open_store
from tests.conftest import WIRE, run_cli

JETSTREAM = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
BREXIT = WIRE / "x-api-v2" / "brexit.jsonl"
BRANDS = (BrandConfig(name="Brexit", hashtags=("brexit",), keywords=("boris",)),
          BrandConfig(name="Words", keywords=("the",)))


def needs_data() -> None:
    if not JETSTREAM.is_file():
        pytest.skip("../shared/data/wire is not present")


def reference_mentions(*paths: Path) -> set[tuple[str, str]]:
    """What a direct, single-pass use of the matcher finds in the recordings."""
    matcher = Matcher.from_brands(BRANDS)
    out: set[tuple[str, str]] = set()
    for p in paths:
        out |= {(m.brand, m.post.uri) for m in matcher.match_many(
            e for e in iter_file_events(p) if hasattr(e, "langs"))}
    return out


def stored_mentions(url: str) -> set[tuple[str, str]]:
    with open_store(url) as store:
        return {(m.brand, m.post.uri) for m in store.recent_mentions(limit=100_000)}


def test_a_replay_stores_exactly_the_mentions_the_matcher_finds(tmp_path: Path) -> None:
    needs_data()
    url = f"sqlite:///{tmp_path}/r.sqlite"
    seen: list[Routed] = []

    async def stage(routed: Routed) -> None:
        seen.append(routed)

    async def main() -> None:
        async with EmbeddedApp(Config(brands=BRANDS, store=url), stages=[stage]) as app:
            summary = await app.run([ReplaySource(JETSTREAM), ReplaySource(BREXIT)])
            assert summary.mentions == len(reference_mentions(JETSTREAM, BREXIT))

    asyncio.run(main())
    assert stored_mentions(url) == reference_mentions(JETSTREAM, BREXIT)
    assert sum(len(r.mentions) for r in seen) == len(stored_mentions(url))


def test_a_stopped_replay_resumes_from_its_committed_cursor_without_repeating(tmp_path: Path) -> None:
    needs_data()
    url = f"sqlite:///{tmp_path}/r.sqlite"
    cursors = MemoryCursorStore()
    first: list[str] = []
    second: list[str] = []

    async def run_once(sink: list[str], stop_after: int | None) -> None:
        stop = asyncio.Event()

        async def stage(routed: Routed) -> None:
            sink.extend(m.post.uri for m in routed.mentions)
            if stop_after is not None and len(sink) >= stop_after:
                stop.set()

        async with EmbeddedApp(Config(brands=BRANDS, store=url), stages=[stage]) as app:
            await app.run([ReplaySource(BREXIT, cursor_store=cursors)], stop)

    asyncio.run(run_once(first, stop_after=5))
    asyncio.run(run_once(second, stop_after=None))
    everything = {uri for _, uri in reference_mentions(BREXIT)}
    assert set(first) | set(second) == everything
    assert not set(first) & set(second), "a resumed replay repeated mentions"


def test_routing_keeps_conversations_of_matched_posts() -> None:
    from reale.events import Author, Interaction, Post

    matcher = Matcher.from_brands([BrandConfig(name="Volta", keywords=("volta",))])
    a = Author(id="did:a", handle="a")
    root = Post(network="bluesky", uri="at://did:a/p/1", author=a, text="Volta, prestatemi un'auto",
                created_at=1.0)
    reply = Post(network="bluesky", uri="at://did:b/p/2", author=Author(id="did:b"), text="dai!",
                 created_at=2.0, reply_parent=root.uri, reply_root=root.uri)
    like = Interaction(network="bluesky", uri="at://did:c/l/3", kind="like", author=Author(id="did:c"),
                       subject=root.uri)
    stranger = Interaction(network="bluesky", uri="at://did:c/l/4", kind="like",
                           author=Author(id="did:c"), subject="at://did:z/p/9")
    out = route([root, reply, like, stranger], matcher, TrackedPosts(), now=5.0)
    assert [m.post.uri for m in out.mentions] == [root.uri]
    assert out.mentions[0].matched_at == 5.0
    assert [p.uri for p in out.posts] == [root.uri, reply.uri]
    assert out.interactions == [like]
    # Without a tracker (the Kafka matcher: conversations have their own stage) only matches stay.
    alone = route([root, reply, like, stranger], matcher, None, now=5.0)
    assert [p.uri for p in alone.posts] == [root.uri] and alone.interactions == []


def test_replay_command_prints_mentions_and_a_summary(tmp_path: Path) -> None:
    needs_data()
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Brexit"\nhashtags = ["brexit"]\n', encoding="utf-8")
    out = run_cli("replay", str(BREXIT), "--config", str(cfg), "--store",
                  f"sqlite:///{tmp_path}/c.sqlite")
    assert out.returncode == 0, out.stderr
    assert "[Brexit]" in out.stdout
    assert "mentions" in out.stdout.splitlines()[-1]


def test_replay_of_garbage_skips_and_goes_on(tmp_path: Path) -> None:
    needs_data()
    bad = tmp_path / "mixed.jsonl"
    good = BREXIT.read_bytes().splitlines()[:3]
    bad.write_bytes(b"\n".join([b"{not json", b"\xff\xfe", *good, b"[]", b'{"text": 1}']) + b"\n")
    out = run_cli("replay", str(bad), "--json", "--store", f"sqlite:///{tmp_path}/g.sqlite")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["events"] == len(list(iter_file_events(bad)))
    assert "mixed.jsonl:1" in out.stderr and "mixed.jsonl:2" in out.stderr


def test_a_full_replay_labels_mentions_and_keeps_opportunities_for_the_desk(tmp_path: Path) -> None:
    needs_data()
    cfg = tmp_path / "reale.toml"
    cfg.write_text('team_language = "it"\n[[brands]]\nname = "Brexit"\nhashtags = ["brexit"]\n'
                   'keywords = ["boris"]\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path}/full.sqlite"
    out = run_cli("replay", str(BREXIT), "--config", str(cfg), "--store", url, "--full", "--quiet",
                  timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    with open_store(url) as store:
        mentions = store.mention_count()
        labelled = store.query("SELECT COUNT(*) FROM labels")[0][0]
        langs = {row[0] for row in store.query("SELECT DISTINCT lang FROM labels")}
        opportunities = store.query("SELECT COUNT(*) FROM opportunities")[0][0]
    assert mentions > 0
    assert labelled == mentions, "every mention is labelled and stored"
    assert "en" in langs
    assert opportunities >= 1


def test_a_source_that_fails_is_named_in_the_summary_and_what_it_gave_is_stored(tmp_path: Path) -> None:
    needs_data()
    url = f"sqlite:///{tmp_path}/r.sqlite"

    class Breaks:
        """A replay that fails after its first 50 items, as a refused connection would."""

        def __init__(self) -> None:
            self.inner = ReplaySource(JETSTREAM)

        async def _items(self):  # type: ignore[no-untyped-def]
            n = 0
            async for item in self.inner:
                yield item
                n += 1
                if n == 50:
                    raise ConnectionError("the server closed the stream")

        def __aiter__(self):  # type: ignore[no-untyped-def]
            return self._items()

        def ack(self, item: object) -> None:
            self.inner.ack(item)  # type: ignore[arg-type]

        def commit(self) -> str | None:
            return self.inner.commit()

        async def aclose(self) -> None:
            await self.inner.aclose()

    async def main() -> None:
        async with EmbeddedApp(Config(brands=BRANDS, store=url)) as app:
            summary = await app.run([Breaks(), ReplaySource(BREXIT)])
            assert summary.errors == ["the server closed the stream"]
            assert summary.mentions > 0  # the other source and the first 50 items went through

    asyncio.run(main())
    assert stored_mentions(url)


def test_the_printer_shows_the_detected_language_and_the_declared_one_when_they_differ() -> None:
    from reale.events import Author, Mention, Post
    from reale.run.printer import mention_line

    post = Post(uri="at://x/1", network="bluesky", author=Author(id="did:plc:x", handle="ayse"),
                text="I love my new Acme kettle", created_at=1.0, langs=("tr",))
    m = Mention(brand="Acme", query="acme", post=post)
    assert mention_line(m) == "[Acme] @ayse (tr): I love my new Acme kettle"
    assert mention_line(m, language="en") == "[Acme] @ayse (en; declared tr): I love my new Acme kettle"
    assert mention_line(m, language="tr") == "[Acme] @ayse (tr): I love my new Acme kettle"


def test_a_full_replay_prints_the_language_it_detected_not_the_declared_one(tmp_path: Path) -> None:
    recording = tmp_path / "tr.jsonl"
    recording.write_text(json.dumps({
        "did": "did:plc:abc", "time_us": 1_700_000_000_000_000, "kind": "commit",
        "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "k",
                   "cid": "c", "record": {"$type": "app.bsky.feed.post", "langs": ["tr"],
                                          "text": "I really love my new Acme kettle, it boils"
                                                  " water in a minute and looks great",
                                          "createdAt": "2026-03-20T09:30:00Z"}}}) + "\n")
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n', encoding="utf-8")
    out = run_cli("replay", str(recording), "--config", str(cfg), "--full",
                  "--store", f"sqlite:///{tmp_path}/p.sqlite", timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    printed = [line for line in out.stdout.splitlines() if line.startswith("[Acme]")]
    assert printed == ["[Acme] @did:plc:abc (en; declared tr): I really love my new Acme kettle,"
                       " it boils water in a minute and looks great"]


def test_the_printer_drops_control_characters_from_the_handle_too() -> None:
    from reale.events import Author, Mention, Post
    from reale.run.printer import mention_line

    post = Post(uri="at://x/1", network="bluesky", text="ok",
                author=Author(id="did:plc:x", handle="evil\x1b]0;owned\x07.bsky.social"),
                created_at=1.0)
    assert mention_line(Mention(brand="Acme\x1b[2J", query="acme", post=post)) == \
        "[Acme[2J] @evil]0;owned.bsky.social (?): ok"
