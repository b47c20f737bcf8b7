"""Deletions through the embedded runner: a recorded Jetstream window replayed with the delete
of one of its matched posts appended erases that post in the store, and the run summary and the
Prometheus metrics count the deletions seen, applied and of posts never stored."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from reale.config import BrandConfig, Config
from reale.events import Author, Post
from reale.run.app import EmbeddedApp
from reale.run.embedded import RunSummary
from reale.sources.replay import ReplaySource, iter_file_events
from reale.store import open_store
from tests.conftest import WIRE, run_cli

JETSTREAM = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
BRANDS = (BrandConfig(name="Words", keywords=("the",)),)


def a_matched_post() -> Post:
    if not JETSTREAM.is_file():
        pytest.skip("../shared/data/wire is not present")
    return next(e for e in iter_file_events(JETSTREAM)
                if isinstance(e, Post) and " the " in f" {e.text.lower()} ")


def delete_line(post: Post, time_us: int) -> str:
    did, _, rkey = post.uri.removeprefix("at://").partition("/app.bsky.feed.post/")
    return json.dumps({"did": did, "time_us": time_us, "kind": "commit", "commit": {
        "rev": "3mptbyptllf2w", "operation": "delete", "collection": "app.bsky.feed.post",
        "rkey": rkey}})


def recording_with_a_delete(tmp_path: Path) -> tuple[Path, Post]:
    post = a_matched_post()
    path = tmp_path / "window.jsonl"
    last = json.loads(JETSTREAM.read_bytes().splitlines()[-1])["time_us"]
    path.write_text(JETSTREAM.read_text() + delete_line(post, last + 1) + "\n")
    return path, post


def run(url: str, path: Path) -> tuple[RunSummary, dict[str, float]]:
    async def main() -> tuple[RunSummary, dict[str, float]]:
        async with EmbeddedApp(Config(brands=BRANDS, store=url)) as app:
            summary = await app.run([ReplaySource(path)])
            return summary, {o: app.metrics.value("reale_deletions_total", outcome=o)
                             for o in ("seen", "applied", "unknown")}
    return asyncio.run(main())


def test_a_replayed_delete_erases_its_stored_post_and_is_counted(tmp_path: Path) -> None:
    path, post = recording_with_a_delete(tmp_path)
    url = f"sqlite:///{tmp_path}/r.sqlite"
    summary, metrics = run(url, path)
    # the recording's own delete is of a post this window never showed
    assert (summary.deletions, summary.deletions_applied, summary.deletions_unknown) == (2, 1, 1)
    assert metrics == {"seen": 2.0, "applied": 1.0, "unknown": 1.0}
    with open_store(url) as store:
        stored = store.get_post(post.uri)
        assert stored is not None and stored.text == "" and stored.deleted_at is not None
        assert {m.post.uri for m in store.recent_mentions("Words")} >= {post.uri}
        assert store.table_counts()["deletions"] == 2


def test_the_delete_arriving_before_its_post_erases_it_when_it_comes(tmp_path: Path) -> None:
    post = a_matched_post()
    path = tmp_path / "early.jsonl"
    path.write_text(delete_line(post, 1783175888000000) + "\n" + JETSTREAM.read_text())
    url = f"sqlite:///{tmp_path}/r.sqlite"
    summary, _ = run(url, path)
    assert summary.deletions == 2 and summary.deletions_applied == 1
    with open_store(url) as store:
        stored = store.get_post(post.uri)
        assert stored is not None and stored.text == ""


def test_reale_replay_says_what_the_deletions_did(tmp_path: Path) -> None:
    path, _ = recording_with_a_delete(tmp_path)
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Words"\nkeywords = ["the"]\n')
    url = f"sqlite:///{tmp_path}/c.sqlite"
    out = run_cli("replay", str(path), "--config", str(cfg), "--store", url, "--quiet")
    assert out.returncode == 0, out.stderr
    assert "; 2 deletions: 1 posts erased, 1 of posts not stored" in out.stdout.splitlines()[-1]
    as_json = json.loads(run_cli("replay", str(path), "--config", str(cfg), "--store",
                                 f"sqlite:///{tmp_path}/d.sqlite", "--json").stdout)
    assert (as_json["deletions"], as_json["deletions_applied"], as_json["deletions_unknown"]) == (
        2, 1, 1)


def jetstream_post(did: str, rkey: str, text: str, time_us: int) -> str:
    return json.dumps({"did": did, "time_us": time_us, "kind": "commit", "commit": {
        "rev": "3mptbyptllf2w", "operation": "create", "collection": "app.bsky.feed.post",
        "rkey": rkey, "record": {"$type": "app.bsky.feed.post", "text": text, "langs": ["it"],
                                 "createdAt": "2026-07-04T14:38:06.240Z"}}})


def test_a_full_replay_stores_the_opportunity_of_a_deleted_post_closed_and_erased(
        tmp_path: Path) -> None:
    t = 1783175888000000
    complaint = "@fiori.bsky.social il mio ordine non è mai arrivato, nessuno risponde! Aiuto"
    doomed = Post(network="bluesky", uri="at://did:plc:marco/app.bsky.feed.post/3kdoomed",
                  author=Author(id="did:plc:marco"), text=complaint, created_at=0.0)
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join([
        jetstream_post("did:plc:marco", "3kdoomed", complaint, t),
        jetstream_post("did:plc:anna", "3kkept", complaint.replace("mio", "nostro"), t + 1),
        delete_line(doomed, t + 2)]) + "\n")
    cfg = tmp_path / "reale.toml"
    cfg.write_text('[[brands]]\nname = "Fiori"\nhandles = ["fiori.bsky.social"]\n'
                   'keywords = ["fiori"]\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path}/full.sqlite"
    out = run_cli("replay", str(path), "--config", str(cfg), "--store", url, "--full", "--quiet",
                  timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    with open_store(url) as store:
        rows = {uri: (status, text) for uri, status, text in store.query(
            "SELECT post_uri, status, text FROM opportunities")}
        bodies = " ".join(b for (b,) in store.query("SELECT body FROM opportunities"))
    assert rows[doomed.uri] == ("deleted", "")
    assert rows["at://did:plc:anna/app.bsky.feed.post/3kkept"][0] == "open"
    assert "il mio ordine" not in bodies and "il nostro ordine" in bodies
