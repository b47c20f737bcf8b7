"""What the runner writes for the web desk (opportunities with signals, moments, labels,
aftermath) and the desk repository on the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import msgspec
import pytest

from reale.clock import ManualClock
from reale.desk.aftermath import AftermathStatus, Counts
from reale.desk.approval import ApprovalWorkflow
from reale.desk.records import Member, Target
from reale.desk.store_repository import StoreDeskRepository
from reale.errors import DeskError
from reale.events import Mention
from reale.signals.cascades import CascadeStats
from reale.signals.momentum import MomentumReading
from reale.signals.reach import ReachReading
from reale.store import Store, StoreWriter, open_store
from reale.web import queries
from reale.web.data import (
    LabelledPost,
    record_of,
    register_writers,
    save_aftermath,
    save_labels,
    save_moment,
    save_opportunity,
)
from reale.web.records import Labels, OpportunityDecision, labels_from, short_key
from reale.web.rollup import Rollups
from tests.web_helpers import T0, mention, opportunity_of, post, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        url = "sqlite://:memory:"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    s = open_store(url, clock=ManualClock(T0))
    try:
        yield s
    finally:
        s.close()


def test_the_migration_adds_the_desk_tables(store: Store) -> None:
    names = [m.name for m in store.applied_migrations()]
    assert "0003_desk_web" in names
    assert store.query("SELECT COUNT(*) FROM opportunities") == [(0,)]


def test_an_opportunity_is_stored_with_its_signals_and_read_back(store: Store) -> None:
    p = post(1, "@fiori.bsky.social regalatemi dei fiori", at=T0, followers=90_000)
    opp = opportunity_of("Fiori", p, intent="request", intent_confidence=0.9)
    rec = save_opportunity(
        store, opp, network="bluesky",
        reach=ReachReading(followers=90_000, tier="micro", percentile=97.0, audience=300),
        cascade=CascadeStats(root=p.uri, root_author="giulia", created_at=T0, size=40, depth=2,
                             replies=10, quotes=5, reposts=25, likes=80, unique_amplifiers=33,
                             velocity_per_min=12.5, close_network=20, hashtag_strangers=3,
                             other_strangers=10, close_share=0.6, last_event_at=T0 + 60),
        momentum=MomentumReading(root=p.uri, age=300, observed=40, predicted_final=900,
                                 low=400, high=2000, infectiousness=0.8, explosive=False,
                                 gathering_speed=True))
    got = queries.get_opportunity(store, rec.key)
    assert got is not None
    assert got.kind == "appeal" and got.status == "open" and got.reasons == opp.reasons
    assert got.reach is not None and got.reach.tier == "micro" and got.reach.percentile == 97.0
    assert got.momentum is not None and got.momentum.predicted_final == 900
    assert got.momentum.gathering_speed and got.momentum.velocity_per_min == 12.5
    assert (got.momentum.close_network, got.momentum.hashtag_strangers) == (20, 3)
    assert got.verdict == "transactional"
    assert [r.key for r in queries.opportunities(store)] == [rec.key]


def test_a_decision_stands_when_the_conversation_goes_on_but_a_complaint_reopens_it(
        store: Store) -> None:
    p = post(1, "@fiori.bsky.social grazie, bellissimi!", at=T0)
    praise = opportunity_of("Fiori", p, intent="praise", intent_confidence=0.9, sentiment=0.9)
    key = save_opportunity(store, praise).key
    queries.decide(store, OpportunityDecision(opportunity_key=key, action="handled",
                                              actor="aldo", role="approver", at=T0 + 60))
    save_opportunity(store, praise)  # another praise in the same conversation
    assert queries.get_opportunity(store, key).status == "handled"  # type: ignore[union-attr]
    complaint = opportunity_of("Fiori", post(2, "@fiori.bsky.social ma erano appassiti", at=T0),
                               complaint=0.9)
    same_conversation = msgspec.structs.replace(record_of(complaint), key=key, id=praise.id)
    save_opportunity(store, same_conversation)
    assert queries.get_opportunity(store, key).status == "open"  # type: ignore[union-attr]


def test_a_dismissal_is_recorded_with_who_and_when(store: Store) -> None:
    p = post(1, "@auto.bsky.social la mia auto fa rumore", at=T0)
    key = save_opportunity(store, opportunity_of("Auto", p, complaint=0.8)).key
    queries.decide(store, OpportunityDecision(opportunity_key=key, action="irrelevant",
                                              actor="rita", role="responder", at=T0 + 5,
                                              comment="not our car"))
    rec = queries.get_opportunity(store, key)
    assert rec is not None and rec.status == "irrelevant" and rec.decided_by == "rita"
    assert [(d.action, d.actor, d.comment) for d in queries.decisions(store, key)] == [
        ("irrelevant", "rita", "not our car")]
    assert queries.opportunities(store) == []
    with pytest.raises(DeskError):
        queries.decide(store, OpportunityDecision(opportunity_key="nope", action="handled",
                                                  actor="rita", role="responder", at=T0))


def test_labels_moments_and_aftermath_round_trip(store: Store) -> None:
    p = post(1, "che bello", at=T0)
    store.write_mentions([mention("Fiori", p)])
    assert save_labels(store, {p.uri: {"lang": "it", "sentiment": -0.6, "intent": "complaint",
                                       "irony": 0.2}}) == 1
    labels = queries.labels_for(store, [p.uri])[p.uri]
    assert labels == Labels(lang="it", sentiment="negative", sentiment_score=-0.6,
                            intent="complaint", other={"irony": 0.2})
    assert queries.feed(store, sentiment="negative")[0].labels == labels
    assert queries.feed(store, sentiment="positive") == []
    seed(store, ManualClock(T0))
    found = queries.moments(store, scope="*")
    assert {m.alert.term for m in found} == {"#blackout", "#terremoto"}
    save_moment(store, found[0].alert)  # idempotent
    assert len(queries.moments(store)) == 3
    status = AftermathStatus(watch_id="w", brand="Fiori", original_uri=p.uri, action_uri=None,
                             followed_since=T0, acted_at=T0 + 10, before=Counts(n=3, bad=1),
                             after=Counts(n=9, bad=6), alerts=[], active=True)
    save_aftermath(store, "Fiori|" + p.uri, status)
    assert queries.aftermath_for(store, short_key("Fiori|" + p.uri)) == status


def test_a_stored_moment_shows_its_storys_later_terms_but_never_a_softer_read(
        store: Store) -> None:
    seed(store, ManualClock(T0))
    [blackout] = [m.alert for m in queries.moments(store, scope="*") if m.alert.term == "#blackout"]
    later = msgspec.structs.replace(blackout, also=("stadium blackout",))
    save_moment(store, later)  # the same moment, updated with a later term of its story
    [row] = [m.alert for m in queries.moments(store, scope="*") if m.alert.term == "#blackout"]
    assert row.also == ("stadium blackout",)
    save_moment(store, blackout)  # an older copy sent again (a replay) changes nothing
    [row] = [m.alert for m in queries.moments(store, scope="*") if m.alert.term == "#blackout"]
    assert row.also == ("stadium blackout",)


def test_labels_accept_numbers_structs_and_unknown_keys() -> None:
    assert labels_from({"sentiment": 0.1}).sentiment == "neutral"
    assert labels_from({"sentiment": 0.9, "language": "en"}) == Labels(
        lang="en", sentiment="positive", sentiment_score=0.9)
    assert labels_from("not a mapping") == Labels()


def test_the_runner_can_write_through_the_single_writer(store: Store) -> None:
    register_writers(store)
    p = post(1, "@fiori.bsky.social ciao!", at=T0)
    rec = record_of(opportunity_of("Fiori", p, intent="praise", intent_confidence=0.9,
                                   sentiment=0.9))

    async def main() -> None:
        async with StoreWriter(store, batch_size=10, flush_interval=0.01) as writer:
            await writer.put(mention("Fiori", p))
            await writer.put(rec)
            await writer.put(LabelledPost(p.uri, Labels(lang="it", sentiment="positive"), T0))

    asyncio.run(main())
    assert queries.get_opportunity(store, rec.key) is not None
    assert queries.feed(store)[0].opportunity is not None


def test_the_desk_repository_on_the_store_runs_the_approval_workflow(store: Store) -> None:
    repo = StoreDeskRepository(store)
    repo.put_member(Member("ada", "admin"))
    wf = ApprovalWorkflow(repo, clock=ManualClock(T0))
    wf.add_member("ada", "aldo", "approver")
    reply = wf.draft("aldo", brand="Fiori", account="dry-run-bluesky",
                     target=Target(network="bluesky", uri="at://x/app.bsky.feed.post/1"),
                     text="Grazie!", lang="it")
    wf.submit("aldo", reply.id)
    approved = wf.approve("aldo", reply.id)
    assert wf.verify(approved) is approved
    assert [d.action for d in wf.history(reply.id)] == ["draft", "submit", "approve"]
    with pytest.raises(DeskError, match="no longer"):
        repo.transition(approved.reply, "submitted", wf.history(reply.id)[0])
    StoreDeskRepository(store).migrate()  # idempotent
    assert repo.role_of("aldo") is not None and len(repo.members()) == 2


def test_an_opportunitys_replies_are_found_by_its_id_exactly(store: Store) -> None:
    """Ids hold the characters LIKE treats as wildcards (``_``, ``%``) and non-ASCII text: the
    replies of one opportunity are its own, all of them."""
    repo = StoreDeskRepository(store)
    repo.put_member(Member("ada", "admin"))
    wf = ApprovalWorkflow(repo, clock=ManualClock(T0))
    ids = ["Fiori|at://did:plc:a_b/post/1", "Fiori|at://did:plc:aXb/post/1",
           "Fiori|at://did:plc:a%b/post/1", "Fiori|at://did:plc:città/post/1"]
    for n, opp in enumerate(ids * 2):
        wf.draft("ada", brand="Fiori", account="dry-run-bluesky", text=f"Grazie {n}!",
                 target=Target(network="bluesky", uri=opp.split("|")[1]), opportunity_id=opp)
    for opp in ids:
        found = repo.replies(brand="Fiori", opportunity_id=opp)
        assert [r.opportunity_id for r in found] == [opp, opp]
    assert len(repo.replies(brand="Fiori")) == 8


def test_rollups_give_the_same_series_as_the_raw_tables_and_keep_up(store: Store) -> None:
    clock = ManualClock(T0)
    seed(store, clock)
    rollups = Rollups(store)
    since, until, bucket = T0 - 7 * 86_400, T0 + 3600, 6 * 3600.0
    for column in ("sentiment", "intent"):
        assert rollups.label_series("Fiori", column, since, until, bucket, T0) == \
            queries.label_series(store, "Fiori", column, since, until, bucket)
    assert rollups.totals(["Fiori", "Auto", "Nobody"], since, until, T0) == \
        queries.mention_totals(store, ["Fiori", "Auto", "Nobody"], since, until)
    direct = {(a.network, a.author.id): a.mentions
              for a in store.top_authors("Fiori", since, limit=1000)}
    top = rollups.top_authors("Fiori", since, until, T0, limit=1000)
    assert {(n, a): c for n, a, c in top} == direct
    assert [c for _, _, c in top] == sorted(direct.values(), reverse=True)
    # later mentions land after the rolled-up hours and are counted from the raw tables
    late = post(7000, "fiori ancora", at=T0 + 1800, author="u1")
    store.write_mentions([mention("Fiori", late)])
    save_labels(store, {late.uri: {"sentiment": "negative", "intent": "complaint"}})
    later = T0 + 2 * 86_400
    assert rollups.label_series("Fiori", "intent", since, later, bucket, later) == \
        queries.label_series(store, "Fiori", "intent", since, later, bucket)
    assert dict(((n, a), c) for n, a, c in rollups.top_authors("Fiori", since, later, later, 1000)
                ).get(("bluesky", "did:plc:u1")) == direct.get(("bluesky", "did:plc:u1"), 0) + 1
    # the reads rolled every hour of Fiori that ended an hour before `later`, the late one too
    unrolled = store.query("SELECT bucket FROM rollup_touches WHERE brand = 'Fiori' AND kind = 'h'"
                           " AND bucket < ?", (int((later - 3600) // 3600),))
    assert unrolled == []
    assert store.query("SELECT SUM(n) FROM brand_hours WHERE brand = 'Fiori' AND hour = ?",
                       (int(late.created_at // 3600),)) == [(1,)]


def _direct_totals(store: Store, brand: str, since: float, until: float) -> int:
    found = store.query("SELECT COUNT(*) FROM mentions WHERE brand = ? AND post_at >= ?"
                        " AND post_at < ?", (brand, since, until))
    return int(found[0][0])


def _direct_authors(store: Store, brand: str, since: float, until: float) -> dict[str, int]:
    found = store.query("SELECT p.author_id, COUNT(*) FROM mentions m JOIN posts p"
                        " ON p.uri = m.post_uri WHERE m.brand = ? AND m.post_at >= ?"
                        " AND m.post_at < ? GROUP BY p.author_id", (brand, since, until))
    return {str(a): int(n) for a, n in found}


def test_a_replay_of_old_posts_after_newer_ones_counts_on_the_posts_days(store: Store) -> None:
    clock = store.clock
    assert isinstance(clock, ManualClock)
    rollups, day, bucket = Rollups(store), 86_400.0, 6 * 3600.0
    # the live stream: two days of posts, each stored a few seconds after it was posted
    for i in range(48):
        at = T0 - 2 * day + i * 3600 + 60
        clock.set(at + 5)
        p = post(100 + i, "fiori freschi", at=at, author=f"live{i % 3}")
        store.write_mentions([mention("Fiori", p)])
        save_labels(store, {p.uri: {"sentiment": "positive", "intent": "praise"}})
    clock.set(T0)
    rollups.advance("Fiori", T0)  # the brand page was open: everything older than an hour rolls up
    # then a replay of posts from ten days ago arrives, matched and stored now
    old = [post(500 + i, "fiori in ritardo", at=T0 - 10 * day + i * 1800, author=f"old{i % 2}")
           for i in range(20)]
    store.write_mentions([Mention(brand="Fiori", query="fiori", post=p, matched_at=T0 + 1)
                          for p in old])
    save_labels(store, {p.uri: {"sentiment": "negative", "intent": "complaint"} for p in old})
    windows = [(T0 - 14 * day, T0 + 2 * day), (T0 - 11 * day, T0 - 9 * day),
               (T0 - 10 * day + 1000.5, T0 - day - 77.25), (T0 - 3 * day, T0 + day)]
    for now in (T0, T0 + 1800, T0 + 2 * 3600 + 1, T0 + day):
        for since, until in windows:
            assert rollups.totals(["Fiori"], since, until, now) == \
                {"Fiori": _direct_totals(store, "Fiori", since, until)}
            top = rollups.top_authors("Fiori", since, until, now, limit=100)
            assert {a.split(":")[-1]: n for _, a, n in top} == \
                {a.split(":")[-1]: n for a, n in _direct_authors(store, "Fiori", since, until).items()}
        since, until = windows[0]
        for column in ("sentiment", "intent"):
            assert rollups.label_series("Fiori", column, since, until, bucket, now) == \
                queries.label_series(store, "Fiori", column, since, until, bucket)
        series = rollups.label_series("Fiori", "intent", since, until, bucket, now)
        assert sum(series["complaint"].values()) == 20
        assert min(series["complaint"]) == int((T0 - 10 * day) // bucket)
    # a day on, the replay is in the rollup itself, in its posts' hours
    rolled = store.query("SELECT SUM(n) FROM brand_hours WHERE brand = ? AND hour < ?",
                         ("Fiori", int((T0 - 9 * day) // 3600)))
    assert int(rolled[0][0]) == 20


def test_the_case_page_says_who_amplifies_the_cascade() -> None:
    from reale.signals.cascades import CascadeStats
    from tests.web_helpers import build_desk, client_for, opportunity_of

    desk = build_desk(seeded=False)
    p = post(7, "@auto.bsky.social mi prestate una macchina?", at=desk.clock.now(), followers=150_000)
    key = save_opportunity(desk.store, opportunity_of("Auto", p, intent="request"), network="bluesky",
                           cascade=CascadeStats(
                               root=p.uri, root_author="giulia", created_at=T0, size=150, depth=1,
                               replies=15, quotes=1, reposts=134, likes=391, unique_amplifiers=144,
                               velocity_per_min=30.0, close_network=8, hashtag_strangers=30,
                               other_strangers=106, close_share=0.06, last_event_at=T0 + 60,
                               hashtags=("unavoltapermatteo",))).key
    for client, _ in client_for(desk, "vera"):
        assert client.get(f"/case/{key}.json").json()["opportunity"]["momentum"][
            "hashtag_strangers"] == 30
        page = client.get(f"/case/{key}").text
        assert "<dt>hashtag strangers</dt><dd>30</dd>" in page
        assert "<dt>close network</dt><dd>8</dd>" in page
