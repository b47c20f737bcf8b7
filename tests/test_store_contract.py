"""The store contract: every backend (SQLite file, SQLite in memory, PostgreSQL) passes the same
checks — empty reads, exact round-trips, idempotent re-writes, newest-wins authors, cursors,
snapshots, versioned migrations, time-boxed reads, and reads that run beside a write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.errors import StoreError
from reale.events import Author, Interaction, Mention, Post, Span
from reale.store import AuthorUpdate, Bucket, CursorUpdate, Store, open_store
from reale.store.migrations import MIGRATIONS_DIR

BACKENDS = ["sqlite-file", "sqlite-memory", "postgresql"]
HOSTILE = "Ciao @fiat 🚗💨 <script>alert('x')</script> &amp; \"quoted\" l'auto — ñ 日本語 \u200b"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path}/nested/dir/reale.sqlite"
    if request.param == "sqlite-memory":
        return "sqlite://:memory:"
    return str(request.getfixturevalue("fresh_postgres_url"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_700_000_000.0)


@pytest.fixture
def store(store_url: str, clock: ManualClock) -> Iterator[Store]:
    with open_store(store_url, clock=clock) as s:
        yield s


def author(n: int, **kw: object) -> Author:
    return Author(id=f"did:plc:author{n}", handle=f"user{n}.bsky.social", **kw)  # type: ignore[arg-type]


def post(n: int, *, text: str = "hello", t: float = 1_700_000_000.0, **kw: object) -> Post:
    fields: dict[str, object] = {"author": author(n % 7), "created_at": t + n}
    fields.update(kw)
    return Post(network="bluesky", uri=f"at://did:plc:author{n % 7}/app.bsky.feed.post/{n}",
                text=text, **fields)  # type: ignore[arg-type]


def mention(n: int, brand: str = "Fiat", *, at: float = 1_700_000_100.0, **kw: object) -> Mention:
    return Mention(brand=brand, query="fiat OR #fiat", post=post(n, **kw),
                   spans=(Span(0, 4, "fiat"),), matched_at=at)


# -- empty store ----------------------------------------------------------------------------------
def test_an_empty_store_answers_every_read_with_nothing(store: Store) -> None:
    assert store.recent_mentions() == []
    assert store.mention_count() == 0
    assert store.get_post("at://nobody/app.bsky.feed.post/1") is None
    assert store.get_author("bluesky", "did:plc:nobody") is None
    assert store.get_cursor("jetstream") is None
    assert store.get_snapshot("bursts") is None
    assert store.top_authors("Fiat") == []
    assert store.count_mentions("Fiat", 0, 180, 60) == [Bucket(0.0, 0), Bucket(60.0, 0),
                                                        Bucket(120.0, 0)]
    thread = store.conversation("at://nobody/app.bsky.feed.post/1")
    assert (thread.root, thread.replies, thread.interactions) == (None, (), ())
    assert set(store.table_counts().values()) == {0}


# -- round trips ----------------------------------------------------------------------------------
def test_every_event_type_comes_back_exactly_as_written(store: Store) -> None:
    full = Post(network="bluesky", uri="at://did:plc:a/app.bsky.feed.post/full",
                author=Author(id="did:plc:a", handle="a.example", display_name="Ä 🚀 <b>bold</b>",
                              followers=12_345, following=67, posts=890, created_at=1.5e9),
                text=HOSTILE, created_at=1_700_000_000.25, langs=("it", "en"),
                reply_parent="at://p/1", reply_root="at://r/1", quote_of="at://q/1",
                hashtags=("fiat", "àuto"), mentions=("fiat.it",), links=("https://x.it/?a=1&b=2",),
                cursor="1700000000123456", received_at=1_700_000_001.5)
    like = Interaction(network="bluesky", uri="at://did:plc:b/app.bsky.feed.like/1", kind="like",
                       author=author(2), subject=full.uri, root="at://r/1", created_at=5.0)
    reply = Interaction(network="mastodon", uri="https://m.example/@c/1", kind="reply",
                        author=author(3), subject=full.uri, text=HOSTILE, created_at=6.0)
    found = Mention(brand="Fiat", query='"fiat panda" NEAR/3 auto', post=full,
                    spans=(Span(6, 10, "fiat"), Span(11, 14, "🚗")), matched_at=1_700_000_002.0)

    store.write_batch([full, like, reply, found])

    assert store.get_post(full.uri) == full
    assert store.recent_mentions() == [found]
    thread = store.conversation(full.uri)
    assert thread.root == full
    assert set(thread.interactions) == {like, reply}


def test_hostile_text_is_stored_and_read_back_never_crashing(store: Store) -> None:
    nul = post(1, text="before\x00after")
    surrogate = post(2, text="broken \ud800 half")
    huge = post(3, text="x" * 200_000, author=author(3, followers=2**80))
    store.write_posts([nul, surrogate, huge])

    assert store.get_post(nul.uri) == nul  # raw JSON keeps the exact text
    got = store.get_post(surrogate.uri)
    assert got is not None and got.text.startswith("broken ") and got.text.endswith(" half")
    big = store.get_post(huge.uri)
    assert big is not None and len(big.text) == 200_000
    assert big.author.followers is None  # an impossible count becomes "unknown"


# -- idempotence ----------------------------------------------------------------------------------
def test_writing_the_same_batch_twice_changes_nothing(store: Store) -> None:
    batch = [mention(n) for n in range(20)] + [post(100 + n) for n in range(5)]
    first = store.write_batch(batch)
    counts = store.table_counts()

    again = store.write_batch(batch)

    assert (first.posts, first.mentions) == (25, 20)
    assert again.rows == 0
    assert store.table_counts() == counts


def test_big_batches_are_as_idempotent_as_small_ones(store: Store) -> None:
    batch = [mention(n, text=HOSTILE + f" {n}\x00") for n in range(300)]
    assert store.write_batch(batch).mentions == 300
    assert store.write_batch(batch).rows == 0
    assert store.recent_mentions(limit=1)[0].post.text.endswith("\x00")
    old = [AuthorUpdate(network="bluesky", author=author(n, display_name="old"), seen_at=1.0)
           for n in range(100)]
    assert store.write_authors(old).authors == 100 - 7  # 7 authors were already seen later


def test_a_failed_batch_leaves_nothing_and_the_next_one_works(store: Store) -> None:
    class Poison:
        pass

    def refuse(tx: object, items: object) -> int:
        raise StoreError("refused")

    store.register_writer(Poison, refuse)
    batch: list[object] = [mention(n) for n in range(100)]
    with pytest.raises(StoreError, match="refused"):
        store.write_batch([*batch, Poison()])
    assert store.table_counts()["mentions"] == 0
    assert store.write_batch(batch).mentions == 100


def test_duplicates_inside_one_batch_are_written_once(store: Store) -> None:
    result = store.write_batch([mention(1), mention(1), post(1), post(1)])
    assert (result.posts, result.mentions) == (1, 1)
    assert store.mention_count() == 1


def test_a_mention_of_another_brand_for_the_same_post_is_its_own_row(store: Store) -> None:
    store.write_mentions([mention(1, "Fiat"), mention(1, "Lancia")])
    assert store.mention_count() == 2
    assert store.mention_count("Lancia") == 1
    assert store.table_counts()["posts"] == 1


# -- authors --------------------------------------------------------------------------------------
def test_the_newest_sighting_of_an_author_wins(store: Store) -> None:
    old = AuthorUpdate(network="bluesky", author=author(1, display_name="Old", followers=10),
                       seen_at=100.0)
    new = AuthorUpdate(network="bluesky", author=author(1, display_name="New", followers=20),
                       seen_at=200.0)
    store.write_authors([new])
    store.write_authors([old])  # arrives late: ignored
    got = store.get_author("bluesky", "did:plc:author1")
    assert got is not None and (got.display_name, got.followers) == ("New", 20)

    store.write_authors([old, new][::-1])  # also inside one batch
    got = store.get_author("bluesky", "did:plc:author1")
    assert got is not None and got.display_name == "New"


def test_a_newer_sighting_without_a_field_keeps_the_known_value(store: Store) -> None:
    store.write_authors([AuthorUpdate(network="x", author=Author(id="42", handle="brand",
                                                                  followers=5000), seen_at=1.0)])
    store.write_authors([AuthorUpdate(network="x", author=Author(id="42", display_name="Brand"),
                                      seen_at=2.0)])
    assert store.get_author("x", "42") == Author(id="42", handle="brand", display_name="Brand",
                                                 followers=5000)


def test_posts_record_their_authors(store: Store) -> None:
    store.write_posts([post(1, author=author(1, followers=77))])
    got = store.get_author("bluesky", "did:plc:author1")
    assert got is not None and got.followers == 77


# -- cursors and snapshots ------------------------------------------------------------------------
def test_cursors_are_saved_and_overwritten(store: Store) -> None:
    store.set_cursor("jetstream:us-east", "1700000000000001")
    store.set_cursor("jetstream:us-east", "1700000000000002")
    store.write_batch([mention(1), CursorUpdate("mastodon:home", "110")])
    assert store.get_cursor("jetstream:us-east") == "1700000000000002"
    assert store.get_cursor("mastodon:home") == "110"


def test_snapshots_hold_any_bytes(store: Store) -> None:
    blob = bytes(range(256)) * 10
    store.put_snapshot("signals.bursts", b"first")
    store.put_snapshot("signals.bursts", blob)
    assert store.get_snapshot("signals.bursts") == blob


# -- reads ----------------------------------------------------------------------------------------
def test_recent_mentions_filter_by_brand_time_and_language(store: Store) -> None:
    store.write_mentions([
        mention(1, "Fiat", at=100.0, langs=("it",)),
        mention(2, "Fiat", at=200.0, langs=("en",)),
        mention(3, "Fiat", at=300.0, langs=("it", "en")),
        mention(4, "Lancia", at=400.0, langs=("it",)),
    ])
    uris = lambda ms: [m.post.uri.rsplit("/", 1)[1] for m in ms]  # noqa: E731
    assert uris(store.recent_mentions()) == ["4", "3", "2", "1"]
    assert uris(store.recent_mentions(brand="Fiat", limit=2)) == ["3", "2"]
    assert uris(store.recent_mentions(brand="Fiat", since=200.0)) == ["3", "2"]
    assert uris(store.recent_mentions(lang="it")) == ["4", "3", "1"]
    assert store.mention_count() == 4


def test_count_mentions_is_a_zero_filled_series_by_post_time(store: Store) -> None:
    # posted at these times, matched much later and in the opposite order (a replay): the
    # series counts each mention in its post's bucket, like the reports
    store.write_mentions([mention(n, at=1000.0 - n, created_at=t)
                          for n, t in enumerate([5.0, 59.9, 60.0, 170.0, 240.0])])
    assert store.count_mentions("Fiat", 0.0, 240.0, 60.0) == [
        Bucket(0.0, 2), Bucket(60.0, 1), Bucket(120.0, 1), Bucket(180.0, 0)]
    assert store.count_mentions(None, 60.0, 120.0, 30.0) == [Bucket(60.0, 1), Bucket(90.0, 0)]
    with pytest.raises(StoreError, match="bucket_seconds"):
        store.count_mentions("Fiat", 0.0, 10.0, 0.0)


def test_top_authors_rank_by_mentions_then_audience(store: Store) -> None:
    store.write_mentions([
        mention(1, author=author(1, followers=10)), mention(8, author=author(1, followers=10)),
        mention(2, author=author(2, followers=900)), mention(3, author=author(3, followers=50)),
        mention(4, "Lancia", author=author(4, followers=10**6)),
    ])
    top = store.top_authors("Fiat", limit=2)
    assert [(a.author.id, a.mentions) for a in top] == [("did:plc:author1", 2),
                                                       ("did:plc:author2", 1)]
    assert top[1].author.followers == 900


def test_top_authors_since_a_time_count_the_mentions_posted_since(store: Store) -> None:
    store.write_mentions([mention(1, at=2_000_000_000.0, created_at=100.0),  # old post, late match
                          mention(2, at=50.0, created_at=500.0)])
    assert [a.author.id for a in store.top_authors("Fiat", since=200.0)] == ["did:plc:author2"]


def test_a_conversation_gathers_replies_and_interactions_by_time(store: Store) -> None:
    root = post(1)
    late, early = (post(n, reply_root=root.uri, reply_parent=root.uri) for n in (30, 20))
    repost = Interaction(network="bluesky", uri="at://z/app.bsky.feed.repost/1", kind="repost",
                         author=author(5), subject=root.uri, created_at=9.0)
    store.write_batch([late, root, early, repost, post(99)])
    thread = store.conversation(root.uri)
    assert thread.root == root
    assert thread.replies == (early, late)
    assert thread.interactions == (repost,)


def test_a_slow_read_is_stopped_with_a_clear_error(store: Store) -> None:
    forever = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
               " SELECT COUNT(*) FROM c")
    with pytest.raises(StoreError, match=r"longer than 0\.2 s"):
        store.query(forever, timeout=0.2)
    assert store.mention_count() == 0  # the store is still usable


def test_reads_cannot_write(store: Store) -> None:
    with pytest.raises(StoreError):
        store.query("DELETE FROM posts")
    store.write_posts([post(1)])  # writing through a transaction still works
    assert store.get_post(post(1).uri) == post(1)


def test_reads_run_while_a_write_transaction_is_open(store: Store, store_url: str) -> None:
    if store_url == "sqlite://:memory:":
        pytest.skip("an in-memory SQLite database lives on one connection")
    store.write_mentions([mention(1)])
    writing, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with store.transaction() as tx:
            tx.execute("DELETE FROM mentions")
            writing.set()
            release.wait(10)

    worker = threading.Thread(target=slow_writer)
    worker.start()
    try:
        assert writing.wait(10)
        assert store.mention_count() == 1  # sees the committed state, does not wait
    finally:
        release.set()
        worker.join()
    assert store.mention_count() == 0


def test_two_processes_writing_overlapping_batches_store_each_row_once(
        store: Store, store_url: str) -> None:
    if store_url == "sqlite://:memory:":
        pytest.skip("an in-memory SQLite database cannot be shared")
    batches = [[mention(n) for n in range(start, start + 150)] for start in range(0, 600, 50)]
    errors: list[BaseException] = []

    def worker(part: list[list[Mention]]) -> None:
        with open_store(store_url) as own:  # its own connections, like a second process
            for batch in part:
                try:
                    own.write_batch(batch)
                except StoreError as exc:  # pragma: no cover - reported below
                    errors.append(exc)

    threads = [threading.Thread(target=worker, args=(batches[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.mention_count() == 600 + 100


# -- migrations and lifecycle ---------------------------------------------------------------------
def test_migrations_are_recorded_and_applied_once(store: Store) -> None:
    assert store.migrate() == []
    shipped = sorted(p.name.split(".")[0] for p in MIGRATIONS_DIR.glob("*.sql"))
    assert [m.name for m in store.applied_migrations()] == sorted(set(shipped))
    assert store.applied_migrations()[0].name == "0001_core"
    assert store.pending_migrations() == []


def test_a_later_migration_is_applied_on_top(store_url: str, tmp_path: Path) -> None:


    mdir = tmp_path / "migrations"
    mdir.mkdir()
    (mdir / "0001_core.sql").write_text((MIGRATIONS_DIR / "0001_core.sql").read_text())
    with open_store(store_url, migrations_dir=mdir) as s:
        (mdir / "0002_labels.sql").write_text(
            "CREATE TABLE labels (post_uri TEXT PRIMARY KEY, score {{float}} NOT NULL);\n"
            "-- a comment; with a semicolon\nCREATE INDEX labels_score ON labels (score);\n")
        assert s.pending_migrations() == ["0002_labels"]
        assert s.migrate() == ["0002_labels"]
        assert s.migrate() == []
        assert [m.version for m in s.applied_migrations()] == [1, 2]
        with s.transaction() as tx:
            tx.execute("INSERT INTO labels (post_uri, score) VALUES (?, ?)", ("at://x", 0.5))
        assert s.query("SELECT score FROM labels") == [(0.5,)]

        (mdir / "0002_labels.sql").write_text("CREATE TABLE labels (changed TEXT);")
        with pytest.raises(StoreError, match="changed after it was applied"):
            s.migrate()


def test_a_failed_migration_leaves_nothing_behind(store_url: str, tmp_path: Path) -> None:
    mdir = tmp_path / "migrations"
    mdir.mkdir()
    (mdir / "0001_ok.sql").write_text("CREATE TABLE a (x TEXT);")
    (mdir / "0002_bad.sql").write_text("CREATE TABLE b (x TEXT);\nTHIS IS NOT SQL;")
    with open_store(store_url, migrate=False, migrations_dir=mdir) as s:
        with pytest.raises(StoreError):
            s.migrate()
        assert s.applied_migrations() == []
        (mdir / "0002_bad.sql").unlink()
        assert s.migrate() == ["0001_ok"]


def test_reading_an_unmigrated_store_says_how_to_fix_it(store_url: str) -> None:
    with open_store(store_url, migrate=False) as s, pytest.raises(StoreError, match="migrate"):
        s.mention_count()


def test_a_closed_store_refuses_work(store_url: str) -> None:
    s = open_store(store_url)
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.write_posts([post(1)])
    with pytest.raises(StoreError, match="closed"):
        s.mention_count()


def test_an_unknown_item_is_refused_by_name(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot write a str"):
        store.write_batch(["not an event"])
