"""The stages after matching: understanding in batches that degrades under load, the desk turning
understood mentions into opportunities with reasons, and signals fed by every event."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.desk.opportunity import Opportunity
from reale.desk.queue import OpportunityQueue
from reale.events import Author, Interaction, Mention, Post
from reale.run.metrics import Metrics
from reale.run.pipeline import Routed
from reale.run.stages import DeskStage, SignalsStage, UnderstandStage
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.signals.settings import signals_config

VOLTA = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",))


def mention(i: int, text: str = "@volta-auto.bsky.social prestatemi una macchina, vi prego!",
            followers: int | None = None) -> Mention:
    post = Post(network="bluesky", uri=f"at://did:plc:a{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:a{i}", handle=f"user{i}.bsky.social", followers=followers),
                text=text, created_at=1_000.0 + i, langs=("it",),
                mentions=("volta-auto.bsky.social",))
    return Mention(brand="Volta", query="@volta-auto.bsky.social", post=post)


class Sink:
    def __init__(self) -> None:
        self.labelled: list[tuple[Mention, Any]] = []
        self.opportunities: list[Opportunity] = []
        self.moments: list[MomentAlert] = []

    def labels(self, mention: Mention, labels: Any) -> None:
        self.labelled.append((mention, labels))

    def opportunity(self, opp: Opportunity) -> None:
        self.opportunities.append(opp)

    def moment(self, alert: MomentAlert) -> None:
        self.moments.append(alert)


def test_understanding_degrades_to_fast_labels_when_mentions_pile_up() -> None:
    calls: list[tuple[int, bool]] = []
    done: list[tuple[Mention, Any]] = []

    def label(texts: list[str], langs: list[str | None], fast: bool) -> list[Any]:
        calls.append((len(texts), fast))
        return [{"fast": fast}] * len(texts)

    metrics = Metrics()
    stage = UnderstandStage(label, done.extend, metrics=metrics, max_batch=10, backlog=25)

    async def main() -> None:
        await stage(Routed(mentions=[mention(i) for i in range(100)]))
        await stage.drain()
        while len(done) < 100:
            await asyncio.sleep(0.01)
        stage.close()

    asyncio.run(main())
    assert sum(n for n, _ in calls) == 100
    assert all(n <= 10 for n, _ in calls)
    assert calls[0][1] is True, "a backlog of 90 is over the limit: fast labels"
    assert calls[-1][1] is False, "the last batches run with the full models again"
    assert [m.post.uri for m, _ in done] == [mention(i).post.uri for i in range(100)]
    assert metrics.value("reale_events_in_total", stage="understand") == 100
    assert metrics.value("reale_events_out_total", stage="understand") == 100


def test_a_failing_labeller_is_counted_and_the_mentions_still_flow() -> None:
    done: list[tuple[Mention, Any]] = []

    def label(texts: list[str], langs: list[str | None], fast: bool) -> list[Any]:
        raise RuntimeError("model exploded")

    metrics = Metrics()
    stage = UnderstandStage(label, done.extend, metrics=metrics)

    async def main() -> None:
        await stage(Routed(mentions=[mention(1)]))
        while not done:
            await asyncio.sleep(0.01)
        stage.close()

    asyncio.run(main())
    assert done[0][1] is None
    assert metrics.value("reale_errors_total", stage="understand", kind="exception") == 1


class Labels:
    """Labels shaped like reale.understand's Understanding."""

    language = "it"
    sentiment = "negative"
    sentiment_scores = {"negative": 0.7, "neutral": 0.2, "positive": 0.1}
    intent = "appeal"
    intent_scores = {"appeal": 0.9}
    complaint_score = 0.1


def test_the_desk_turns_an_appeal_addressed_to_the_brand_into_an_opportunity_with_reasons() -> None:
    clock = ManualClock(1_000.0)
    sink = Sink()
    desk = DeskStage([VOLTA], None, OpportunityQueue(clock), [sink], team_language="en")
    desk([(mention(1, followers=150_000), Labels())])
    assert len(sink.labelled) == 1
    [opp] = sink.opportunities
    assert opp.kind == "appeal" and opp.brand == "Volta"
    assert any("asks the brand" in r for r in opp.reasons)
    assert any("@volta-auto.bsky.social" in r for r in opp.reasons)


def test_signals_see_every_event_and_rank_the_author_among_the_brands_mentioners() -> None:
    clock = ManualClock(1_000.0)
    signals = Signals(signals_config({}), clock)
    sink = Sink()
    stage = SignalsStage(signals, [sink])
    ms = [mention(i) for i in range(5)]
    asyncio.run(stage(Routed(mentions=ms, events=[m.post for m in ms])))
    assert signals.cascade(ms[0].post.uri) is not None


def test_team_decisions_teach_the_weights_and_the_brands_relevance_model(tmp_path: Any) -> None:
    from reale.config import Config
    from reale.run.app import EmbeddedApp
    from reale.run.wiring import Pipeline, Understanding
    from reale.web.data import save_opportunity
    from reale.web.queries import decide
    from reale.web.records import OpportunityDecision

    brand = BrandConfig(name="Mela", handles=("mela-mobile.bsky.social",), keywords=("mela",))
    decisions = [
        ("@mela-mobile.bsky.social il mio Mela 12 si spegne al 30% di batteria", "handled"),
        ("Il nuovo Mela 12 Pro ha una fotocamera incredibile", "handled"),
        ("Una mela al giorno toglie il medico di torno", "irrelevant"),
        ("Torta di mela della nonna, ricetta segreta", "irrelevant"),
    ]

    async def main() -> None:
        config = Config(brands=(brand,), store=f"sqlite:///{tmp_path}/d.sqlite")
        async with EmbeddedApp(config) as app:
            assert app.store is not None
            understanding = Understanding(config.brands)
            async with Pipeline(app, clock=ManualClock(1_010.0), understanding=understanding) as p:
                assert understanding.relevance("Mela", "anything") is None, "untrained"
                for i, (text, action) in enumerate(decisions):
                    m = mention(i, text)
                    opp = p.desk.score(Mention(brand="Mela", query="mela", post=m.post), Labels())
                    assert opp is not None
                    p.queue.update(opp)
                    record = save_opportunity(app.store, opp)
                    # the web desk stores the decision (from its own threads, or another process)
                    decide(app.store, OpportunityDecision(opportunity_key=record.key, action=action,
                                                          actor="ada", role="responder",
                                                          at=1_010.0 + i))
                await p.learn_decisions()  # (the upkeep task also does, every 0.5 s)
                assert p.learner.get("Mela").decisions == 4
                assert len(p.queue) == 0, "decided opportunities leave the queue"
                phone = understanding.relevance("Mela", "Il mio Mela 12 non si accende più")
                fruit = understanding.relevance("Mela", "Crostata di mela e cannella per merenda")
                assert phone is not None and fruit is not None
                assert phone > 0.5 > fruit

    asyncio.run(main())


def _feed(batches: list[list[Post]], mentioned: set[str]) -> tuple[Signals, list[tuple[str, str, float]]]:
    """Feed the posts batch by batch (mentions of Volta: the posts in ``mentioned``)."""
    config = {"signals": {"moments": {"warmup": 0.0, "bucket": 5.0, "min_count": 5}}}
    signals = Signals(signals_config(config), ManualClock(1_100.0))
    sink = Sink()
    stage = SignalsStage(signals, [sink])
    for batch in batches:
        ms = [Mention(brand="Volta", query="volta", post=p) for p in batch if p.uri in mentioned]
        asyncio.run(stage(Routed(mentions=ms, events=batch)))
    return signals, [(a.scope, a.term, a.at) for a in sink.moments]


def test_signals_read_the_stream_the_same_however_it_is_cut_into_batches() -> None:
    # five mentions of Volta with #guasto, then five posts elsewhere with #rigore; a reply to the
    # first mention arrives in the same batch as the mention it answers
    guasto = [mention(i, f"la mia Volta è ferma #guasto {i}").post for i in range(5)]
    reply = Post(network="bluesky", uri="at://did:plc:r/app.bsky.feed.post/r", text="anche la mia",
                 author=Author(id="did:plc:r"), created_at=1_004.5,
                 reply_parent=guasto[0].uri, reply_root=guasto[0].uri)
    rigore = [Post(network="bluesky", uri=f"at://did:plc:b{i}/app.bsky.feed.post/{i}",
                   author=Author(id=f"did:plc:b{i}"), text=f"era rigore #rigore {i}",
                   created_at=1_005.0 + i / 10) for i in range(5)]
    stream, mentioned = [*guasto, reply, *rigore], {p.uri for p in guasto}
    whole, in_one = _feed([stream], mentioned)
    apart, one_by_one = _feed([[p] for p in stream], mentioned)
    assert in_one == one_by_one == [("*", "#guasto", 1_004.0), ("Volta", "#guasto", 1_004.0),
                                    ("*", "#rigore", 1_005.4)]
    for signals in (whole, apart):
        cascade = signals.cascade(guasto[0].uri)
        assert cascade is not None and cascade.replies == 1


def test_the_desk_reads_each_answer_with_the_configured_realness_weights() -> None:
    from reale.desk.realness_rules import realness_weights_from_config

    def verdict(extra: dict[str, Any]) -> str:
        sink = Sink()
        desk = DeskStage([VOLTA], None, OpportunityQueue(ManualClock(1_000.0)), [sink],
                         realness=realness_weights_from_config(extra))
        desk([(mention(1, followers=150_000), Labels())])
        [opp] = sink.opportunities
        assert opp.realness is not None
        return opp.realness.verdict

    assert verdict({}) == "transactional"  # a public car for a loud ask, by default
    assert verdict({"desk": {"realness": {"transactional_at": 0.9999}}}) != "transactional"


ASKER = Author(id="did:plc:matteo", handle="matteogalli.bsky.social", followers=152_000)
FRIEND = Author(id="did:plc:marta", handle="martaconti.bsky.social", followers=22_100)
CAR_ASK = ("Stamattina ho trovato la mia macchina con la fiancata sfondata. "
           "@volta-auto.bsky.social mi prestate una Volta Pico per qualche giorno?")


def car_thread(signals: Signals, clock: ManualClock, desk: DeskStage) -> tuple[Mention, Mention]:
    """The car request, scored as it arrives; reshared by thirty people in ten minutes; then a
    friend's reply that asks the brand too ("Dai @volta, un'auto per il nostro Matteo!")."""
    ask = Post(network="bluesky", uri="at://did:plc:matteo/app.bsky.feed.post/ask",
               author=ASKER, text=CAR_ASK, created_at=1_000.0, langs=("it",),
               mentions=("volta-auto.bsky.social",))
    for i in range(3):  # other people mention the brand: the asker ranks among them
        signals.on_mention(mention(100 + i, "volta", followers=300 + i))
    signals.on_post(ask)
    asked = Mention(brand="Volta", query="@volta-auto.bsky.social", post=ask)
    signals.on_mention(asked)
    desk([(asked, Labels())])
    for i in range(30):
        clock.set(1_000.0 + 20 * i)
        signals.on_interaction(Interaction(
            network="bluesky", uri=f"at://did:plc:r{i}/app.bsky.feed.repost/{i}", kind="repost",
            author=Author(id=f"did:plc:r{i}", handle=f"r{i}.bsky.social"), subject=ask.uri,
            root=ask.uri, created_at=1_000.0 + 20 * i))
    clock.set(1_600.0)
    reply = Post(network="bluesky", uri="at://did:plc:marta/app.bsky.feed.post/dai",
                 author=FRIEND, text="Dai @volta-auto.bsky.social, un'auto per il nostro Matteo!",
                 created_at=1_600.0, langs=("it",), mentions=("volta-auto.bsky.social",),
                 reply_parent=ask.uri, reply_root=ask.uri)
    signals.on_post(reply)
    replied = Mention(brand="Volta", query="@volta-auto.bsky.social", post=reply)
    signals.on_mention(replied)
    desk([(replied, Labels())])
    return asked, replied


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_friends_reply_keeps_the_appeal_about_the_person_who_asked(lang: str) -> None:
    """One opportunity per conversation, and the appeal's realness pre-read and reach are about
    the post that makes the appeal: a friend joining in grows the thread, not the asker."""
    clock = ManualClock(1_000.0)
    signals = Signals(signals_config({}), clock)
    sink = Sink()
    queue = OpportunityQueue(clock)
    desk = DeskStage([VOLTA], signals, queue, [sink], team_language=lang)
    asked, replied = car_thread(signals, clock, desk)
    assert replied.post.author.handle == FRIEND.handle
    first, latest = sink.opportunities
    assert latest.id == first.id and latest.posts == 2 and len(queue) == 1
    assert latest.author_handle == "matteogalli.bsky.social" and latest.post_uri == asked.post.uri
    assert latest.author_followers == 152_000 and latest.text == CAR_ASK
    assert latest.realness is not None and latest.realness.verdict == "transactional"
    solicited = "sollecitato" if lang == "it" else "solicited"
    assert any(r.startswith(solicited) for r in latest.realness.reasons)
    followers = "152.000" if lang == "it" else "152,000"  # the asker's reach, not the friend's
    assert any(followers in r for r in latest.realness.reasons), latest.realness.reasons
    assert latest.reach_percentile == first.reach_percentile
    assert latest.score > first.score  # the friend's voice and the reshares make it pressing
    assert latest.updated_at == 1_600.0  # the thread moved on
    # the thread's momentum (thirty reshares) is the reply's reading of the same conversation
    assert latest.features["velocity"] >= first.features["velocity"]


def test_understanding_weighs_every_language_a_post_declares() -> None:
    """Bluesky clients declare the user's default language first ("ja") and the post's after it:
    the stage hands the models all of them, as the understander weighs them, not just the first."""
    from reale.run.wiring import Understanding

    done: list[tuple[Mention, Any]] = []
    stage = UnderstandStage(Understanding([VOLTA]).label, done.extend, metrics=Metrics())
    m = mention(1, text="@volta-auto.bsky.social vale la pena")
    m = msgspec.structs.replace(m, post=msgspec.structs.replace(m.post, langs=("ja", "it")))

    async def main() -> None:
        await stage(Routed(mentions=[m]))
        while not done:
            await asyncio.sleep(0.01)
        stage.close()

    asyncio.run(main())
    assert done[0][1].language == "it"


def test_the_embedded_understand_stage_reads_anger_at_a_person_as_no_complaint() -> None:
    """The embedded runner's understand stage labels through ``Understanding.label``, which knows
    the configured brands: "@mario 😡😡" is anger at Mario (intent other, the label stored and
    reported), "@volta-auto.bsky.social 😡😡" a complaint to the brand."""
    from reale.run.wiring import Understanding

    done: list[tuple[Mention, Any]] = []
    stage = UnderstandStage(Understanding([VOLTA]).label, done.extend, metrics=Metrics())
    mentions = [mention(1, text="@mario.bsky.social 😡😡"), mention(2, text="@volta-auto.bsky.social 😡😡")]

    async def main() -> None:
        await stage(Routed(mentions=mentions))
        while len(done) < 2:
            await asyncio.sleep(0.01)
        stage.close()

    asyncio.run(main())
    intents = {m.post.uri: labels.intent for m, labels in done}
    assert [intents[m.post.uri] for m in mentions] == ["other", "complaint"]
