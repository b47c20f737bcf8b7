"""The desk on Kafka without a broker: the brand stage hands the mentions it counts fresh to the
embedded runner's desk (understanding, opportunities, web-desk records, alerts) and returns it
all as store items for its batch; a batch consumed again writes nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from reale.alerts import parse_alerts_config
from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Mention, Post
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandStage, BrandState
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.outbox import PendingAlert
from reale.run.kafka.outbox import register as register_alerts
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import register as register_snapshots
from reale.run.wiring import Understanding
from reale.signals.settings import signals_config
from reale.store import Store, open_store
from reale.web.data import register_writers
from reale.web.records import MomentRecord, OpportunityRecord

VOLTA = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",))
T0 = 1_767_225_600.0
ALERTS = {"channels": [{"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook",
                        "secret_env": "HOOK_SECRET"}],
          "rules": [{"name": "all", "channels": ["hook"]}]}
BURSTY = {"signals": {"moments": {"warmup": 0.0}}}


class Record:
    """A consumed Kafka record (the part of ``confluent_kafka.Message`` a stage reads)."""

    def __init__(self, mention: Mention, offset: int, partition: int = 0) -> None:
        self._value = codec.encode(mention)
        self._offset = offset
        self._partition = partition

    def topic(self) -> str:
        return "mentions"

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes:
        return b"Volta"

    def value(self) -> bytes:
        return self._value


def mention(i: int, text: str, at: float) -> Mention:
    post = Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social"), text=text,
                created_at=at, langs=("en",), mentions=("volta-auto.bsky.social",)
                if "@volta" in text else ())
    return Mention(brand="Volta", query="volta", post=post)


def stream() -> list[Mention]:
    """An appeal addressed to the brand, then a burst of posts about a recall."""
    appeal = mention(0, "@volta-auto.bsky.social can we get a Volta for our charity rally? "
                        "pretty please", T0)
    burst = [mention(i, f"Volta recall announced for the brakes, owner {i} asks what now",
                     T0 + 5 + i) for i in range(1, 9)]
    return [appeal, *burst]


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding((VOLTA,))


def untaught(understanding: Understanding) -> Understanding:
    """The models loaded once for a module, as a new worker has them: no relevance model, every
    brand's cold-start prior without anchors."""
    understanding.models.clear()
    for brand in list(understanding.priors):
        understanding.drop_anchors(brand)
    return understanding


def stage(store: Store, clock: ManualClock, understanding: Understanding,
          background: bool = False) -> BrandStage:
    """A brand stage with the desk; without ``background`` a brand's relevance model is
    rebuilt or taught in the batch that needs it (tests/test_kafka_rebuilds.py has it learned
    off the batch path, as the runner does)."""
    config = Config(brands=(VOLTA,), extra=BURSTY)
    desk = KafkaDesk(config, clock, understanding=understanding,
                     alerts=parse_alerts_config(ALERTS), min_alert_score=0.0,
                     background=background)
    return BrandStage(KafkaSettings(), store, clock, group="reale-brands", snapshot_interval=0,
                      signals=signals_config(config.extra), desk=desk)


def opened(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    register_snapshots(store)
    register_writers(store)
    register_alerts(store)
    return store


def kinds(items: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[type(item).__name__] = out.get(type(item).__name__, 0) + 1
    return out


def test_fresh_mentions_become_labels_opportunities_moments_and_alerts(
        tmp_path: Path, understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    records = [Record(m, i) for i, m in enumerate(stream())]
    with opened(tmp_path) as store:
        out = stage(store, clock, understanding).process(records, clock.now())
        found = kinds(out.items)
        assert found["LabelledPost"] == 9  # understanding ran on every fresh mention
        assert found["MomentRecord"] >= 1  # the recall burst
        assert found["PartitionSnapshot"] == 1
        opps = [i for i in out.items if isinstance(i, OpportunityRecord)]
        appeal = next(o for o in opps if o.post_uri == stream()[0].post.uri)
        assert appeal.kind == "appeal" and any("asks the brand" in r for r in appeal.reasons)
        alerts = [i for i in out.items if isinstance(i, PendingAlert)]
        assert {a.alert.kind for a in alerts} == {"opportunity", "moment"}
        store.write_batch(out.items)
        rows = store.query("SELECT channel, dedup_key FROM alert_outbox")
        assert {k for _, k in rows} >= {"opportunity:" + appeal.id}
        assert any(k.startswith("moment:Volta:") for _, k in rows)
        labels = store.query("SELECT post_uri, intent FROM labels ORDER BY post_uri")
        assert len(labels) == 9


def test_a_batch_consumed_again_writes_nothing_twice(tmp_path: Path,
                                                      understanding: Understanding) -> None:
    records = [Record(m, i) for i, m in enumerate(stream())]
    with opened(tmp_path) as store:
        clock = ManualClock(T0 + 60)
        first = stage(store, clock, understanding)
        store.write_batch(first.process(records, clock.now()).items)
        before = {t: store.query(f"SELECT COUNT(*) FROM {t}")[0][0]
                  for t in ("opportunities", "moments", "labels", "alert_outbox")}
        assert all(before.values()), before
        # the matcher published the batch again: the same worker counts nothing twice
        again = first.process([Record(m, 20 + i) for i, m in enumerate(stream())], clock.now())
        assert again.events_out == 0 and not kinds(again.items).get("OpportunityRecord")
        # the worker died before its snapshot: a new owner reads the batch with empty state
        clock.advance(5)
        heir = stage(store, clock, understanding)
        store.write_batch(heir.process(records, clock.now()).items)
        after = {t: store.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in before}
        assert after == before


def test_brand_state_keeps_its_queue_and_signals_in_the_snapshot(
        understanding: Understanding) -> None:
    clock = ManualClock(T0 + 60)
    state = BrandState(clock, signals_config(BURSTY))
    desk = KafkaDesk(Config(brands=(VOLTA,), extra=BURSTY), clock, understanding=understanding)
    fresh = [m for m in stream() if state.update(m) is not None]
    desk.handle(state, fresh, [])
    copy = BrandState(clock, signals_config(BURSTY))
    copy.restore(state.snapshot())
    assert copy.counts == {"Volta": 9}
    assert [q.opportunity.id for q in copy.queue.get()] == [q.opportunity.id
                                                           for q in state.queue.get()]
    assert copy.signals.cascade(stream()[0].post.uri) is not None
    assert msgspec.msgpack.decode(state.snapshot())  # plain msgpack, readable anywhere


def test_a_batch_larger_than_the_backlog_shows_as_degraded_on_the_stages_metrics(
        understanding: Understanding) -> None:
    from reale.run.kafka.metrics import KafkaMetrics

    clock = ManualClock(T0 + 60)
    metrics = KafkaMetrics("stages")
    state = BrandState(clock, signals_config(BURSTY))
    desk = KafkaDesk(Config(brands=(VOLTA,), extra=BURSTY), clock, understanding=understanding,
                     backlog=5)
    desk.degraded = metrics.degraded  # as run_kafka wires it
    fresh = [m for m in stream() if state.update(m) is not None]

    def shown() -> float | None:
        return metrics.registry.get_sample_value("reale_understand_degraded")

    desk.handle(state, fresh, [])  # 9 mentions, more than the backlog: fast labels only
    assert shown() == 1.0 and desk.degraded_batches == 1
    desk.handle(state, fresh[:2], [])
    assert shown() == 0.0


def test_a_replayed_burst_raises_the_same_moments_whenever_it_is_read() -> None:
    """Moments are timed by the posts, not the worker's clock: a new owner reading the burst
    later raises moments with the same ids, which the store and the outbox already hold."""

    def moments(now: float) -> set[str]:
        state = BrandState(ManualClock(now), signals_config(BURSTY))
        return {MomentRecord.of(a).id for m in stream() for a in state.update(m) or ()}

    first = moments(T0 + 60)
    assert first and moments(T0 + 240) == first


class Raw:
    """A consumed record of any topic."""

    def __init__(self, topic: str, value: bytes, offset: int) -> None:
        self._topic, self._value, self._offset = topic, value, offset

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes:
        return b""

    def value(self) -> bytes:
        return self._value


def test_the_conversation_stage_watches_an_opportunitys_aftermath_and_alerts_a_backlash(
        tmp_path: Path) -> None:
    """The embedded aftermath test, on Kafka's stages: the brand stage's watch marker, friendly
    replies (the baseline), the brand's published reply, then accusations."""
    import asyncio

    from reale.desk.approval import ApprovalWorkflow
    from reale.desk.records import Member, Target
    from reale.desk.roles import Role
    from reale.desk.store_repository import StoreDeskRepository
    from reale.publish.base import Account
    from reale.publish.factory import PublisherPool
    from reale.run.kafka.conversations import ConversationStage
    from reale.web.data import AftermathRecord

    root = "at://did:plc:matteo/app.bsky.feed.post/1"
    clock = ManualClock(1_000_000.0)
    config = Config(brands=(VOLTA,), team_language="it")
    desk = KafkaDesk(config, clock, alerts=parse_alerts_config(ALERTS))
    offsets = iter(range(1_000))

    def reply(i: int, text: str) -> Raw:
        p = Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                 author=Author(id=f"did:plc:u{i}", handle=f"u{i}.bsky.social"), text=text,
                 created_at=clock.now(), langs=("it",), reply_parent=root, reply_root=root)
        return Raw("interactions", codec.encode_conversation(p), next(offsets))

    with opened(tmp_path) as store:
        stage = ConversationStage(KafkaSettings(), store, clock, group="reale-conversations",
                                  snapshot_interval=0, desk=desk, poll_every=0)
        watch = codec.encode_watch(codec.Watch("Volta", root, clock.now()))
        batches = [[Raw("tracked", watch, next(offsets))]]
        for i in range(20):
            clock.advance(180)
            batches.append([reply(i, "dai Volta, fatelo!")])
        for batch in batches:
            store.write_batch(stage.process(batch, clock.now()).items)
        # the brand answers publicly, approved and sent (dry run), as the web desk does
        repo = StoreDeskRepository(store)
        wf = ApprovalWorkflow(repo, clock=clock)
        admin = Member("ada", Role.ADMIN.value)
        repo.put_member(admin)
        draft = wf.draft(admin.name, brand="Volta", account="bsky",
                         target=Target(network="bluesky", uri=root),
                         text="Ciao Matteo, ti prestiamo una Volta Arco!", lang="it")
        pool = PublisherPool([Account(name="bsky", network="bluesky", dry_run=True)], gate=wf,
                             clock=clock)
        asyncio.run(wf.approve_and_send(admin.name, draft.id, pool))
        asyncio.run(pool.aclose())
        produced: list[Any] = []
        for i in range(100, 112):
            clock.advance(60)
            out = stage.process([reply(i, "marchetta! questa è pubblicità occulta, vergogna")],
                                clock.now())
            produced.extend(out.items)
            store.write_batch(out.items)
        assert any(isinstance(i, AftermathRecord) for i in produced)
        assert any(isinstance(i, PendingAlert) and i.alert.kind == "backlash" for i in produced)
        [(body,)] = store.query("SELECT body FROM aftermath")
        assert "marchetta" in body
        backlash = store.query("SELECT dedup_key FROM alert_outbox")
        assert len(backlash) == 1 and backlash[0][0].startswith("backlash:Volta|")
        # a rebalance: the heir restores the watch with its counts and counts nothing twice
        [snap] = stage.final_items()
        heir = ConversationStage(KafkaSettings(), store, clock, group="reale-conversations",
                                 snapshot_interval=0, desk=desk, poll_every=0)
        heir.keyed.state(0).restore(snap.state)
        watches = heir.keyed.state(0).watches
        assert watches is not None
        status = watches.stage.aftermath.get(f"Volta|{root}")
        assert status.acted_at is not None and status.before.n == 20 and status.after.n == 12
        heir.process([reply(111, "marchetta! questa è pubblicità occulta, vergogna")], clock.now())
        assert status.after.n == 12


def test_the_teams_decisions_in_the_web_desk_teach_the_brand_stage(
        tmp_path: Path, understanding: Understanding) -> None:
    from reale.web.queries import decide
    from reale.web.records import OpportunityDecision

    clock = ManualClock(T0 + 60)
    records = [Record(m, i) for i, m in enumerate(stream())]
    with opened(tmp_path) as store:
        brand_stage = stage(store, clock, understanding)
        brand_stage.maintain_every = 0.0
        out = brand_stage.process(records[:1], clock.now())
        store.write_batch(out.items)
        [appeal] = [i for i in out.items if isinstance(i, OpportunityRecord)]
        state = brand_stage.keyed.states[0]
        assert len(state.queue) == 1 and state.learner.get("Volta").decisions == 0
        clock.advance(30)
        decide(store, OpportunityDecision(opportunity_key=appeal.key, action="handled",
                                          actor="ada", role="admin", at=clock.now()))
        brand_stage.process(records[1:2], clock.now())  # the next batch learns first
        assert state.learner.get("Volta").decisions == 1
        assert appeal.id not in state.queue  # decided: out of the brand's queue
        copy = BrandState(clock, signals_config(BURSTY))
        copy.restore(state.snapshot())
        assert copy.learner.get("Volta") == state.learner.get("Volta")
        assert copy.decided_until == clock.now()


def test_response_time_alerts_are_raised_by_the_stage_tick_as_time_passes(
        tmp_path: Path, understanding: Understanding) -> None:
    """The embedded runner's SlaWatch, on the Kafka brand stage: the worker calls ``tick``
    between batches and when idle; once 80% of an open opportunity's target has passed it
    yields an ``sla`` alert (in store items), and once more when the target is missed."""
    clock = ManualClock(T0 + 60)
    records = [Record(m, i) for i, m in enumerate(stream())]
    with opened(tmp_path) as store:
        brands = stage(store, clock, understanding)
        store.write_batch(brands.process(records, clock.now()).items)
        assert brands.tick(clock.now()) == []  # nothing due yet
        queued = next(iter(brands.keyed.states.values())).queue.get(limit=50)
        [appeal] = [q for q in queued if q.opportunity.kind == "appeal"]
        clock.advance(appeal.target * 0.85)
        soon = brands.tick(clock.now())
        assert f"sla:{appeal.opportunity.id}" in {a.alert.dedup_key for a in soon}
        assert {a.alert.kind for a in soon} == {"sla"}
        store.write_batch(soon)
        clock.advance(appeal.target * 0.2)
        missed = brands.tick(clock.now())
        assert f"sla:{appeal.opportunity.id}" in {a.alert.dedup_key for a in missed}
        assert {a.alert.severity for a in missed} == {"urgent"}
        store.write_batch(missed)
        clock.advance(3600)
        assert brands.tick(clock.now()) == []  # told once per stage
        rows = store.query("SELECT dedup_key FROM alert_outbox WHERE dedup_key LIKE 'sla:%'")
        assert f"sla:{appeal.opportunity.id}" in {r[0] for r in rows}


def test_on_kafka_a_friends_reply_keeps_the_appeal_about_the_person_who_asked() -> None:
    """The Kafka desk reads a conversation as the embedded one does (the same ``DeskStage``),
    and the post that opened it survives the partition's snapshot as its subject."""
    from tests.test_stages import ASKER, Labels, car_thread

    clock = ManualClock(1_000.0)
    state = BrandState(clock, signals_config({}))
    desk = KafkaDesk(Config(brands=(VOLTA,), team_language="it"), clock,
                     labeller=lambda texts, langs, fast: [Labels()] * len(texts),
                     background=False)
    asked, _ = car_thread(state.signals, clock,
                          lambda pairs: desk.handle(state, [m for m, _ in pairs], []))
    [item] = state.queue.get()
    opp = item.opportunity
    assert opp.posts == 2 and opp.post_uri == asked.post.uri
    assert opp.author_handle == ASKER.handle and opp.author_followers == 152_000
    assert opp.realness is not None and opp.realness.reasons[0].startswith("sollecitato")
    heir = BrandState(clock, signals_config({}))
    heir.restore(state.snapshot())
    kept = heir.queue.peek(opp.id)
    assert kept is not None and kept.subject == opp.subject and kept.subject is not None


def test_the_stored_intent_of_anger_at_someone_else_is_no_complaint(
        tmp_path: Path, understanding: Understanding) -> None:
    """Angry emoji alone aimed at a person ("@mario 😡😡") are stored as intent other; aimed at
    the brand's handle, a complaint: the stages' labeller knows the configured brands."""
    clock = ManualClock(T0 + 60)
    texts = ["@mario.bsky.social 😡😡", "@volta-auto.bsky.social 😡😡"]
    mentions = [mention(20 + i, t, T0 + i) for i, t in enumerate(texts)]
    with opened(tmp_path) as store:
        out = stage(store, clock, untaught(understanding)).process(
            [Record(m, i) for i, m in enumerate(mentions)], clock.now())
    stored = {i.post_uri: i.labels.intent for i in out.items if type(i).__name__ == "LabelledPost"}
    assert [stored[m.post.uri] for m in mentions] == ["other", "complaint"]
