"""Each publishing client against a local server that honours its network's contract.

The servers (tests/publish_servers.py) answer in the recorded formats; the tests script 429s,
5xx, timeouts and dropped connections, and check that a reply is posted exactly once.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from reale.clock import ManualClock
from reale.desk.records import Target
from reale.errors import PublishError
from reale.publish.base import Account
from reale.publish.factory import publisher_for
from reale.publish.tid import tid_for
from tests.conftest import WIRE
from tests.desk_helpers import T0, get_approved, sleeper, team
from tests.publish_servers import Answer, FakeBluesky, FakeMastodon, FakeX

PARENT = "at://did:plc:author00000000000000000/app.bsky.feed.post/3kabc"
ROOT = "at://did:plc:author00000000000000000/app.bsky.feed.post/3kroot"


def aio(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (the publisher's HTTP client lives in it)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper


def recorded_status() -> dict[str, Any]:
    """The Status that a real Mastodon returned for a reply (Mastodon.py's cassette)."""
    path = WIRE / "mastodon" / "cassettes" / "test_status_reply.yaml"
    if not path.exists():
        pytest.skip("the Mastodon cassettes in ../shared/data are not present")
    for item in yaml.safe_load(path.read_text())["interactions"]:
        if item["request"]["method"] == "POST" and "in_reply_to_id" in (item["request"]["body"] or ""):
            status: dict[str, Any] = json.loads(item["response"]["body"]["string"])
            return status
    raise AssertionError("no reply in the cassette")


def setup(network: str, url: str, secret: str, **account: Any) -> tuple[Any, Any, ManualClock]:
    clock = ManualClock(T0)
    wf = team(clock)
    acc = Account(name=f"brand-{network}", network=network, url=url, handle="brand.bsky.social",
                  secret=secret, secret_env=f"REALE_{network.upper()}_SECRET",
                  **{"dry_run": False, **account})
    pub = publisher_for(acc, gate=wf, clock=clock, sleep=sleeper(clock))
    return wf, pub, clock


# -- Mastodon ---------------------------------------------------------------------------------
def mastodon_target(server: FakeMastodon) -> Target:
    uri = "https://other.example/users/anna/statuses/42"
    server.remote[uri] = "117020583245459824"
    return Target(network="mastodon", uri=uri, author_handle="anna@other.example")


@aio
async def test_mastodon_reply_resolves_the_status_and_sends_an_idempotency_key() -> None:
    with FakeMastodon(recorded_status()) as server:
        wf, pub, _ = setup("mastodon", server.url, "tok-123")
        approved = get_approved(wf, account="brand-mastodon", target=mastodon_target(server),
                                text="@anna@other.example thank you, that made our day!", lang="en")
        pub_ = await pub.publish(approved)
        assert pub_.state == "sent" and pub_.remote_id in server.statuses
        status = server.statuses[pub_.remote_id]
        assert status["in_reply_to_id"] == "117020583245459824"
        assert status["language"] == "en"
        post = next(r for r in server.requests if r.method == "POST")
        assert post.headers["idempotency-key"] == pub_.idempotency_key
        assert wf.repository.get_reply(approved.reply_id).state == "published"  # type: ignore[union-attr]
        await pub.aclose()


@aio
async def test_mastodon_timeout_then_retry_posts_exactly_once() -> None:
    with FakeMastodon(recorded_status()) as server:
        wf, pub, _ = setup("mastodon", server.url, "tok-123", timeout=0.3)
        approved = get_approved(wf, account="brand-mastodon", target=mastodon_target(server),
                                text="We are on it, Anna.")
        server.plan("/api/v1/statuses", "hang")  # the status is created, the answer never comes
        result = await pub.publish(approved)
        assert len(server.statuses) == 1 and result.attempts == 2
        assert server.count("POST", "/api/v1/statuses") == 2  # retried with the same key
        await pub.aclose()


@aio
async def test_mastodon_429_waits_for_the_reset_then_posts() -> None:
    with FakeMastodon(recorded_status()) as server:
        wf, pub, clock = setup("mastodon", server.url, "tok-123")
        approved = get_approved(wf, account="brand-mastodon", target=mastodon_target(server),
                                text="Thanks for your patience.")
        reset = "2023-11-14T22:13:50.000Z"  # 30 s after T0 (Mastodon sends an ISO time)
        server.plan("/api/v1/statuses", Answer(429, {"error": "Too many requests"},
                                               {"x-ratelimit-reset": reset}))
        result = await pub.publish(approved)
        assert result.state == "sent" and len(server.statuses) == 1
        assert clock.now() - T0 == pytest.approx(30, abs=2)
        await pub.aclose()


@aio
async def test_mastodon_bad_token_is_a_clear_publish_error() -> None:
    with FakeMastodon(recorded_status()) as server:
        wf, pub, _ = setup("mastodon", server.url, "wrong")
        approved = get_approved(wf, account="brand-mastodon", target=mastodon_target(server),
                                text="Hello!")
        with pytest.raises(PublishError, match=r"refused the credentials.*REALE_MASTODON_SECRET"):
            await pub.publish(approved)
        assert server.statuses == {}
        await pub.aclose()


# -- Bluesky ----------------------------------------------------------------------------------
def bluesky_server() -> FakeBluesky:
    server = FakeBluesky()
    server.posts[PARENT] = {"uri": PARENT, "cid": "bafyparent", "record": {
        "$type": "app.bsky.feed.post", "text": "happy first day, @fiori!",
        "reply": {"root": {"uri": ROOT, "cid": "bafyroot"}, "parent": {"uri": ROOT, "cid": "bafyroot"}}}}
    server.handles["giulia.bsky.social"] = "did:plc:giulia000000000000000000"
    return server


@aio
async def test_bluesky_reply_has_refs_langs_facets_and_a_deterministic_rkey() -> None:
    with bluesky_server() as server:
        wf, pub, _ = setup("bluesky", server.url, "app-pass-1234")
        text = "@giulia.bsky.social grazie di cuore! Ti aspettiamo in negozio https://fiori.example #primavera"
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text=text, lang="it")
        result = await pub.publish(approved)
        [(rkey, record)] = server.records.items()
        assert rkey == tid_for(approved.reply_id, approved.approved_at) and len(rkey) == 13
        assert record["reply"] == {"root": {"uri": ROOT, "cid": "bafyroot"},
                                   "parent": {"uri": PARENT, "cid": "bafyparent"}}
        assert record["langs"] == ["it"] and record["createdAt"].endswith("Z")
        kinds = [f["features"][0]["$type"].rsplit("#", 1)[1] for f in record["facets"]]
        assert kinds == ["mention", "link", "tag"]
        mention = record["facets"][0]["index"]
        assert text.encode()[mention["byteStart"]:mention["byteEnd"]] == b"@giulia.bsky.social"
        assert result.remote_uri == f"at://{server.did}/app.bsky.feed.post/{rkey}"
        await pub.aclose()


@pytest.mark.parametrize("failure", ["hang", "drop"])
@aio
async def test_bluesky_lost_answer_then_retry_posts_exactly_once(failure: str) -> None:
    with bluesky_server() as server:
        wf, pub, _ = setup("bluesky", server.url, "app-pass-1234", timeout=0.3)
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text="Grazie!")
        server.plan("/xrpc/com.atproto.repo.createRecord", failure)
        result = await pub.publish(approved)
        assert len(server.records) == 1 and result.state == "sent"
        assert server.count("POST", "/xrpc/com.atproto.repo.createRecord") == 1  # found, not re-sent
        await pub.aclose()


@aio
async def test_bluesky_retried_create_collides_instead_of_duplicating() -> None:
    """Even if a retry re-sends createRecord, the same rkey cannot make a second post."""
    with bluesky_server() as server:
        wf, pub, _ = setup("bluesky", server.url, "app-pass-1234")
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text="Grazie!")
        server.records[tid_for(approved.reply_id, approved.approved_at)] = {"text": "Grazie!"}  # a previous attempt got through
        server.plan("/xrpc/com.atproto.repo.getRecord", Answer(503, {"error": "Unavailable"}))
        result = await pub.publish(approved)
        assert len(server.records) == 1 and result.state == "sent"
        await pub.aclose()


@aio
async def test_bluesky_429_then_5xx_then_success() -> None:
    with bluesky_server() as server:
        wf, pub, clock = setup("bluesky", server.url, "app-pass-1234")
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text="Ciao!")
        server.plan("/xrpc/com.atproto.repo.createRecord",
                    Answer(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                           {"ratelimit-reset": str(int(T0 + 45))}),
                    Answer(502, {"error": "UpstreamFailure"}))
        result = await pub.publish(approved)
        assert len(server.records) == 1 and result.attempts == 3
        assert clock.now() - T0 >= 45
        await pub.aclose()


@aio
async def test_bluesky_wrong_app_password_is_a_clear_publish_error() -> None:
    with bluesky_server() as server:
        wf, pub, _ = setup("bluesky", server.url, "not-it")
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text="Ciao!")
        with pytest.raises(PublishError, match="Invalid identifier or password"):
            await pub.publish(approved)
        assert server.records == {}
        await pub.aclose()


@aio
async def test_bluesky_persistent_5xx_gives_up_without_posting() -> None:
    with bluesky_server() as server:
        wf, pub, _ = setup("bluesky", server.url, "app-pass-1234", retries=2)
        approved = get_approved(wf, account="brand-bluesky", target=Target(network="bluesky", uri=PARENT),
                                text="Ciao!")
        server.plan("/xrpc/com.atproto.repo.createRecord", *[Answer(503, {"error": "x"})] * 3)
        with pytest.raises(PublishError, match=r"gave up .* after 3 attempts"):
            await pub.publish(approved)
        assert server.records == {}
        assert wf.publication_for(approved.reply_id).state == "pending"  # type: ignore[union-attr]
        await pub.aclose()


# -- X ----------------------------------------------------------------------------------------
X_TARGET = Target(network="x", uri="x://tweet/1394735776701816833")


@aio
async def test_x_reply_posts_in_reply_to_the_tweet() -> None:
    with FakeX() as server:
        wf, pub, _ = setup("x", server.url, "x-user-token")
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="@vero thank you!")
        result = await pub.publish(approved)
        [tweet] = server.tweets
        assert tweet["referenced_tweets"] == [{"type": "replied_to", "id": "1394735776701816833"}]
        assert result.remote_uri == f"x://tweet/{tweet['id']}"
        await pub.aclose()


@pytest.mark.parametrize("failure", ["hang", Answer(500, {"title": "Internal Error"})])
@aio
async def test_x_ambiguous_failure_checks_the_timeline_before_posting_again(failure: Any) -> None:
    with FakeX() as server:
        wf, pub, _ = setup("x", server.url, "x-user-token", timeout=0.3)
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="On our way, Vero.")
        if isinstance(failure, Answer):  # the post went through but the answer was an error
            server.plan("/2/tweets", "drop")
        else:
            server.plan("/2/tweets", failure)
        result = await pub.publish(approved)
        assert len(server.tweets) == 1 and result.remote_id == server.tweets[0]["id"]
        assert server.count("POST", "/2/tweets") == 1
        await pub.aclose()


@aio
async def test_x_429_uses_the_rate_limit_reset_header() -> None:
    with FakeX() as server:
        wf, pub, clock = setup("x", server.url, "x-user-token")
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="Thanks!")
        server.plan("/2/tweets", Answer(429, {"title": "Too Many Requests", "status": 429},
                                        {"x-rate-limit-reset": str(int(T0 + 90))}))
        await pub.publish(approved)
        assert len(server.tweets) == 1 and clock.now() - T0 >= 90
        await pub.aclose()


@aio
async def test_x_429_beyond_max_wait_fails_clearly() -> None:
    with FakeX() as server:
        wf, pub, _ = setup("x", server.url, "x-user-token", max_wait=60)
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="Thanks!")
        server.plan("/2/tweets", Answer(429, {"title": "Too Many Requests"},
                                        {"x-rate-limit-reset": str(int(T0 + 900))}))
        with pytest.raises(PublishError, match="slow down for 900 s"):
            await pub.publish(approved)
        assert server.tweets == []
        await pub.aclose()


@aio
async def test_x_bad_token_is_a_clear_publish_error() -> None:
    with FakeX() as server:
        wf, pub, _ = setup("x", server.url, "expired")
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="Thanks!")
        with pytest.raises(PublishError, match=r"x refused the credentials .*401.*REALE_X_SECRET"):
            await pub.publish(approved)
        await pub.aclose()


# -- shared behaviour -------------------------------------------------------------------------
@aio
async def test_dry_run_is_the_default_and_returns_what_would_be_sent() -> None:
    with FakeX() as server:
        clock = ManualClock(T0)
        wf = team(clock)
        acc = msgspec.convert({"name": "brand-x", "network": "x", "url": server.url}, Account)
        pub = publisher_for(acc, gate=wf, clock=clock)
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="Thanks!")
        result = await pub.publish(approved)
        assert result.state == "dry_run" and server.requests == []
        assert json.loads(result.request)["json"] == {
            "text": "Thanks!", "reply": {"in_reply_to_tweet_id": "1394735776701816833"}}
        assert wf.repository.get_reply(approved.reply_id).state == "approved"  # type: ignore[union-attr]
        await pub.aclose()


@aio
async def test_publishing_the_same_reply_twice_returns_the_first_publication() -> None:
    with FakeX() as server:
        wf, pub, _ = setup("x", server.url, "x-user-token")
        approved = get_approved(wf, account="brand-x", target=X_TARGET, text="Thanks!")
        first = await pub.publish(approved)
        again = await pub.publish(wf.approved_reply(approved.reply_id))
        assert again == first and len(server.tweets) == 1
        await pub.aclose()


@aio
async def test_the_account_rate_limit_spaces_posts_out(tmp_path: Path) -> None:
    with FakeX() as server:
        wf, pub, clock = setup("x", server.url, "x-user-token", capacity=1, per_hour=60)
        for i in range(3):  # three replies to three posts (one post is answered once)
            target = msgspec.structs.replace(X_TARGET, uri=f"{X_TARGET.uri}{i}")
            approved = get_approved(wf, account="brand-x", target=target, text=f"Thanks {i}!")
            await pub.publish(approved)
        assert len(server.tweets) == 3
        assert clock.now() - T0 == pytest.approx(120, abs=1)  # one a minute after the first
        await pub.aclose()


def test_a_misspelt_publish_section_is_refused_not_silently_a_dry_run() -> None:
    from reale.errors import ConfigError
    from reale.publish.factory import accounts_from_config

    entry = {"name": "fiori-bsky", "network": "bluesky", "handle": "fiori.bsky.social",
             "secret_env": "PW", "dry_run": False}
    [account] = accounts_from_config({"publish": {"accounts": [entry]}}, {"PW": "s3cret"})
    assert account.name == "fiori-bsky" and not account.dry_run
    with pytest.raises(ConfigError, match=r"unknown key 'account'.*\[\[publish.accounts\]\]"):
        accounts_from_config({"publish": {"account": [entry]}}, {"PW": "s3cret"})


# -- length -----------------------------------------------------------------------------------
@aio
async def test_a_reply_over_the_networks_limit_is_refused_before_any_request_even_in_dry_run() -> None:
    """A person's edit can exceed what the network takes: the publisher says so before sending,
    and a dry run refuses it too (a rehearsal that passes what the network would refuse lies)."""
    text = "Grazie di cuore," + " grazie di cuore," * 24  # 424 characters: over Bluesky's 300
    with bluesky_server() as server:
        for dry_run in (False, True):
            wf, pub, _ = setup("bluesky", server.url, "app-pass-1234", dry_run=dry_run)
            approved = get_approved(wf, account="brand-bluesky",
                                    target=Target(network="bluesky", uri=PARENT), text=text)
            with pytest.raises(PublishError, match=r"424 characters.*bluesky takes 300"):
                await pub.publish(approved)
            assert wf.repository.get_publication(approved.reply_id) is None
            await pub.aclose()
        assert server.requests == []


@aio
async def test_an_accounts_max_characters_is_the_limit_it_is_held_to() -> None:
    with FakeMastodon(recorded_status()) as server:
        wf, pub, _ = setup("mastodon", server.url, "tok-123", max_characters=20)
        approved = get_approved(wf, account="brand-mastodon", target=mastodon_target(server),
                                text="Thank you, Anna: that made our day!")
        with pytest.raises(PublishError, match=r"35 characters.*brand-mastodon takes 20"):
            await pub.publish(approved)
        assert server.statuses == {}
        await pub.aclose()
