"""A desk's worth of data for the web benchmark: mentions of four brands over thirty days with
labels, opportunities scored by the real desk, moments; and a desk app on top of it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from starlette.applications import Starlette

from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.desk.approval import ApprovalWorkflow
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.store_repository import StoreDeskRepository
from reale.events import Author, Mention, Post
from reale.signals.moment_scope import Example, MomentAlert
from reale.store import Store
from reale.web.app import create_app
from reale.web.data import labelled, record_of, write_labels, write_moments, write_opportunities
from reale.web.hub import LiveHub
from reale.web.records import MomentRecord
from reale.web.settings import WebSettings

BRANDS = (BrandConfig(name="Fiori", competitors=("Petali", "Rose")),
          BrandConfig(name="Auto", competitors=("Motori",)),
          BrandConfig(name="Petali"), BrandConfig(name="Rose"))
END = 1_780_000_000.0
DAYS = 30
WORDS = ("grazie", "ordine", "consegna", "ritardo", "bellissimi", "prezzo", "negozio", "domenica",
         "regalo", "servizio", "clienti", "thanks", "love", "never", "again", "today", "why")
KINDS = (("praise", "positive"), ("complaint", "negative"), ("question", "neutral"),
         ("other", "neutral"))
PASSWORD = "benchmark password"
ARRIVAL_BATCH = 50  # mentions per write when stamped as they arrived (minutes of posts)
FAST = WebSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)


def mentions(n: int, seed: int = 11) -> Iterator[tuple[Mention, dict[str, str]]]:
    """``n`` mentions spread over the last thirty days, with their labels."""
    rnd = random.Random(seed)
    for i in range(n):
        a = rnd.randrange(20_000)
        brand = rnd.choices(BRANDS, weights=(4, 3, 2, 1))[0].name
        at = END - rnd.random() * DAYS * 86_400
        text = f"{brand.lower()} " + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 30)))
        post = Post(network="bluesky", uri=f"at://did:plc:{a:06d}/app.bsky.feed.post/{i:010d}",
                    author=Author(id=f"did:plc:{a:06d}", handle=f"user{a}.bsky.social",
                                  followers=int(rnd.paretovariate(1.2) * 50)),
                    text=text, created_at=at, langs=(rnd.choice(("it", "en")),), received_at=at)
        intent, sentiment = rnd.choice(KINDS)
        yield (Mention(brand=brand, query=brand.lower(), post=post, matched_at=at),
               {"lang": post.langs[0], "sentiment": sentiment, "intent": intent})


def fill(store: Store, n: int, batch: int = 5_000, arrivals: ManualClock | None = None
         ) -> list[str]:
    """Write ``n`` mentions with labels, an opportunity for one in fifty, and moments; returns
    the opportunities' keys. With ``arrivals`` (the store's clock), mentions are stored in post
    order, each batch stamped at its last post's time, as a desk that ran for the thirty days
    would have stored them (in batches of :data:`ARRIVAL_BATCH`: the brand pages' rollups follow
    stored time); else all now."""
    keys: list[str] = []
    buf: list[tuple[Mention, dict[str, str]]] = []
    items = mentions(n) if arrivals is None else iter(
        sorted(mentions(n), key=lambda item: item[0].post.created_at))
    batch = batch if arrivals is None else min(batch, ARRIVAL_BATCH)
    for item in items:
        buf.append(item)
        if len(buf) >= batch:
            keys += _flush(store, buf, arrivals)
            buf = []
    keys += _flush(store, buf, arrivals)
    with store.transaction() as tx:
        write_moments(tx, [MomentRecord.of(MomentAlert(
            scope=("*", "Fiori", "Auto")[i % 3], term=f"#tema{i}", at=END - i * 7_000, count=20 + i,
            window_seconds=120, baseline_per_min=0.5, current_per_min=5.0 + i, ratio=10.0 + i,
            log10_p=-8.0, examples=(Example(f"at://x/app.bsky.feed.post/{i}", "un esempio"),),
            cooccurring=("a", "b"))) for i in range(100)])
    return keys


def _flush(store: Store, items: list[tuple[Mention, dict[str, str]]],
           arrivals: ManualClock | None) -> list[str]:
    if not items:
        return []
    if arrivals is not None:
        arrivals.set(max(m.post.created_at for m, _ in items) + 1.0)
    store.write_mentions([m for m, _ in items])
    records = []
    weights = DeskWeights()
    for m, lab in items[::50]:
        p = m.post
        opp = score_opportunity(OpportunityInput(
            brand=m.brand, post_uri=p.uri, text=p.text, network=p.network, created_at=p.created_at,
            author_handle=p.author.handle, author_followers=p.author.followers, language=lab["lang"],
            intent="complaint" if lab["intent"] == "complaint" else "question",
            intent_confidence=0.8, complaint=0.8 if lab["intent"] == "complaint" else 0.0,
            addressed_directly=True), weights)
        if opp is not None:
            records.append(record_of(opp, network="bluesky", followers=p.author.followers))
    with store.transaction() as tx:
        write_labels(tx, list(labelled({m.post.uri: lab for m, lab in items}, END)))
        write_opportunities(tx, records)
    return [r.key for r in records]


@dataclass
class BenchDesk:
    app: Starlette
    hub: LiveHub
    clock: ManualClock
    keys: list[str]


def desk(store: Store, keys: list[str], settings: WebSettings = FAST) -> BenchDesk:
    """The desk app on a filled store, with an approver ``bench`` (password :data:`PASSWORD`)."""
    clock = ManualClock(END)
    workflow = ApprovalWorkflow(StoreDeskRepository(store), clock=clock)
    hub = LiveHub(queue_size=settings.live_queue, max_batch=settings.live_batch,
                  interval=settings.live_interval, heartbeat=1.0)
    app = create_app(store, workflow=workflow, hub=hub, brands=BRANDS, clock=clock,
                     settings=settings)
    app.state.services.accounts.add("bench", PASSWORD, "approver")
    return BenchDesk(app=app, hub=hub, clock=clock, keys=keys)


__all__ = ["BRANDS", "DAYS", "END", "PASSWORD", "BenchDesk", "desk", "fill", "mentions"]
