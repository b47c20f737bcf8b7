"""The simulated accounts: heavy-tailed follower counts, handles, names, languages and activity.

Jetstream carries no profiles, so the directory is also what a local profile server (and the
reach cache) serves: :meth:`Directory.profile` returns Bluesky's ``profileViewDetailed`` shape.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from reale.simulate import ids
from reale.simulate.names import BIO, CITY, FIRST, JOB, LAST, NICK

OTHER_LANGS = ("es", "de", "fr", "pt", "ja")
_ACCOUNTS_SINCE = 1_680_307_200.0  # 2023-04-01: Bluesky's first public months
_CUSTOM_DOMAINS = (".it", ".com", ".net", ".dev", ".me")


def slug(text: str) -> str:
    """ASCII letters and digits only: ``"D'Angelo"`` → ``"dangelo"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def follower_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Heavy-tailed follower counts: a lognormal body (median ~120) and a Pareto tail (1.5%).

    Most accounts have under 1,000 followers; the tail reaches into the millions.
    """
    body = rng.lognormal(mean=np.log(120.0), sigma=1.7, size=n)
    tail = 5_000.0 * (1.0 + rng.pareto(0.9, size=n))
    counts = np.where(rng.random(n) < 0.015, tail, body)
    return np.minimum(counts, 30_000_000).astype(np.int64)


class Directory:
    """Accounts as parallel lists indexed by author number (compact and fast to sample)."""

    def __init__(self) -> None:
        self.dids: list[str] = []
        self.handles: list[str] = []
        self.names: list[str] = []
        self.langs: list[str] = []
        self.followers: list[int] = []
        self.follows: list[int] = []
        self.posts: list[int] = []
        self.created: list[float] = []
        self.bios: list[str] = []
        self.activity: list[float] = []
        self.by_handle: dict[str, int] = {}
        self.by_did: dict[str, int] = {}
        self._cum: list[float] = []

    def __len__(self) -> int:
        return len(self.dids)

    def add(self, *, did: str, handle: str, name: str, lang: str, followers: int, follows: int,
            posts: int, created: float, bio: str = "", activity: float = 0.0) -> int:
        """Add one account and return its number; ``activity`` 0 keeps it out of the background."""
        i = len(self.dids)
        self.dids.append(did)
        self.handles.append(handle)
        self.names.append(name)
        self.langs.append(lang)
        self.followers.append(int(followers))
        self.follows.append(int(follows))
        self.posts.append(int(posts))
        self.created.append(created)
        self.bios.append(bio)
        self.activity.append(activity)
        self.by_handle[handle] = i
        self.by_did[did] = i
        self._cum = []
        return i

    def pick(self, rng: random.Random) -> int:
        """An account drawn in proportion to its activity (who posts, likes and reposts)."""
        cum = self._cum or self._build_cum()
        return bisect.bisect_right(cum, rng.random() * cum[-1])

    def candidates(self, *, lang: str = "", max_followers: int = 1 << 62) -> list[int]:
        """Active accounts (optionally of one language) with at most ``max_followers``."""
        return [i for i, (w, f, la) in enumerate(zip(self.activity, self.followers, self.langs,
                                                      strict=True))
                if w > 0 and f <= max_followers and (not lang or la == lang)]

    def _build_cum(self) -> list[float]:
        total = 0.0
        cum = []
        for w in self.activity:
            total += w
            cum.append(total)
        if total <= 0:
            cum = [float(i + 1) for i in range(len(self.activity))]
        self._cum = cum
        return cum

    def weighted_mean(self, values: list[float]) -> float:
        """The activity-weighted mean of a per-account quantity."""
        total = sum(self.activity)
        return sum(w * v for w, v in zip(self.activity, values, strict=True)) / total

    def profile(self, i: int, *, indexed_at: float) -> dict[str, Any]:
        """Account ``i`` as Bluesky's ``app.bsky.actor.defs#profileViewDetailed``."""
        return {
            "did": self.dids[i],
            "handle": self.handles[i],
            "displayName": self.names[i],
            "description": self.bios[i],
            "followersCount": self.followers[i],
            "followsCount": self.follows[i],
            "postsCount": self.posts[i],
            "indexedAt": ids.iso(indexed_at),
            "createdAt": ids.iso(self.created[i]),
            "labels": [],
        }


def _lang_table(langs: Mapping[str, float]) -> tuple[list[str], list[float]]:
    names = [k for k, v in langs.items() if v > 0]
    weights = [float(langs[k]) for k in names]
    if not names:
        return ["en"], [1.0]
    return names, weights


def _handle(rng: random.Random, first: str, last: str, taken: dict[str, int]) -> str:
    f, s = slug(first), slug(last)
    shape = rng.random()
    if shape < 0.35:
        base = f + s
    elif shape < 0.5:
        base = f"{f}-{s}"
    elif shape < 0.7:
        base = f"{f}{s}{rng.randint(1, 99)}"
    elif shape < 0.8:
        base = f"{rng.choice(NICK)}{rng.randint(1, 999)}"
    elif shape < 0.9:
        base = f"{f}{rng.randint(70, 99)}"
    else:
        base = f"{f[0]}{s}"
    domain = rng.choice(_CUSTOM_DOMAINS) if rng.random() < 0.06 else ".bsky.social"
    handle = base + domain
    n = 2
    while handle in taken:
        handle = f"{base}{n}{domain}"
        n += 1
    return handle


def _display(rng: random.Random, first: str, last: str) -> str:
    shape = rng.random()
    if shape < 0.65:
        return f"{first} {last}"
    if shape < 0.8:
        return first
    if shape < 0.88:
        return f"{first} {last[0]}."
    if shape < 0.94:
        return rng.choice(NICK)
    return f"{first} {last} {rng.choice('🌻🌊⚽🎧📚☕🌙🚲🍕✨')}"


def _bio(rng: random.Random, lang: str) -> str:
    pool = "it" if lang == "it" else "en"
    return rng.choice(BIO[pool]).format(job=rng.choice(JOB[pool]), city=rng.choice(CITY[pool]))


def generate(n: int, *, langs: Mapping[str, float], seed: int, start: float,
             reserved: Iterable[str] = ()) -> Directory:
    """``n`` background accounts, the same for the same seed; ``reserved`` handles (the
    scenarios' cast) are left free."""
    nrng = np.random.default_rng(seed)
    rng = random.Random(seed * 7919 + 17)
    followers = follower_counts(nrng, n)
    follows = np.minimum(nrng.lognormal(np.log(180.0), 1.0, n), 7_500).astype(np.int64)
    zeta = nrng.normal(0.0, 1.0, n)
    activity = np.exp(0.15 * np.log1p(followers) + 1.0 * zeta)
    posts = (nrng.lognormal(np.log(300.0), 1.2, n) * np.exp(0.5 * zeta)).astype(np.int64) + 1
    created = nrng.uniform(_ACCOUNTS_SINCE, start - 7 * 86_400.0, n)
    names, weights = _lang_table(langs)
    d = Directory()
    taken: dict[str, int] = dict.fromkeys(reserved, -1)
    for i in range(n):
        lang = rng.choices(names, weights)[0]
        if lang == "other":
            lang = rng.choice(OTHER_LANGS)
        pool = "it" if lang == "it" else "en"
        first, last = rng.choice(FIRST[pool]), rng.choice(LAST[pool])
        handle = _handle(rng, first, last, taken)
        taken[handle] = i
        d.add(did=ids.did(rng), handle=handle,
              name=_display(rng, first, last), lang=lang, followers=int(followers[i]),
              follows=int(follows[i]), posts=int(posts[i]), created=float(created[i]),
              bio=_bio(rng, lang), activity=float(activity[i]))
    return d
