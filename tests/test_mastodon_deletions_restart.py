"""A Mastodon ``delete`` names only the status id, and the parser that saw the status may be gone
(a restart, or more than 100,000 statuses ago): the store keeps each Mastodon post's status id
(``native_ids``) and resolves ``mastodon://HOST/statuses/ID`` to the stored post, on SQLite and
PostgreSQL, through the embedded runner and a Kafka matcher worker."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Deletion, Post
from reale.run.app import EmbeddedApp
from reale.run.embedded import RunSummary
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import KafkaSettings
from reale.sources.replay import ReplaySource
from reale.store import open_store
from reale.store.migrations import MIGRATIONS_DIR
from tests.conftest import WIRE
from tests.kafka_helpers import wait_until, worker_command, workers
from tests.store_helpers import migrations_until

T0 = 1_780_000_000.0
STATUS_ID = "117020588169351887"
URI = f"http://localhost:3000/ap/users/117020565693913441/statuses/{STATUS_ID}"
STATUSES = WIRE / "mastodon" / "statuses.jsonl"


def the_post() -> Post:
    return Post(network="mastodon", uri=URI, author=Author(id="1170", handle="jeep",
                display_name="Beep Jeep"), text="beep beep I'm a jeep", created_at=T0 - 60,
                cursor=STATUS_ID)


def unremembered(status_id: str = STATUS_ID) -> Deletion:
    """What a parser that never saw the status makes of its delete."""
    return Deletion(network="mastodon", uri=f"mastodon://m.social/statuses/{status_id}",
                    deleted_at=0.0, received_at=T0)


def test_a_delete_by_status_id_erases_the_post_stored_before(store_url: str) -> None:
    with open_store(store_url, clock=ManualClock(T0)) as store:
        store.write_batch([the_post()])
        result = store.write_batch([unremembered(), unremembered("999")])
        assert (result.deleted, result.unknown_deletions) == (1, 1)
        post = store.get_post(URI)
        assert post is not None and post.text == "" and post.author.display_name == ""
        assert post.deleted_at == T0
        assert store.query("SELECT deleted_at FROM deletions WHERE uri = ?", (URI,)) == [(T0,)]


def test_mastodon_posts_stored_before_the_upgrade_are_found_by_their_status_id(
        store_url: str, tmp_path: Path) -> None:
    with open_store(store_url, clock=ManualClock(T0),
                    migrations_dir=migrations_until(18, tmp_path)) as old:
        old.migrate()
        old.write_batch([the_post()])
    with open_store(store_url, clock=ManualClock(T0), migrations_dir=MIGRATIONS_DIR) as store:
        store.migrate()
        assert store.write_batch([unremembered()]).deleted == 1
        post = store.get_post(URI)
        assert post is not None and post.text == ""


def replay(url: str, path: Path) -> RunSummary:
    async def main() -> RunSummary:
        brands = (BrandConfig(name="Jeep", keywords=("jeep",)),)
        async with EmbeddedApp(Config(brands=brands, store=url)) as app:
            return await app.run([ReplaySource(path)])
    return asyncio.run(main())


def test_the_embedded_runner_erases_a_status_seen_before_its_restart(tmp_path: Path) -> None:
    if not STATUSES.is_file():
        pytest.skip("../shared/data/wire is not present")
    url = f"sqlite:///{tmp_path}/r.sqlite"
    assert replay(url, STATUSES).mentions >= 1
    deletes = tmp_path / "deletes.jsonl"
    deletes.write_text(json.dumps({"event": "delete", "payload": STATUS_ID}) + "\n")
    summary = replay(url, deletes)  # a new runner, a new parser that never saw the status
    assert (summary.deletions, summary.deletions_applied, summary.deletions_unknown) == (1, 1, 0)
    with open_store(url) as store:
        post = store.get_post(URI)
        assert post is not None and post.text == "" and post.deleted_at is not None


@pytest.mark.kafka
@pytest.mark.postgres
def test_a_kafka_matcher_erases_a_status_its_source_no_longer_remembers(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2)
    init_topics(settings)
    config = tmp_path / "reale.toml"
    config.write_text('[[brands]]\nname = "Jeep"\nkeywords = ["jeep"]\n')
    publisher = Publisher(settings)
    with workers([worker_command("matcher", kafka_bootstrap, fresh_postgres_url, config)],
                 tmp_path) as (matcher,):
        publisher.publish(the_post())
        publisher.flush()
        wait_until(lambda: sum(r.committed or 0 for r in consumer_lag(settings, ("matcher",)))
                   >= 1, 90, "the matcher to store the post", step=0.2)
        publisher.publish(unremembered())  # from a source stage started again since
        publisher.flush()
        publisher.close()
        wait_until(lambda: sum(r.committed or 0 for r in consumer_lag(settings, ("matcher",)))
                   >= 2, 90, "the matcher to read the deletion", step=0.2)
        matcher.send_signal(signal.SIGTERM)
        assert matcher.wait(30) == 0
    log = (tmp_path / "worker0.log").read_text()
    assert '"deletions_applied": 1' in log and '"deletions_unknown": 0' in log, log[-2000:]
    with open_store(fresh_postgres_url) as store:
        post = store.get_post(URI)
        assert post is not None and post.text == "" and post.deleted_at == T0
