"""The small parts: counting like each network, similarity and ROUGE-L, rate limits, record keys,
facets, and the response-time analytics (with the real IBM customer-care baseline)."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.desk.analytics import (
    ResponseRecord,
    records_from_repository,
    response_report,
    response_targets,
    snowflake_time,
)
from reale.desk.similarity import NgramIndex, jaccard, rouge_l
from reale.errors import ConfigError
from reale.publish.facets import facets
from reale.publish.limits import fits, graphemes, mastodon_length, x_length
from reale.publish.ratelimit import RateLimiter, TokenBucket, retry_after
from reale.publish.tid import tid, tid_for
from tests.desk_helpers import T0, team


def test_counting_like_each_network() -> None:
    family = "👨‍👩‍👧"  # one grapheme, five code points
    assert graphemes(family + "e\u0301") == 2
    assert x_length("ciao " + family) == 7  # an emoji sequence weighs 2
    assert x_length("日本") == 4  # CJK weighs 2 each
    assert x_length("see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert mastodon_length("@anna@other.example hi https://example.com/" + "x" * 100) == 9 + 23
    assert fits("x", "a" * 280) and not fits("x", "a" * 281)
    assert fits("bluesky", "e\u0301" * 300) and not fits("bluesky", "a" * 301)
    assert not fits("bluesky", family * 200)  # 200 graphemes but 3,600 bytes
    assert not fits("bluesky", "\U00010000" * 299 + "😀" * 800)  # > 3,000 bytes
    assert fits("mastodon", "b" * 500) and not fits("mastodon", "b" * 501)


def test_rouge_l_and_similarity() -> None:
    assert rouge_l("the cat sat on the mat", "the cat is on the mat") == pytest.approx(5 / 6)
    assert rouge_l("", "anything") == 0.0 and rouge_l("same words", "Same words!") == 1.0
    assert jaccard("Thanks so much for telling us", "thanks so much for telling us!") > 0.9
    assert jaccard("Thanks so much", "Your parcel is on its way") < 0.2
    ix = NgramIndex(["my order never arrived", "love the new colours", "app crashes at login"])
    assert ix.search("where is my order", k=2)[0][0] == 0
    assert ix.search("where is my order", k=1, exclude=0)[0][0] != 0


def test_token_bucket_spaces_posts_and_obeys_the_network() -> None:
    clock = ManualClock(0.0)
    bucket = TokenBucket(capacity=2, per_hour=60, clock=clock)
    assert [bucket.take(), bucket.take()] == [0.0, 0.0]
    assert bucket.take() == pytest.approx(60.0)
    clock.advance(60)
    assert bucket.take() == 0.0
    bucket.block_for(300)
    assert bucket.wait_time() == pytest.approx(300.0)
    limiter = RateLimiter(clock)
    assert limiter.bucket("a") is limiter.bucket("a") and limiter.bucket("a") is not limiter.bucket("b")


def test_retry_after_reads_every_networks_header() -> None:
    now = 1_700_000_000.0
    assert retry_after({"retry-after": "12"}, now) == 12
    assert retry_after({"retry-after": "Tue, 14 Nov 2023 22:14:20 GMT"}, now) == pytest.approx(60)
    assert retry_after({"x-rate-limit-reset": str(int(now) + 90)}, now) == 90
    assert retry_after({"ratelimit-reset": str(int(now) + 5)}, now) == 5
    assert retry_after({"x-ratelimit-reset": "2023-11-14T22:13:50.000Z"}, now) == pytest.approx(30)
    assert retry_after({"x-ratelimit-reset": "garbage"}, now, default=7) == 7


def test_record_keys_are_valid_deterministic_tids() -> None:
    assert tid(0, 0) == "2222222222222"
    key = tid_for("reply-1", T0)
    assert key == tid_for("reply-1", T0) and key != tid_for("reply-2", T0)
    assert len(key) == 13 and key[0] in "234567abcdefghij"  # top bit zero
    assert tid_for("a", T0) < tid_for("a", T0 + 10)  # sortable by time


def test_facets_use_utf8_byte_offsets() -> None:
    text = "Caffè ☕ con @giulia.bsky.social https://fiori.example/x #primavera"
    out = facets(text, {"giulia.bsky.social": "did:plc:g"})
    spans = [text.encode()[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in out]
    assert spans == ["@giulia.bsky.social", "https://fiori.example/x", "#primavera"]
    assert facets("@unknown.bsky.social hi") == []  # unresolved mentions are left as text
    assert [f["features"][0]["$type"] for f in facets("https://x.example/#frag")] == [
        "app.bsky.richtext.facet#link"]


def test_response_report_per_kind_and_person_against_targets() -> None:
    def rec(i: int, kind: str, who: str, appr: str, first_min: float, approval_min: float) -> ResponseRecord:
        return ResponseRecord(reply_id=str(i), kind=kind, drafted_by=who, approved_by=appr,
                              post_at=0.0, submitted_at=60.0, approved_at=60.0 + approval_min * 60,
                              published_at=first_min * 60)

    records = [rec(1, "complaint", "rita", "aldo", 30, 5), rec(2, "complaint", "rita", "aldo", 90, 15),
               rec(3, "praise", "luca", "bea", 200, 1),
               ResponseRecord(reply_id="4", kind="question", drafted_by="luca")]  # not yet answered
    report = response_report(records, {"complaint": 60, "praise": 480})
    complaint = report.by_kind["complaint"]["first_response"]
    assert complaint.n == 2 and complaint.median_s == 60 * 60 and complaint.within_target == 0.5
    assert report.by_kind["question"]["first_response"].n == 0
    assert report.by_person["aldo"]["approval"].median_s == 10 * 60
    assert report.by_person["luca"]["first_response"].n == 1
    assert report.overall.within_target == pytest.approx(2 / 3)


def test_records_come_from_the_decision_log() -> None:
    clock = ManualClock(T0)
    wf = team(clock)
    from reale.desk.records import Publication, Target

    r = wf.draft("rita", brand="F", account="a", target=Target(network="x", uri="x://tweet/1"),
                 text="Thanks!", kind="praise", post_created_at=T0 - 600)
    clock.advance(120)
    wf.submit("rita", r.id)
    clock.advance(180)
    approved = wf.approve("aldo", r.id)
    clock.advance(5)
    wf.record_publication(approved, Publication(reply_id=r.id, network="x", account="a",
                                                state="sent", idempotency_key="k"))
    [record] = records_from_repository(wf.repository)
    assert record.time_to_approval == 180 and record.first_response == 600 + 305
    assert record.drafted_by == "rita" and record.approved_by == "aldo"


def test_targets_come_from_config_the_same_section_the_queue_reads() -> None:
    """One ``[desk.targets]`` (seconds, docs/desk.md) means the same to the queue that ages
    opportunities and to the response-time analytics (which report in minutes): a complaint
    target of 1800 is half an hour for both, not 30 hours for one of them."""
    from reale.desk.opportunity_rules import ResponseTargets, response_targets_from_config

    extra = {"desk": {"targets": {"complaint": 1800}}}
    assert response_targets(extra)["complaint"] == 30
    assert response_targets(extra)["complaint"] * 60 == response_targets_from_config(extra).complaint
    assert response_targets({})["moment"] * 60 == ResponseTargets().moment
    with pytest.raises(ConfigError, match=r"praise"):
        response_targets({"desk": {"targets": {"praise": "soon"}}})


def test_snowflake_ids_tell_the_time() -> None:
    # a real tweet of the IBM set, posted at 2020-04-01T17:31:32Z
    assert snowflake_time("1245403438755852288") == pytest.approx(1585762292.0, abs=1)
