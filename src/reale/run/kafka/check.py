"""What the scale-out tests and benchmarks compare: simulated events, the mentions a single
process stores for them (``route`` + ``Matcher``, the embedded runner's own code), and the
mentions a store holds. Mentions are compared by everything but their times."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from reale.config import BrandConfig
from reale.events import Deletion, Interaction, Mention, Post
from reale.match import Matcher
from reale.run.pipeline import route
from reale.run.tracked import TrackedPosts
from reale.simulate import DEFAULT_BRANDS, Simulator
from reale.sources.jetstream import parse
from reale.store import Store

MentionKey = tuple[str, str, str, tuple[tuple[int, int, str], ...]]


def simulated_brands() -> tuple[BrandConfig, ...]:
    """The simulator's brands as a team would configure them."""
    return tuple(BrandConfig(name=b.name, handles=(b.handle,), hashtags=b.hashtags,
                             keywords=b.keywords, products=b.price_list()) for b in DEFAULT_BRANDS)


def simulated_events(posts: int, *, seed: int = 1, authors: int = 20_000,
                     scenarios: Sequence[str] = ()) -> list[Post | Interaction]:
    """Decoded events of a simulated firehose, up to and including its ``posts``-th post."""
    sim = Simulator(seed=seed, authors=authors)
    for name in scenarios:
        sim.add_scenario(name, at=5, speed=20)
    out: list[Post | Interaction] = []
    seen = 0
    for line in sim.lines():
        for ev in parse(line):
            if isinstance(ev, Deletion):
                continue
            out.append(ev)
            seen += isinstance(ev, Post)
        if seen >= posts:
            return out
    return out


def key(m: Mention) -> MentionKey:
    return (m.brand, m.post.uri, m.query, tuple((s.start, s.end, s.term) for s in m.spans))


def reference_mentions(events: Iterable[Post | Interaction],
                       brands: Sequence[BrandConfig]) -> set[MentionKey]:
    """What one process stores: the embedded runner's ``route`` over the same events."""
    matcher = Matcher.from_brands(brands)
    routed = route(list(events), matcher, TrackedPosts(), 0.0)
    return {key(m) for m in routed.mentions}


def reference_interactions(events: Iterable[Post | Interaction],
                           brands: Sequence[BrandConfig]) -> tuple[set[str], set[str]]:
    """URIs of the interactions and posts one process stores (mentions and conversations)."""
    routed = route(list(events), Matcher.from_brands(brands), TrackedPosts(), 0.0)
    return {i.uri for i in routed.interactions}, {p.uri for p in routed.posts}


def stored_mentions(store: Store) -> set[MentionKey]:
    rows = store.query("SELECT brand, post_uri, query, spans FROM mentions")
    return {(b, u, q, tuple((int(s), int(e), str(t)) for s, e, t in json.loads(spans)))
            for b, u, q, spans in rows}


def stored_mention_rows(store: Store) -> int:
    return int(store.query("SELECT COUNT(*) FROM mentions")[0][0])


def brands_toml(brands: Sequence[BrandConfig], store: str = "") -> str:
    """A ``reale.toml`` with these brands (workers started as processes read it)."""
    lines = [f"store = {json.dumps(store)}"] if store else []
    for b in brands:
        lines += ["", "[[brands]]", f"name = {json.dumps(b.name)}",
                  f"handles = {json.dumps(list(b.handles))}",
                  f"hashtags = {json.dumps(list(b.hashtags))}",
                  f"keywords = {json.dumps(list(b.keywords))}"]
        if b.products:
            lines.append("products = { " + ", ".join(
                f"{json.dumps(n)} = {p!r}" for n, p in b.products.items()) + " }")
    return "\n".join(lines) + "\n"
