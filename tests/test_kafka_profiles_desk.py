"""Author profiles on Kafka end to end, against the real tansu broker, PostgreSQL and the local
recorded-profile server: Bluesky posts go in through ``posts`` carrying no follower counts, the
stages role fetches their authors' profiles, and the brand's opportunities are scored with the
fetched reach, as with the embedded runner. A profile service answering 500 slows nothing: the
desk stores its opportunities meanwhile, and the wanted profiles arrive once the service is back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reale.events import Author, Post
from reale.run.kafka.admin import init_topics
from reale.run.kafka.settings import KafkaSettings
from reale.signals.profile_clients import BlueskyProfiles
from reale.signals.profile_server import ProfileServer
from reale.store import Store, open_store
from reale.web import queries as web
from reale.web.records import OpportunityRecord, Reach
from tests.kafka_helpers import wait_until
from tests.test_kafka_desk import count, publish, running
from tests.test_kafka_profiles import BSKY_APP, FANS, FLORIST, recorded_profiles

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CONFIG = """
[[brands]]
name = "Volta"
handles = ["volta-auto.bsky.social"]
keywords = ["volta"]

[signals.profiles]
requests_per_second = 20.0
burst = 20.0
error_backoff = 0.5
"""
APPEAL = "@volta-auto.bsky.social can we get a Volta for our charity rally? pretty please"


def post(author: str, n: int, text: str) -> Post:
    """A Bluesky post as Jetstream gives it: the author's DID, no follower counts."""
    return Post(network="bluesky", uri=f"at://{author}/app.bsky.feed.post/{n}",
                author=Author(id=author), text=text, created_at=time.time(), langs=("en",),
                mentions=("volta-auto.bsky.social",) if text.startswith("@volta") else ())


@pytest.fixture
def server() -> Iterator[ProfileServer]:
    with ProfileServer(recorded_profiles(), [], []) as s:
        yield s


@pytest.fixture
def settings(kafka_bootstrap: str) -> KafkaSettings:
    s = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                      heartbeat_ms=200, snapshot_interval=0.0)
    init_topics(s)
    return s


@pytest.fixture
def http() -> Iterator[httpx.AsyncClient]:
    client = httpx.AsyncClient(timeout=5.0)
    yield client
    asyncio.run(client.aclose())


def opportunities_of(store: Store, author: str) -> list[OpportunityRecord]:
    return [o for o in web.opportunities(store, brand="Volta")
            if o.post_uri.startswith(f"at://{author}/")]


def test_a_bluesky_authors_fetched_reach_reaches_the_brands_opportunities(
        settings: KafkaSettings, fresh_postgres_url: str, tmp_path: Path,
        server: ProfileServer, http: httpx.AsyncClient) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(CONFIG)
    clients = {"bluesky": BlueskyProfiles(http, server.url)}
    # ten fans and one very followed account mention the brand
    publish(settings, [post(fan, 1, "my Volta is back from service") for fan in FANS[:10]]
            + [post(BSKY_APP, 1, "a Volta in the parking lot")])
    with open_store(fresh_postgres_url) as store, \
            running(config, settings, fresh_postgres_url, "all", profile_clients=clients):
        wait_until(lambda: count(store, "author_profiles") == 11, 60, "the authors' profiles")
        assert len(server.requests) == 1  # one getProfiles call for the eleven authors
        followers = store.query("SELECT followers FROM author_profiles WHERE id = ?", (BSKY_APP,))
        assert followers == [(25_893_211,)]
        n = 1

        def appeal_scored_with_its_reach() -> bool:
            nonlocal n
            n += 1
            publish(settings, [post(BSKY_APP, n, f"{APPEAL} {n}")])
            return any(o.reach is not None for o in opportunities_of(store, BSKY_APP))

        wait_until(appeal_scored_with_its_reach, 60, "an appeal scored with its reach", step=0.3)
        appeal = next(o for o in opportunities_of(store, BSKY_APP) if o.reach is not None)
        assert appeal.kind == "appeal"
        assert appeal.reach == Reach(tier="mega", followers=25_893_211, percentile=95.5)
        assert "author in the top 5% of this brand's mentioners" in appeal.reasons
    assert len(server.requests) == 1  # known authors are not fetched again


def test_a_failing_profile_service_leaves_the_desk_running_and_its_profiles_arrive_later(
        settings: KafkaSettings, fresh_postgres_url: str, tmp_path: Path,
        server: ProfileServer, http: httpx.AsyncClient) -> None:
    config = tmp_path / "reale.toml"
    config.write_text(CONFIG)
    server.mode = "500"
    publish(settings, [post(FLORIST, 1, APPEAL)])
    with open_store(fresh_postgres_url) as store, running(
            config, settings, fresh_postgres_url, "all",
            profile_clients={"bluesky": BlueskyProfiles(http, server.url)}):
        wait_until(lambda: bool(opportunities_of(store, FLORIST)), 60, "the appeal's opportunity")
        wait_until(lambda: len(server.requests) >= 2, 30, "the fetcher to try again")
        wanted = store.query("SELECT network, id FROM profile_wants")
        assert wanted == [("bluesky", FLORIST)] and count(store, "author_profiles") == 0
        server.mode = "ok"
        wait_until(lambda: count(store, "author_profiles") == 1, 30, "the profile, once back")
        assert store.query("SELECT COUNT(*) FROM profile_wants") == [(0,)]
