"""Migration 0014 gives publications recorded before publish claims existed (0011) the claim
they would take today, on SQLite and PostgreSQL: a store upgraded from 0010 refuses a second
answer to a post that an old publication already answered, as a new store does."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from reale.desk.records import Decision, Publication, Reply, Target
from reale.desk.store_repository import StoreDeskRepository
from reale.errors import DuplicateReply
from reale.store import Store, open_store
from tests.store_helpers import migrations_until

T0 = 1_780_000_000.0
POST = "at://did:plc:giulia/app.bsky.feed.post/{}"


def reply(rid: str, post: str, *, further: bool = False, text: str = "Grazie!") -> Reply:
    return Reply(id=rid, brand="Fiori", account="fiori", text=text, state="approved",
                 target=Target(network="bluesky", uri=POST.format(post)), further=further)


def published(store: Store, r: Reply, state: str, at: float) -> None:
    """``r`` and its publication as a desk before 0011 wrote them (no claim)."""
    StoreDeskRepository(store, migrate=False).insert_reply(r, Decision(id=f"d-{r.id}", reply_id=r.id, action="approve", actor="aldo",
                                  role="approver", at=at))
    pub = Publication(reply_id=r.id, network="bluesky", account="fiori-bsky", state=state,
                      idempotency_key=f"k-{r.id}", at=at)
    with store.transaction() as tx:
        tx.execute("INSERT INTO desk_publications (reply_id, network, account, state, at, body)"
                   " VALUES (?, ?, ?, ?, ?, ?)", (pub.reply_id, pub.network, pub.account,
                                                  pub.state, pub.at, msgspec.json.encode(pub).decode()))


def claims(store: Store) -> set[tuple[str, str, str, str]]:
    return {(str(a), str(t), str(s), str(r)) for a, t, s, r in store.query(
        "SELECT account, target_uri, slot, reply_id FROM publish_claims")}


def test_an_upgraded_store_claims_the_posts_its_old_publications_answered(
        store_url: str, tmp_path: Path) -> None:
    with open_store(store_url, migrations_dir=migrations_until(10, tmp_path)) as old:
        published(old, reply("sent", "1"), "sent", T0)
        published(old, reply("pending", "2"), "pending", T0 + 1)  # may have posted
        published(old, reply("failed", "3"), "failed", T0 + 2)  # certainly did not
        published(old, reply("rehearsed", "4"), "dry_run", T0 + 3)
        published(old, reply("again", "1", further=True), "sent", T0 + 4)
        published(old, reply("twin-late", "5"), "sent", T0 + 6)  # answered twice before 0011
        published(old, reply("twin-early", "5", text="nul \x00 in a text"), "sent", T0 + 5)
    with open_store(store_url) as store:
        assert claims(store) == {("fiori-bsky", POST.format(1), "", "sent"),
                                 ("fiori-bsky", POST.format(2), "", "pending"),
                                 ("fiori-bsky", POST.format(1), "again", "again"),
                                 ("fiori-bsky", POST.format(5), "", "twin-early")}
        repo = StoreDeskRepository(store)
        late = reply("new", "1")
        with pytest.raises(DuplicateReply, match="reply sent from fiori-bsky"):
            repo.claim_publication(late, Publication(
                reply_id=late.id, network="bluesky", account="fiori-bsky", state="pending",
                idempotency_key="k-new", at=T0 + 10))
        free = reply("fresh", "3")  # the failed one's post is free to answer
        repo.claim_publication(free, Publication(
            reply_id=free.id, network="bluesky", account="fiori-bsky", state="pending",
            idempotency_key="k-fresh", at=T0 + 10))
        assert ("fiori-bsky", POST.format(3), "", "fresh") in claims(store)
