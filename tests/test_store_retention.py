"""Retention: posts older than the days the store keeps words lose them (text, links, display
name, mention spans, their opportunity's text, which is closed as expired) in small batches,
counts staying; a dry run changes nothing; pruning again changes nothing. SQLite and PostgreSQL,
with a manual clock; ``reale store prune`` as a user runs it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from reale.clock import ManualClock
from reale.store import Store, open_store
from reale.store.retention import DAY
from reale.web.data import register_writers, save_opportunity
from tests.conftest import run_cli
from tests.web_helpers import mention, opportunity_of, post

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
    assert store.get_post(old[0]) is not None and store.get_post(old[0]).text  # type: ignore[union-attr]
    done = store.prune_texts(30, limit=2)  # three transactions of at most two posts
    assert done.posts == 5 and done.before == T0 - 30 * DAY
    for uri in old:
        p = store.get_post(uri)
        assert p is not None and p.text == "" and p.links == () and p.author.display_name == ""
        assert p.deleted_at is None  # not deleted by its author: erased by retention
    assert {r[0] for r in store.query("SELECT uri FROM posts WHERE erased_at = ?", (T0,))} == set(old)
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


def test_reale_store_prune_dry_run_then_prune(tmp_path: pytest.TempPathFactory) -> None:
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
    bad = run_cli("store", "prune", "--store", url, "--keep-text-days", "0")
    assert bad.returncode != 0 and "--keep-text-days must be at least 1" in bad.stderr
    with open_store(url) as s:
        assert all(s.get_post(u).text == "" for u in old)  # type: ignore[union-attr]
        assert all(s.get_post(u).text for u in new)  # type: ignore[union-attr]
