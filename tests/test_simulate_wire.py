"""The simulator writes Jetstream v1 exactly as the real service does: same envelope, same key
order, same identifier formats, facets indexed in UTF-8 bytes; and a seed fixes every byte."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reale.simulate import Simulator
from reale.simulate.ids import tid_time
from reale.simulate.richtext import detect
from tests.conftest import WIRE

REAL = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
DID = re.compile(r"^did:plc:[a-z2-7]{24}$")
TID = re.compile(r"^[2-7a-j][2-7a-z]{12}$")
CID = re.compile(r"^bafyrei[a-z2-7]{52}$")
POST_URI = re.compile(r"^at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[2-7a-z]{13}$")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _sim_events(n: int = 6000, **kw: Any) -> list[dict[str, Any]]:
    sim = Simulator(seed=11, authors=2000, **kw)
    return [json.loads(line) for line in sim.take(count=n)]


def _real_events() -> list[dict[str, Any]]:
    if not REAL.is_file():
        pytest.skip("../shared/data/wire/bluesky is not present")
    return [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]


BLOB_KEYS = ["$type", "ref", "mimeType", "size"]


def _keys_sorted_everywhere(value: Any) -> bool:
    """Jetstream writes records with their keys in sorted order at every depth, except blobs
    (image references), which keep their own order."""
    if isinstance(value, dict):
        keys = list(value)
        expected = BLOB_KEYS if value.get("$type") == "blob" else sorted(keys)
        return keys == expected and all(_keys_sorted_everywhere(v) for v in value.values())
    if isinstance(value, list):
        return all(_keys_sorted_everywhere(v) for v in value)
    return True


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    def run(seed: int) -> list[str]:
        sim = Simulator(seed=seed, authors=1500)
        sim.add_scenario("car", at=2, speed=200)
        sim.inject_burst("#zuppa", 1, 5, 3)
        return list(sim.take(count=4000))

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_envelopes_and_commits_have_the_real_key_order() -> None:
    real, sim = _real_events(), _sim_events()
    envelope = {tuple(e) for e in real}
    commits = {tuple(e["commit"]) for e in real if "commit" in e}
    for e in sim:
        assert tuple(e) in envelope, e
        if "commit" in e:
            assert tuple(e["commit"]) in commits, e["commit"]


def test_records_have_sorted_keys_like_the_real_ones() -> None:
    real = [e["commit"]["record"] for e in _real_events() if "record" in e.get("commit", {})]
    assert all(_keys_sorted_everywhere(r) for r in real)  # the property being copied
    sim = [e["commit"]["record"] for e in _sim_events() if "record" in e.get("commit", {})]
    assert sim and all(_keys_sorted_everywhere(r) for r in sim)


def test_only_kinds_and_collections_the_real_stream_has() -> None:
    real = {(e["kind"], e.get("commit", {}).get("collection"), e.get("commit", {}).get("operation"))
            for e in _real_events()}
    seen = Counter((e["kind"], e.get("commit", {}).get("collection"),
                    e.get("commit", {}).get("operation")) for e in _sim_events())
    assert set(seen) <= real | {("commit", "app.bsky.feed.repost", "delete"),
                                ("commit", "app.bsky.feed.like", "delete")}
    likes = seen[("commit", "app.bsky.feed.like", "create")]
    posts = seen[("commit", "app.bsky.feed.post", "create")]
    assert likes > 3 * posts > 0  # likes dominate a firehose, as in the recording


def test_identifiers_look_like_at_protocol_ones() -> None:
    for e in _sim_events(3000):
        assert DID.match(e["did"])
        assert isinstance(e["time_us"], int)
        commit = e.get("commit")
        if not commit:
            continue
        assert TID.match(commit["rev"]) and TID.match(commit["rkey"]), commit
        if commit["operation"] != "create":
            continue
        assert CID.match(commit["cid"])
        record = commit["record"]
        assert CREATED.match(record["createdAt"])
        subject = record.get("subject")
        if isinstance(subject, dict):
            assert POST_URI.match(subject["uri"]) and CID.match(subject["cid"])
        elif subject is not None:
            assert DID.match(subject)


def test_tids_encode_the_relay_and_client_times() -> None:
    for e in _sim_events(2000):
        commit = e.get("commit")
        if not commit or commit["operation"] != "create":
            continue
        assert abs(tid_time(commit["rev"]) - e["time_us"] / 1e6) < 1e-3
        created = commit["record"]["createdAt"]
        rkey_time = tid_time(commit["rkey"])
        assert created.startswith(_iso_second(rkey_time))
        assert rkey_time <= e["time_us"] / 1e6  # the client writes before the relay sees it


def _iso_second(seconds: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S")


def test_detect_indexes_facets_in_utf8_bytes() -> None:
    text = "Caffè ☕ con #amici e @volta-auto.bsky.social 🚗 #Brio"
    facets = detect(text, {"volta-auto.bsky.social": "did:plc:" + "a" * 24}.get)
    raw = text.encode("utf-8")
    spans = [raw[f.index.byteStart:f.index.byteEnd].decode("utf-8") for f in facets]
    assert spans == ["#amici", "@volta-auto.bsky.social", "#Brio"]
    assert facets[0].index.byteStart == 15  # 12 characters, but è is 2 bytes and ☕ is 3


def test_every_facet_in_the_stream_covers_its_tag_mention_or_link() -> None:
    checked = Counter()
    for e in _sim_events(30_000):
        record = e.get("commit", {}).get("record", {})
        raw = record.get("text", "").encode("utf-8")
        for facet in record.get("facets", []):
            span = raw[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
            feature = facet["features"][0]
            kind = feature["$type"].rsplit("#", 1)[1]
            if kind == "tag":
                assert span == "#" + feature["tag"]
            elif kind == "mention":
                assert span.startswith("@") and DID.match(feature["did"])
            else:
                assert feature["uri"].split("://", 1)[1].startswith(span.removesuffix("..."))
            checked[kind] += 1
            checked["non-ascii"] += not raw.isascii()
    assert checked["tag"] and checked["mention"] and checked["link"] and checked["non-ascii"]


def test_the_jetstream_parser_reads_every_simulated_line(tmp_path: Path) -> None:
    jetstream = pytest.importorskip("reale.sources.jetstream")
    sim = Simulator(seed=3, authors=2000)
    sim.add_scenario("complaint", at=1, speed=100)
    kinds: Counter[str] = Counter()
    for line in sim.take(count=20_000):
        for event in jetstream.parse(line):
            kinds[getattr(event, "kind", "post")] += 1
    assert kinds["post"] and kinds["like"] and kinds["repost"] and kinds["reply"]
