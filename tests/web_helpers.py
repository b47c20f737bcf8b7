"""A desk for the web tests: a store with mentions, labels, opportunities scored by the real desk,
a moment from the real signals types, a team of four, and the app built by ``create_app``."""

from __future__ import annotations

import itertools
import random
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette

with warnings.catch_warnings():  # starlette asks for httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from reale.alerts.config import AlertsConfig
from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.desk.approval import ApprovalWorkflow
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.records import Member
from reale.desk.store_repository import StoreDeskRepository
from reale.events import Author, Interaction, Mention, Post
from reale.publish.base import Account
from reale.signals.moment_scope import Example, MomentAlert
from reale.signals.safety import SafetyRead
from reale.store import Store, open_store
from reale.web import LiveHub, WebSettings, create_app
from reale.web.data import save_labels, save_moment, save_opportunity
from reale.web.records import Reach

T0 = 1_780_000_000.0  # 2026-05-28
PASSWORD = "correct horse battery"
TEAM = {"ada": "admin", "aldo": "approver", "rita": "responder", "vera": "viewer"}
BRANDS = (
    BrandConfig(name="Fiori", handles=("@fiori.bsky.social",), keywords=("fiori di giulia",),
                competitors=("Petali",), language="it"),
    BrandConfig(name="Auto", handles=("@auto.bsky.social",), keywords=("auto nova",),
                competitors=("Motori",), language="it"),
    BrandConfig(name="Petali", keywords=("petali",)),
)
FAST = WebSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1,
                   live_interval=0.05)


def post(n: int, text: str, *, at: float, author: str = "giulia", followers: int = 120,
         lang: str = "it", reply_root: str | None = None, name: str = "") -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:{author}/app.bsky.feed.post/{n:06d}",
                author=Author(id=f"did:plc:{author}", handle=f"{author}.bsky.social",
                              display_name=name, followers=followers),
                text=text, created_at=at, langs=(lang,), reply_root=reply_root,
                reply_parent=reply_root, received_at=at + 1)


def mention(brand: str, p: Post) -> Mention:
    return Mention(brand=brand, query=brand.lower(), post=p, matched_at=p.created_at + 2)


def opportunity_of(brand: str, p: Post, **signals: Any) -> Any:
    inp = OpportunityInput(brand=brand, post_uri=p.uri, brand_handle=f"{brand.lower()}.bsky.social",
                           text=p.text, network=p.network, created_at=p.created_at,
                           author_handle=p.author.handle, author_followers=p.author.followers,
                           language=p.langs[0] if p.langs else "", addressed_directly=True,
                           **signals)
    opp = score_opportunity(inp, DeskWeights(), team_language="en")
    assert opp is not None, p.text
    return opp


@dataclass
class Desk:
    store: Store
    workflow: ApprovalWorkflow
    hub: LiveHub
    clock: ManualClock
    app: Starlette
    keys: dict[str, str]


def seed(store: Store, clock: ManualClock) -> dict[str, str]:
    """Mentions over the last days, labels, three opportunities and a moment."""
    now = clock.now()
    rng = random.Random(7)
    posts, labels = [], {}
    texts = {"Fiori": ("che bei fiori da {b}", "ordine da {b} arrivato in ritardo", "{b} aperto domenica?",
                       "i tulipani di {b} sono splendidi"),
             "Auto": ("la nuova {b} consuma poco", "assistenza {b} lentissima", "{b} elettrica quando?",
                      "provata la {b}, bellissima"),
             "Petali": ("{b} ha prezzi onesti", "{b} non risponde mai", "{b} fa consegne oggi?",
                        "bouquet di {b} perfetto")}
    n = 100
    for hour in range(7 * 24):
        at = now - 3600 * (7 * 24 - hour)
        busy = 3 if 8 <= (hour + 2) % 24 <= 22 else 1
        for brand, weight in (("Fiori", 1.0), ("Auto", 0.7), ("Petali", 0.5)):
            for _ in range(rng.choice(range(busy + 1)) if rng.random() < weight else 0):
                n += 1
                k = rng.randrange(4)
                p = post(n, texts[brand][k].format(b=brand.lower()), at=at + rng.uniform(0, 3500),
                         author=f"u{rng.randrange(40)}", followers=int(10 ** rng.uniform(1.5, 5)))
                posts.append((brand, p))
                labels[p.uri] = {"lang": "it",
                                 "sentiment": ("positive", "negative", "neutral", "positive")[k],
                                 "intent": ("praise", "complaint", "question", "praise")[k]}
    store.write_mentions([mention(b, p) for b, p in posts])
    save_labels(store, labels)
    flowers = post(1, "Buongiorno @fiori.bsky.social! Primo giorno online, che bello vedervi qui 🌷",
                   at=now - 1800, author="giulia", followers=180, name="Giulia")
    car = post(2, "Ehi @auto.bsky.social, regalatemi una Nova e vi faccio pubblicità a 2 milioni "
                  "di follower!", at=now - 1200, author="influencer", followers=2_000_000,
               name="Mega Influencer")
    late = post(3, "@fiori.bsky.social il mio ordine non è mai arrivato, nessuno risponde",
                at=now - 7200, author="marco", followers=300)
    reply = post(4, "pure io aspetto da giorni", at=now - 7000, author="anna",
                 reply_root=late.uri)
    store.write_mentions([mention("Fiori", flowers), mention("Auto", car), mention("Fiori", late)])
    store.write_posts([reply])
    store.write_interactions([Interaction(network="bluesky", uri="at://did:plc:x/repost/1",
                                          kind="repost", author=Author(id="did:plc:x"),
                                          subject=car.uri, root=car.uri, created_at=now - 1100)])
    save_labels(store, {flowers.uri: {"lang": "it", "sentiment": 0.8, "intent": "praise"},
                        car.uri: {"lang": "it", "sentiment": "neutral", "intent": "appeal"},
                        late.uri: {"lang": "it", "sentiment": -0.7, "intent": "complaint"}})
    keys = {
        "flowers": save_opportunity(store, opportunity_of("Fiori", flowers, intent="praise",
                                                          intent_confidence=0.9, sentiment=0.8),
                                    network="bluesky", followers=180).key,
        "car": save_opportunity(store, opportunity_of("Auto", car, intent="request",
                                                      intent_confidence=0.95,
                                                      reach_percentile=0.99),
                                network="bluesky", reach=Reach(tier="mega", percentile=99.0,
                                                               followers=2_000_000)).key,
        "late": save_opportunity(store, opportunity_of("Fiori", late, complaint=0.9,
                                                       sentiment=-0.7),
                                 network="bluesky", followers=300).key,
    }
    save_moment(store, MomentAlert(
        scope="*", term="#blackout", at=now - 600, count=42, window_seconds=120,
        baseline_per_min=0.5, current_per_min=21.0, ratio=42.0, log10_p=-12.0,
        examples=(Example("at://did:plc:z/app.bsky.feed.post/9", "stadio al buio! #blackout"),),
        cooccurring=("stadio", "luce"),
        safety=SafetyRead(verdict="safe", reasons=("no tragic, violent or divisive terms",),
                          posts=42)))
    save_moment(store, MomentAlert(
        scope="*", term="#terremoto", at=now - 5400, count=120, window_seconds=120,
        baseline_per_min=0.2, current_per_min=60.0, ratio=300.0, log10_p=-40.0,
        examples=(Example("at://did:plc:w/app.bsky.feed.post/8", "scossa forte, tutti in strada"),),
        cooccurring=("scossa", "vittime"),
        safety=SafetyRead(verdict="avoid", reasons=("tragic terms: vittime",
                                                    "44% of posts fearful or angry"),
                          tragic_terms=("vittime",), posts=120, fear_share=0.44)))
    save_moment(store, MomentAlert(
        scope="Fiori", term="festa della mamma", at=now - 9000, count=18, window_seconds=1200,
        baseline_per_min=0.05, current_per_min=0.9, ratio=18.0, log10_p=-9.0,
        examples=(Example("at://did:plc:v/app.bsky.feed.post/7", "rose per la festa della mamma"),),
        cooccurring=("rose", "regalo")))
    return keys


def build_desk(store_url: str = "sqlite://:memory:", *, seeded: bool = True,
               settings: WebSettings = FAST, alerts: AlertsConfig | None = None,
               accounts: Sequence[Account] = ()) -> Desk:
    """The desk; ``accounts`` are network accounts to publish to (``settings.accounts`` says
    which brand answers from which); without them every reply is a dry run."""
    clock = ManualClock(T0)
    store = open_store(store_url, clock=clock)
    repo = StoreDeskRepository(store)
    counter = itertools.count(1)
    workflow = ApprovalWorkflow(repo, clock=clock, new_id=lambda: f"r{next(counter):05d}")
    hub = LiveHub(interval=settings.live_interval)
    app = create_app(store, workflow=workflow, hub=hub, brands=BRANDS, clock=clock,
                     settings=settings, alerts=alerts, accounts=accounts)
    people = app.state.services.accounts
    for name, role in TEAM.items():
        people.add(name, PASSWORD, role)
    repo.put_member(Member("ada", "admin"))
    keys = seed(store, clock) if seeded else {}
    return Desk(store=store, workflow=workflow, hub=hub, clock=clock, app=app, keys=keys)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the login form like a browser; returns the session's CSRF token."""
    token = client.get("/login.json").json()["csrf"]
    r = client.post("/login", data={"user": name, "password": password, "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(client.get("/me.json").json()["csrf"])


def client_for(desk: Desk, name: str | None = None) -> Iterator[tuple[TestClient, str]]:
    with TestClient(desk.app, base_url="http://127.0.0.1:8765") as client:
        yield client, login(client, name) if name else ""
