"""What a scenario uses to place its story on the timeline: people, posts, reposts, likes.

Times are written in story seconds from the scenario's key moment and played ``speed`` times
faster; events before the key moment are squeezed in after the stream's start if needed.
Every event is built when scheduled, so its URI is in the ground truth from the beginning.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reale.simulate import ids, wire
from reale.simulate.brands import BrandSpec
from reale.simulate.emit import Ref
from reale.simulate.records import StrongRef
from reale.simulate.text import Link
from reale.simulate.truth import ScenarioTruth, TruthEvent

if TYPE_CHECKING:
    from reale.simulate.engine import Simulator

_PREFIX = {"it": ("", "", "", "Raga ", "Ok ", "Ma ", "Allora "), "en": ("", "", "", "Ok ", "Honestly ", "Wow ")}
_SUFFIX = ("", "", "", " 😂", " 🔥", "!!", " 👀", " 🙌")


class Script:
    """A scenario's handle on the simulator while it schedules its events."""

    def __init__(self, sim: Simulator, name: str, *, onset: float, speed: float, lang: str,
                 lead: float = 0.0) -> None:
        self.sim, self.name, self.onset, self.speed, self.lang = sim, name, onset, speed, lang
        self.rng = random.Random(f"{sim.config.seed}:{name}:{lang}")
        self.dir = sim.directory
        self.events: list[TruthEvent] = []
        self._roots: dict[str, StrongRef] = {}
        room = onset - sim.config.start
        self._lead_scale = min(1.0, 0.95 * room / (lead / speed)) if lead > 0 else 1.0

    def time(self, offset: float) -> float:
        """The simulated time of a story offset (seconds from the key moment)."""
        scaled = offset / self.speed
        return self.onset + (scaled * self._lead_scale if scaled < 0 else scaled)

    def brand(self, category: str) -> BrandSpec:
        """The configured brand of a category (the first brand if none has it)."""
        brands = self.sim.config.brands
        return next((b for b in brands if b.category == category), brands[0])

    def brand_account(self, brand: BrandSpec) -> int:
        return self.dir.by_handle[brand.handle]

    # -- people -------------------------------------------------------------------------------
    def person(self, handle: str, name: str, followers: int, *, lang: str = "", bio: str = "",
               follows: int = 0, age_days: float = 0.0) -> int:
        """A named member of the cast (kept out of the background; see ``cast_handles``)."""
        if handle in self.dir.by_handle:  # already cast (by another scenario)
            return self.dir.by_handle[handle]
        rng = self.rng
        created = self.sim.config.start - 86_400.0 * (age_days or rng.uniform(200, 900))
        return self.dir.add(did=ids.did(rng), handle=handle, name=name, lang=lang or self.lang,
                            followers=followers, follows=follows or rng.randint(150, 1_500),
                            posts=rng.randint(300, 12_000), created=created, bio=bio)

    def strangers(self, n: int, *, lang: str = "", max_followers: int = 3_000,
                  exclude: Sequence[int] = ()) -> list[int]:
        """``n`` distinct small background accounts in ``lang`` (repeats only if too few)."""
        taken = set(exclude)
        pool = [i for i in self.dir.candidates(lang=lang, max_followers=max_followers)
                if i not in taken] or [i for i in self.dir.candidates() if i not in taken]
        if len(pool) >= n:
            return self.rng.sample(pool, n)
        return [self.rng.choice(pool) for _ in range(n)]

    # -- timing and wording -------------------------------------------------------------------
    def spread(self, n: int, first: float, last: float, *, decay: bool = True) -> list[float]:
        """``n`` sorted story offsets in [first, last]: front-loaded (power law) or uniform."""
        span = last - first
        if not decay:
            return sorted(first + self.rng.random() * span for _ in range(n))
        scale, alpha = span / 15.0, 1.2
        mass = 1.0 - (1.0 + span / scale) ** -alpha
        out = [first + scale * ((1.0 - self.rng.random() * mass) ** (-1.0 / alpha) - 1.0)
               for _ in range(n)]
        return sorted(out)

    def vary(self, text: str, lang: str = "") -> str:
        """A crowd post with a little personal variation (prefix, suffix)."""
        rng = self.rng
        prefix = rng.choice(_PREFIX.get(lang or self.lang, _PREFIX["en"]))
        if prefix and text[:1].isupper() and not text.startswith(("#", "@")):
            text = text[0].lower() + text[1:]
        return prefix + text + rng.choice(_SUFFIX)

    # -- events -------------------------------------------------------------------------------
    @contextmanager
    def _quiet(self) -> Iterator[None]:
        emitter = self.sim.emitter
        emitter.announce = False  # identities are announced when the event is emitted
        try:
            yield
        finally:
            emitter.announce = True

    def post(self, who: int, offset: float, text: str, *, role: str, lang: str = "",
             reply_to: Ref | None = None, quote: Ref | None = None, link: Link | None = None,
             react: bool = False) -> Ref:
        """A post, reply (``reply_to``) or quote post; ``react``: it also draws background
        reactions like any post."""
        t, lang = self.time(offset), lang or self.lang
        reply = None
        if reply_to is not None:
            root = self._roots.get(reply_to.uri, reply_to.strong())
            reply = (reply_to.strong(), root)
        with self._quiet():
            line, uri, cid = self.sim.emitter.post(who, t, text, [lang], reply=reply, quote=quote,
                                                   link=link)
        ref = Ref(uri, cid, who, lang)
        if reply is not None:
            self._roots[uri] = reply[1]
        self.sim.push_scripted(t, who, line, ref if react else None)
        kind = "reply" if reply_to is not None else "quote" if quote is not None else "post"
        self._record(uri, kind, role, t, who, lang, text)
        return ref

    def repost(self, who: int, offset: float, ref: Ref, *, role: str) -> None:
        self._subject(who, offset, ref, wire.REPOST, "repost", role)

    def like(self, who: int, offset: float, ref: Ref, *, role: str) -> None:
        self._subject(who, offset, ref, wire.LIKE, "like", role)

    def _subject(self, who: int, offset: float, ref: Ref, collection: str, kind: str,
                 role: str) -> None:
        t = self.time(offset)
        with self._quiet():
            line, uri, _ = self.sim.emitter.subject(who, t, collection, ref.uri, ref.cid)
        self.sim.push_scripted(t, who, line, None)
        self._record(uri, kind, role, t, who, "", "")

    def _record(self, uri: str, kind: str, role: str, t: float, who: int, lang: str,
                text: str) -> None:
        self.events.append(TruthEvent(uri=uri, kind=kind, role=role, time=t,
                                      author=self.dir.dids[who], lang=lang, text=text))

    def finish(self, *, kind: str, root: Ref, brand: BrandSpec | None = None,
               friends: Sequence[int] = (), crowd: Sequence[int] = (), **extra: Any,
               ) -> ScenarioTruth:
        """The scenario's ground truth (events sorted by time)."""
        d = self.dir
        return ScenarioTruth(
            name=self.name, kind=kind, lang=self.lang, onset=self.time(0.0),
            onset_us=int(self.time(0.0) * 1e6), speed=self.speed,
            brand=brand.name if brand else "", brand_handle=brand.handle if brand else "",
            root_uri=root.uri, author=d.dids[root.author], author_handle=d.handles[root.author],
            author_followers=d.followers[root.author],
            friends=[d.dids[i] for i in friends], crowd=[d.dids[i] for i in crowd],
            events=sorted(self.events, key=lambda e: e.time), **extra,
        )
