"""Retention: posts older than the days the store keeps words lose them (text, links, display
name, mention spans, their opportunity's text, which is closed as expired) in small batches,
counts staying; a dry run changes nothing; pruning again changes nothing. SQLite and PostgreSQL,
with a manual clock; ``reale store prune`` as a user runs it."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig, Config, parse_config
from reale.errors import ConfigError
from reale.run.app import EmbeddedApp
from reale.run.embedded import RunSummary
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import KafkaSettings
from reale.sources.replay import ReplaySource
from reale.store import Store, open_store
from reale.store.retention import DAY
from reale.web.data import register_writers, save_opportunity
from tests.conftest import WIRE, run_cli
from tests.kafka_helpers import wait_until, worker_command, workers
from tests.store_helpers import migrations_until
from tests.web_helpers import build_desk, client_for, mention, opportunity_of, post

T0 = 1_780_000_000.0


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url, clock=ManualClock(T0)) as s:
        register_writers(s)
        yield s


def seed(store: Store, now: float) -> tuple[list[str], list[str], str]:
    """Five posts 40 days old, two of 10 days; an open opportunity on an old one."""
    old = [post(n, f"ordine {n} mai arrivato https://ex.am/{n}", at=now - 40 * DAY + n,
                author=f"old{n}", name=f"Old {n}") for n in range(1, 6)]
    new = [post(n, f"fiori {n} bellissimi", at=now - 10 * DAY + n, author=f"new{n}",
                name=f"New {n}") for n in range(6, 8)]
    store.write_mentions([mention("Fiori", p) for p in [*old, *new]])
    opp = save_opportunity(store, opportunity_of("Fiori", old[0], complaint=0.9),
                           network="bluesky", followers=10)
    return [p.uri for p in old], [p.uri for p in new], opp.key


def test_posts_older_than_kept_lose_their_words_in_batches(store: Store) -> None:
    old, new, key = seed(store, T0)
    assert store.prune_texts(30, dry_run=True).posts == 5
    first = store.get_post(old[0])
    assert first is not None and first.text
    done = store.prune_texts(30, limit=2)  # three transactions of at most two posts
    assert done.posts == 5 and done.before == T0 - 30 * DAY
    for uri in old:
        p = store.get_post(uri)
        assert p is not None and p.text == "" and p.links == () and p.author.display_name == ""
        assert p.deleted_at is None  # not deleted by its author: erased by retention
    erased = store.query("SELECT uri FROM posts WHERE erased_at = ?", (T0,))
    assert {r[0] for r in erased} == set(old)
    for uri in new:
        p = store.get_post(uri)
        assert p is not None and p.text.startswith("fiori") and p.author.display_name
    assert store.table_counts()["mentions"] == 7
    assert store.query("SELECT DISTINCT spans FROM mentions WHERE post_uri = ?", (old[1],)) == [
        ("[]",)]
    ((status, text),) = store.query("SELECT status, text FROM opportunities WHERE key = ?", (key,))
    assert (status, text) == ("expired", "")
    assert store.prune_texts(30).posts == 0  # idempotent
    assert store.prune_texts(30, dry_run=True).posts == 0


def test_a_zero_keep_erases_nothing(store: Store) -> None:
    old, _, _ = seed(store, T0)
    assert store.prune_texts(0).posts == 0
    p = store.get_post(old[0])
    assert p is not None and p.text


def test_reale_store_prune_dry_run_then_prune(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.sqlite"
    now = time.time()  # the CLI runs on the system clock: the posts are dated from it
    with open_store(url) as s:
        register_writers(s)
        old, new, _ = seed(s, now)
    dry = run_cli("store", "prune", "--store", url, "--keep-text-days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would erase the words of 5 posts created before" in dry.stdout
    done = run_cli("store", "prune", "--store", url, "--keep-text-days", "30")
    assert done.returncode == 0 and "erased the words of 5 posts" in done.stdout, done.stderr
    again = run_cli("store", "prune", "--store", url, "--keep-text-days", "30")
    assert "erased the words of 0 posts" in again.stdout
    stale = f"sqlite:///{tmp_path}/old.sqlite"
    with open_store(stale, migrations_dir=migrations_until(18, tmp_path)):
        pass
    refused = run_cli("store", "prune", "--store", stale, "--keep-text-days", "30")
    assert refused.returncode != 0 and "run reale store migrate first" in refused.stderr
    bad = run_cli("store", "prune", "--store", url, "--keep-text-days", "0")
    assert bad.returncode != 0 and "--keep-text-days must be at least 1" in bad.stderr
    with open_store(url) as s:
        assert all(s.get_post(u).text == "" for u in old)  # type: ignore[union-attr]
        assert all(s.get_post(u).text for u in new)  # type: ignore[union-attr]


def test_a_writing_store_erases_a_batch_of_expired_posts_a_minute(store: Store) -> None:
    clock = store.clock
    assert isinstance(clock, ManualClock)
    old, new, _ = seed(store, T0)
    store.keep_text_days = 30
    store.write_batch([post(90, "nuovo ordine", at=T0, author="fresh")])  # the chore runs after
    assert all(store.get_post(u).text == "" for u in old)  # type: ignore[union-attr]
    assert all(store.get_post(u).text for u in new)  # type: ignore[union-attr]
    clock.advance(25 * DAY)  # the two posts of 10 days are now 35 days old
    store.write_batch([post(91, "un altro", at=clock.now(), author="fresh")])
    assert all(store.get_post(u).text == "" for u in new)  # type: ignore[union-attr]
    kept = store.get_post(post(91, "", at=0, author="fresh").uri)
    assert kept is not None and kept.text == "un altro"


def test_a_writing_store_keeps_up_with_more_than_a_batch_of_expired_posts_a_minute(
        store: Store) -> None:
    """A store taking in more than 500 matched posts a minute must erase more than one batch of
    500 a minute, or retention falls behind for ever: one round erases up to 20 batches."""
    store.write_mentions([mention("Fiori", post(n, f"vecchio {n}", at=T0 - 40 * DAY + n,
                                                author=f"a{n}")) for n in range(1, 1202)])
    store.keep_text_days = 30
    store.write_batch([post(5000, "nuovo", at=T0, author="fresh")])  # one round runs after it
    left = store.query("SELECT COUNT(*) FROM posts WHERE text <> '' AND created_at < ?",
                       (T0 - 30 * DAY,))
    assert left[0][0] == 0  # 1,201 expired posts: three batches in one round


def test_retention_finds_the_oldest_kept_posts_through_an_index(store: Store) -> None:
    """The round runs every minute in every writing process: it must not scan `posts`."""
    if not store.url.startswith("sqlite"):
        pytest.skip("the query plan is read from SQLite's EXPLAIN QUERY PLAN")
    plan = " ".join(str(r[-1]) for r in store.query(
        "EXPLAIN QUERY PLAN SELECT uri, created_at FROM posts WHERE created_at < ? AND deleted_at"
        " IS NULL AND erased_at IS NULL ORDER BY created_at, uri LIMIT ?", (T0, 500)))
    assert "posts_words_kept" in plan, plan


def test_parse_config_reads_the_store_table_and_refuses_a_misspelt_key() -> None:
    cfg = parse_config('[store]\nurl = "sqlite:///x.sqlite"\nkeep_text_days = 90\n')
    assert (cfg.store, cfg.keep_text_days) == ("sqlite:///x.sqlite", 90)
    plain = parse_config('store = "sqlite:///y.sqlite"\n')
    assert (plain.store, plain.keep_text_days) == ("sqlite:///y.sqlite", 0)
    with pytest.raises(ConfigError, match="did you mean 'keep_text_days'"):
        parse_config("[store]\nkeep_txt_days = 90\n")
    with pytest.raises(ConfigError, match=r"\[store\]"):
        parse_config("[store]\nkeep_text_days = -1\n")


def test_the_embedded_runner_erases_the_words_of_posts_older_than_kept(tmp_path: Path) -> None:
    recording = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
    if not recording.is_file():
        pytest.skip("../shared/data/wire is not present")
    url = f"sqlite:///{tmp_path}/r.sqlite"
    later = ManualClock(time.time() + 60 * DAY)  # the recording is two months old by this clock
    config = Config(brands=(BrandConfig(name="Words", keywords=("the",)),), store=url,
                    keep_text_days=30)

    async def main() -> RunSummary:
        async with EmbeddedApp(config, clock=later) as app:
            return await app.run([ReplaySource(recording)])

    assert asyncio.run(main()).mentions > 0
    with open_store(url) as s:
        assert s.query("SELECT COUNT(*) FROM posts WHERE text <> ''") == [(0,)]
        assert s.query("SELECT COUNT(*) FROM posts WHERE erased_at IS NULL") == [(0,)]


@pytest.mark.kafka
@pytest.mark.postgres
def test_a_kafka_matcher_erases_the_words_of_posts_older_than_kept(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2)
    init_topics(settings)
    config = tmp_path / "reale.toml"
    config.write_text(f'[store]\nurl = "{fresh_postgres_url}"\nkeep_text_days = 30\n\n'
                      '[[brands]]\nname = "Fiori"\nkeywords = ["fiori"]\n')
    now = time.time()  # the worker runs on the system clock
    old = post(1, "fiori mai arrivati", at=now - 40 * DAY, author="old")
    new = post(2, "fiori bellissimi", at=now - DAY, author="new")
    publisher = Publisher(settings)
    with workers([worker_command("matcher", kafka_bootstrap, fresh_postgres_url, config)],
                 tmp_path) as (matcher,):
        publisher.publish(old)
        publisher.publish(new)
        publisher.flush()
        publisher.close()
        wait_until(lambda: sum(r.committed or 0 for r in consumer_lag(settings, ("matcher",)))
                   >= 2, 90, "the matcher to store both posts", step=0.2)
        matcher.send_signal(signal.SIGTERM)
        assert matcher.wait(30) == 0
    with open_store(fresh_postgres_url) as s:
        gone, kept = s.get_post(old.uri), s.get_post(new.uri)
        assert gone is not None and gone.text == "" and gone.deleted_at is None
        assert kept is not None and kept.text == "fiori bellissimi"


def test_the_desk_says_how_old_a_post_was_when_its_words_were_erased(store_url: str) -> None:
    desk = build_desk(store_url)
    register_writers(desk.store)
    key = desk.keys["late"]  # an open opportunity on a post of two hours ago
    desk.clock.advance(10 * DAY)
    assert desk.store.prune_texts(3).posts > 0
    for vera, _ in client_for(desk, "vera"):
        page = vera.get(f"/queue/{key}.json").json()
        assert page["opportunity"]["status"] == "expired" and page["opportunity"]["text"] == ""
        assert page["conversation"]["post"]["erased_days"] == 10
        assert page["conversation"]["post"]["text"] == ""
        assert "erased after 10 days" in vera.get(f"/queue/{key}").text
        italian = vera.get(f"/queue/{key}", headers={"accept-language": "it"}).text
        assert "cancellato dopo 10 giorni" in italian
        assert key not in [o["key"] for o in vera.get("/queue.json").json()["items"]]
        uri = page["conversation"]["post"]["uri"]
        period = "from=2026-05-20&to=2026-06-10"
        mentions = vera.get(f"/reports/mentions.json?{period}").json()
        assert {m["uri"]: m["text"] for m in mentions}[uri] == "[erased after 10 days]"
        italian_rows = vera.get(f"/reports/mentions.json?{period}&lang=it").json()
        assert {m["uri"]: m["text"] for m in italian_rows}[uri] == "[cancellato dopo 10 giorni]"
        opps = vera.get(f"/reports/opportunities.json?{period}").json()
        assert {o["key"]: o["text"] for o in opps}[key] == "[erased after the retention period]"
