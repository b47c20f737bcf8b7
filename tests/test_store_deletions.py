"""The store honours deletions on SQLite and PostgreSQL: a deleted post keeps its row for counts
and reports with its words erased and ``deleted_at`` set; a delete before its post, twice, or of
a post never stored is fine and counted; likes and replies pointing to it keep their counts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reale.clock import ManualClock
from reale.events import Author, Deletion, Interaction, Mention, Post, Span
from reale.store import Store, open_store
from reale.store.deletes import KEEP_UNKNOWN, PRUNE_EVERY

T0 = 1_780_000_000.0
URI = "at://did:plc:anna/app.bsky.feed.post/3kdel"
ANNA = Author(id="did:plc:anna", handle="anna.bsky.social", display_name="Anna Rossi",
              followers=120)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def store(store_url: str, clock: ManualClock) -> Iterator[Store]:
    with open_store(store_url, clock=clock) as s:
        yield s


def the_post(uri: str = URI) -> Post:
    return Post(network="bluesky", uri=uri, author=ANNA, created_at=T0 - 60,
                text="@fiat my Panda broke down again https://ex.am/ple #guasto",
                reply_parent="at://did:plc:fiat/app.bsky.feed.post/1",
                reply_root="at://did:plc:fiat/app.bsky.feed.post/1", langs=("en",),
                hashtags=("guasto",), mentions=("fiat",), links=("https://ex.am/ple",))


def mention(post: Post) -> Mention:
    return Mention(brand="fiat", query="fiat OR panda", post=post, matched_at=T0 - 30,
                   spans=(Span(18, 23, "panda"),))


def reply_of(post: Post) -> Interaction:
    return Interaction(network="bluesky", uri=post.uri, kind="reply", author=ANNA,
                       subject=post.reply_parent or "", root=post.reply_root,
                       created_at=post.created_at, text=post.text)


def like(n: int) -> Interaction:
    return Interaction(network="bluesky", uri=f"at://did:plc:fan{n}/app.bsky.feed.like/{n}",
                       kind="like", author=Author(id=f"did:plc:fan{n}"), subject=URI,
                       created_at=T0 - 10)


def deletion(uri: str = URI, at: float = T0 - 5) -> Deletion:
    return Deletion(network="bluesky", uri=uri, author_id=ANNA.id, deleted_at=at)


def row(store: Store, sql: str) -> tuple[object, ...]:
    (found,) = store.query(sql, (URI,))
    return found


def assert_erased(store: Store, at: float) -> None:
    post = store.get_post(URI)
    assert post is not None and post.deleted_at == at
    assert (post.text, post.links, post.hashtags, post.mentions) == ("", (), (), ())
    assert post.author.display_name == "" and post.author.id == ANNA.id
    assert post.reply_root == "at://did:plc:fiat/app.bsky.feed.post/1"  # its place in the thread
    assert row(store, "SELECT text, links, hashtags, mentions, deleted_at FROM posts"
                      " WHERE uri = ?") == ("", "[]", "[]", "[]", at)
    assert "Panda" not in str(row(store, "SELECT raw FROM posts WHERE uri = ?"))
    assert row(store, "SELECT text FROM interactions WHERE uri = ?") == ("",)
    assert "Panda" not in str(row(store, "SELECT raw FROM interactions WHERE uri = ?"))
    assert row(store, "SELECT spans, query FROM mentions WHERE post_uri = ?") == (
        "[]", "fiat OR panda")
    assert store.mention_count("fiat") == 1  # the mention stays for counts and reports
    assert row(store, "SELECT count(*) FROM interactions WHERE subject = ?") == (3,)


def test_a_deleted_post_is_erased_and_its_mention_and_likes_stay(store: Store) -> None:
    post = the_post()
    store.write_batch([mention(post), reply_of(post), like(1), like(2), like(3)])
    result = store.write_batch([deletion()])
    assert (result.deletions, result.deleted, result.unknown_deletions) == (1, 1, 0)
    assert_erased(store, T0 - 5)
    again = store.write_batch([deletion(at=T0 + 99)])
    assert (again.deletions, again.deleted, again.unknown_deletions) == (0, 0, 0)
    assert_erased(store, T0 - 5)  # the first deletion's time stays


def test_a_delete_before_its_post_erases_the_post_when_it_arrives(store: Store) -> None:
    early = store.write_batch([deletion()])
    assert (early.deletions, early.deleted, early.unknown_deletions) == (1, 0, 1)
    post = the_post()
    late = store.write_batch([mention(post), reply_of(post), like(1), like(2), like(3)])
    assert late.deleted == 1 and late.mentions == 1
    assert_erased(store, T0 - 5)


def test_a_post_and_its_delete_in_one_batch_in_either_order(store: Store) -> None:
    post = the_post()
    result = store.write_batch([deletion(), like(1), mention(post), reply_of(post), like(2),
                                like(3)])
    assert (result.deletions, result.deleted, result.unknown_deletions) == (1, 1, 0)
    assert_erased(store, T0 - 5)


def test_deletes_of_posts_never_stored_are_counted_and_harmless(store: Store) -> None:
    other = "at://did:plc:bob/app.bsky.feed.post/3kzz"
    result = store.write_batch([deletion(other), deletion(other), deletion(
        "mastodon://mastodon.social/statuses/1")])
    assert (result.deletions, result.deleted, result.unknown_deletions) == (2, 0, 2)
    assert store.get_post(other) is None
    assert store.table_counts()["posts"] == 0


def test_a_delete_without_a_time_takes_when_it_was_received_else_the_store_clock(
        store: Store) -> None:
    store.write_batch([mention(the_post()), mention(the_post(URI + "b"))])
    store.write_batch([Deletion(network="mastodon", uri=URI, deleted_at=0.0, received_at=T0 - 1),
                       Deletion(network="mastodon", uri=URI + "b", deleted_at=0.0)])
    assert [p.deleted_at for p in (store.get_post(URI), store.get_post(URI + "b"))] == [
        T0 - 1, T0]


def test_other_posts_keep_their_words(store: Store) -> None:
    kept = the_post(URI + "kept")
    store.write_batch([mention(the_post()), mention(kept)])
    store.write_batch([deletion()])
    assert store.get_post(kept.uri) == kept


def test_tombstones_of_posts_never_stored_are_dropped_after_two_days_the_others_stay(
        store: Store, clock: ManualClock) -> None:
    never = "at://did:plc:bob/app.bsky.feed.post/3kzz"
    store.write_batch([mention(the_post()), deletion(), deletion(never)])
    clock.advance(KEEP_UNKNOWN - 60)
    store.write_batch([like(1)])
    assert store.table_counts()["deletions"] == 2  # not two days yet
    clock.advance(PRUNE_EVERY)
    store.write_batch([like(2)])
    assert [u for (u,) in store.query("SELECT uri FROM deletions")] == [URI]
    late = store.write_batch([mention(the_post(never))])  # days late: kept as it comes
    assert late.deleted == 0 and store.get_post(never) == the_post(never)
