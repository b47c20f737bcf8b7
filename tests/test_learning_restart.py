"""What the team teaches the desk outlives the embedded runner: the web desk stores each decision
(with the opportunity as the team saw it), and a restarted ``reale run`` learns them all again
before its first mention, so it scores a mention exactly as before the restart — the same learned
weights, the same relevance verdict — and learns each decision once, even one taken while it was
down."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.desk.opportunity_rules import Learned
from reale.events import Author, Mention, Post
from reale.run.app import EmbeddedApp
from reale.run.learning import recent_relevance
from reale.run.wiring import Pipeline, Understanding
from reale.store import Store
from reale.web.data import save_opportunity
from reale.web.queries import decide
from reale.web.records import OpportunityDecision
from tests.web_helpers import build_desk, client_for

MELA = BrandConfig(name="Mela", handles=("mela-mobile.bsky.social",), keywords=("mela",))
T0 = 1_780_000_000.0
# Mentions of "mela": the phone maker's, and the fruit's. The team handles the first two and
# dismisses the fruit as irrelevant; a plain compliment is not worth a reply.
POSTS = {
    "battery": "@mela-mobile.bsky.social il mio Mela 12 si spegne al 30% di batteria, aiuto",
    "camera": "@mela-mobile.bsky.social il nuovo Mela 12 Pro ha una fotocamera incredibile",
    "doctor": "@mela-mobile.bsky.social una mela al giorno toglie il medico di torno",
    "pie": "@mela-mobile.bsky.social torta di mela della nonna, ricetta segreta",
    "thanks": "@mela-mobile.bsky.social grazie Mela, tutto ok",
}
PROBE = "@mela-mobile.bsky.social il mio Mela 12 non si accende più, mi aiutate?"
FRUIT = "Crostata di mela e cannella per merenda"
T = TypeVar("T")


class Labels:
    """Labels shaped like reale.understand's Understanding: a question to the brand."""

    language = "it"
    sentiment = "negative"
    sentiment_scores = {"negative": 0.6, "neutral": 0.3, "positive": 0.1}
    intent = "question"
    intent_scores = {"question": 0.8}
    complaint_score = 0.2


def mention(i: int, text: str) -> Mention:
    post = Post(network="bluesky", uri=f"at://did:plc:m{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:m{i}", handle=f"m{i}.bsky.social", followers=500),
                text=text, created_at=T0 + i, langs=("it",), mentions=("mela-mobile.bsky.social",))
    return Mention(brand="Mela", query="mela", post=post)


def running(db: Path, body: Callable[[Pipeline], Awaitable[T]], remember: int = 500) -> T:
    """One life of the embedded runner on ``db``: the app and its pipeline, with models loaded
    afresh (as a new ``reale run`` process does), around ``body``."""
    config = Config(brands=(MELA,), store=f"sqlite:///{db}")

    async def main() -> T:
        async with EmbeddedApp(config, clock=ManualClock(T0 + 100)) as app, \
                Pipeline(app, clock=ManualClock(T0 + 100),
                         understanding=Understanding(config.brands, remember)) as p:
            return await body(p)

    return asyncio.run(main())


def store_of(p: Pipeline) -> Store:
    assert p.app.store is not None
    return p.app.store


def reading(p: Pipeline) -> dict[str, Any]:
    """How the desk reads things now: the weights learned, the probe's relevance and score."""
    assert p.understanding is not None
    opp = p.desk.score(mention(99, PROBE), Labels())
    assert opp is not None
    return {"learned": p.learner.get("Mela"),
            "probe": p.understanding.relevance("Mela", PROBE),
            "fruit": p.understanding.relevance("Mela", FRUIT),
            "score": opp.score, "reasons": opp.reasons, "relevance": opp.relevance}


async def queue_and_store(p: Pipeline) -> dict[str, str]:
    """The desk scores each post into its queue and the store (as the runner's sinks do)."""
    keys = {}
    for i, (name, text) in enumerate(POSTS.items()):
        opp = p.desk.score(mention(i, text), Labels())
        assert opp is not None, name
        p.queue.update(opp)
        keys[name] = save_opportunity(store_of(p), opp).key
    return keys


def dismiss_in_the_web_desk(db: Path, key: str, reason: str) -> None:
    """A responder dismisses the opportunity through the web desk's own route."""
    desk = build_desk(f"sqlite:///{db}", seeded=False)
    try:
        for rita, csrf in client_for(desk, "rita"):
            r = rita.post(f"/queue/{key}/dismiss", data={"csrf": csrf, "reason": reason},
                          follow_redirects=False)
            assert r.status_code == 303, r.text
    finally:
        desk.store.close()


def handled(store: Store, key: str, at: float) -> None:
    """What the web desk records once the reply went out (``mark_handled``)."""
    decide(store, OpportunityDecision(opportunity_key=key, action="handled", actor="rita",
                                      role="responder", at=at))


def test_a_restarted_runner_reads_mentions_exactly_as_before(tmp_path: Path) -> None:
    db = tmp_path / "reale.sqlite"

    async def first_life(p: Pipeline) -> dict[str, Any]:
        keys = await queue_and_store(p)
        first = reading(p)
        # Nothing decided yet: only the cold-start prior speaks, and a post addressed to the
        # brand's handle is the brand's by construction; the fruit has too few anchors to judge.
        assert (first["probe"], first["fruit"]) == (1.0, None)
        handled(store_of(p), keys["battery"], T0 + 200)
        handled(store_of(p), keys["camera"], T0 + 201)
        await asyncio.to_thread(dismiss_in_the_web_desk, db, keys["doctor"], "irrelevant")
        await asyncio.to_thread(dismiss_in_the_web_desk, db, keys["pie"], "irrelevant")
        await asyncio.to_thread(dismiss_in_the_web_desk, db, keys["thanks"], "not_worth")
        await p.learn_decisions()
        assert len(p.queue) == 0, "each decided opportunity left the queue"
        return reading(p)

    before = running(db, first_life)
    assert before["learned"].decisions == 5
    assert before["probe"] > 0.5 > before["fruit"], "the team taught phone from fruit"

    async def second_life(p: Pipeline) -> dict[str, Any]:
        now = reading(p)  # before any upkeep: learned at start
        assert await p.learn_decisions() == 0, "no decision is learned twice"
        assert reading(p) == now
        return now

    after = running(db, second_life)
    assert after["learned"] == before["learned"]  # the same weights, to the last bit
    assert after["probe"] == pytest.approx(before["probe"], abs=1e-4)
    assert after["fruit"] == pytest.approx(before["fruit"], abs=1e-4)
    assert (after["score"], after["reasons"]) == (before["score"], before["reasons"])
    assert after["relevance"] == pytest.approx(before["relevance"], abs=1e-4)


def test_a_decision_taken_while_the_runner_was_down_is_learned_at_start(tmp_path: Path) -> None:
    db = tmp_path / "reale.sqlite"

    async def first_life(p: Pipeline) -> tuple[dict[str, str], Learned]:
        keys = await queue_and_store(p)
        handled(store_of(p), keys["battery"], T0 + 200)
        await p.learn_decisions()
        return keys, p.learner.get("Mela")

    keys, learned = running(db, first_life)
    assert learned.decisions == 1
    # the runner is down; the web desk (another process) goes on
    dismiss_in_the_web_desk(db, keys["pie"], "irrelevant")
    dismiss_in_the_web_desk(db, keys["thanks"], "not_worth")

    async def second_life(p: Pipeline) -> dict[str, Any]:
        assert p.understanding is not None
        model = p.understanding.models["Mela"]
        # 'not worth it' teaches the weights only: the model remembers the kept and the dismissed
        assert len(model) == 2 and model.kinds() == {True, False}
        return reading(p)

    after = running(db, second_life)
    assert after["learned"].decisions == 3
    assert after["learned"].deltas != learned.deltas
    assert after["probe"] is not None


def test_a_decision_taken_on_a_conversation_that_went_on_teaches_what_the_team_saw(
        tmp_path: Path) -> None:
    db = tmp_path / "reale.sqlite"

    async def life(p: Pipeline) -> None:
        keys = await queue_and_store(p)
        await asyncio.to_thread(dismiss_in_the_web_desk, db, keys["pie"], "irrelevant")
        # a later post of the same conversation replaces the stored opportunity's reading
        later = p.desk.score(mention(3, POSTS["pie"] + " con le mele renette"), Labels())
        assert later is not None
        save_opportunity(store_of(p), later)

    running(db, life)

    async def texts(p: Pipeline) -> list[str]:
        assert p.understanding is not None
        decisions = p.understanding.models["Mela"].snapshot()["decisions"]
        assert isinstance(decisions, list)
        return [d["text"] for d in decisions]

    assert running(db, texts) == [POSTS["pie"]]


def test_a_restart_embeds_only_the_decisions_a_model_remembers(tmp_path: Path) -> None:
    """The weights step through every stored decision (each step depends on the one before);
    a relevance model is rebuilt from the brand's ``remember`` most recent decisions only."""
    db = tmp_path / "reale.sqlite"

    async def first_life(p: Pipeline) -> None:
        keys = await queue_and_store(p)
        for i, (name, action) in enumerate([("battery", "handled"), ("camera", "handled"),
                                            ("doctor", "irrelevant"), ("pie", "irrelevant"),
                                            ("thanks", "not_worth")]):
            decide(store_of(p), OpportunityDecision(opportunity_key=keys[name], action=action,
                                                    actor="rita", role="responder",
                                                    at=T0 + 200 + i))

    running(db, first_life)

    async def remembered(p: Pipeline) -> tuple[Learned, list[str]]:
        assert p.understanding is not None
        recent = recent_relevance(store_of(p), "Mela", 2)
        assert [d.opportunity.text for d in recent] == [POSTS["doctor"], POSTS["pie"]]
        decisions = p.understanding.models["Mela"].snapshot()["decisions"]
        assert isinstance(decisions, list)
        return p.learner.get("Mela"), [d["text"] for d in decisions]

    learned, texts = running(db, remembered, remember=2)
    assert learned.decisions == 5
    assert texts == [POSTS["doctor"], POSTS["pie"]]
