"""Well-known accounts every stream has (news, sport, a broadcaster, a singer) and the brands.

Notables post like everyone else but carry the heavy tail's reach; brands never post in the
background (the scenarios decide when a brand speaks).
"""

from __future__ import annotations

import random

from reale.simulate import ids
from reale.simulate.authors import Directory
from reale.simulate.brands import BrandSpec

_DAY = 86_400.0

# handle, display name, language, followers, bio
NOTABLES: tuple[tuple[str, str, str, int, str], ...] = (
    ("cronachequotidiane.it", "Cronache Quotidiane", "it", 2_150_000,
     "Notizie dall'Italia e dal mondo, 24 ore su 24."),
    ("sportlive-italia.bsky.social", "SportLive Italia", "it", 1_380_000,
     "Calcio, motori, tutto lo sport in diretta."),
    ("telesport.it", "TeleSport", "it", 920_000, "La tv dello sport. Tutte le finali in diretta."),
    ("meteosubito.it", "MeteoSubito", "it", 640_000, "Previsioni meteo aggiornate ogni ora."),
    ("chefdariomonti.bsky.social", "Chef Dario Monti", "it", 1_050_000,
     "Cucino per voi ogni giorno. Libri, tv, pentole."),
    ("lunaferri.bsky.social", "Luna Ferri", "it", 3_200_000, "Cantautrice. Il nuovo album \"Vetro\" è ovunque."),
    ("thedailyledger.com", "The Daily Ledger", "en", 4_600_000, "News, analysis and opinion."),
    ("priyatech.bsky.social", "Priya Natarajan", "en", 350_000, "Tech journalist. Gadgets, apps, AI."),
    ("footballweekly.bsky.social", "Football Weekly", "en", 1_900_000, "The beautiful game, every day."),
)


def handles(brands: tuple[BrandSpec, ...]) -> set[str]:
    """The notables' and brands' handles (kept free in the background)."""
    return {n[0] for n in NOTABLES} | {b.handle for b in brands}


def add_notables(d: Directory, brands: tuple[BrandSpec, ...], rng: random.Random,
                 start: float) -> None:
    """Add the notable accounts (active) and the brand accounts (silent) to ``d``."""
    for handle, name, lang, followers, bio in NOTABLES:
        if handle in d.by_handle:
            continue
        d.add(did=ids.did(rng), handle=handle, name=name, lang=lang, followers=followers,
              follows=rng.randint(50, 900), posts=rng.randint(8_000, 90_000),
              created=start - rng.uniform(300, 700) * _DAY, bio=bio, activity=40.0)
    for b in brands:
        if b.handle in d.by_handle:
            continue
        d.add(did=ids.did(rng), handle=b.handle, name=b.display_name or b.name, lang=b.lang,
              followers=b.followers, follows=rng.randint(20, 400),
              posts=rng.randint(200, 4_000) if b.followers > 1_000 else 1,
              created=start - rng.uniform(100, 600) * _DAY, bio=_brand_bio(b), activity=0.0)


def _brand_bio(b: BrandSpec) -> str:
    tags = " ".join(b.hashtags)
    return f"{b.display_name or b.name}: account ufficiale. {tags}".strip()
