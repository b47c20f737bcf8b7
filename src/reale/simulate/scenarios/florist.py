"""Scenario (b): a small account spontaneously greets a florist brand on the day it arrives.

On a Friday, the first day of spring, the florist opens its account and writes its first post;
a while later a small account (~300 followers) who remembers the florist from its own past
gives it a #followfriday. Nobody asked for it. Ground truth: kind ``praise``, spontaneous.
"""

from __future__ import annotations

from typing import NamedTuple

from reale.simulate.scenarios.script import Script
from reale.simulate.truth import ScenarioTruth


class Words(NamedTuple):
    first_post: str  # the brand's very first post
    greeting: str
    friend_reply: str
    welcomes: tuple[str, ...]


CAST = {
    "it": (("chiarabassi.bsky.social", "Chiara Bassi", 310,
            "Maestra, mamma, giardiniera della domenica. Bologna."),
           ("annagreco.bsky.social", "Anna Greco", 240)),
    "en": (("hannahprice.bsky.social", "Hannah Price", 290,
            "Teacher, mum, Sunday gardener. Bristol."),
           ("lucyturner.bsky.social", "Lucy Turner", 260)),
}

TEXT = {
    "it": Words(
        first_post=("Ciao Bluesky! 🌷 Siamo {brand}, fioristi a Bologna dal 1987. Da oggi ci "
                    "trovate anche qui: fiori, piante e qualche consiglio per farli durare. "
                    "Buona primavera a tutti!"),
        greeting=("#followfriday a {at} che arriva oggi su Bluesky, nel primo giorno di "
                  "primavera 🌸 I fiori del mio matrimonio erano loro, dieci anni fa, e me li "
                  "ricordo ancora. Benvenuti!"),
        friend_reply="Che bel ricordo 🌷 erano meravigliosi davvero",
        welcomes=("Benvenuti! 🌷", "Finalmente anche voi qui", "Che bello, vi seguo subito"),
    ),
    "en": Words(
        first_post=("Hello Bluesky! 🌷 We're {brand}, florists since 1987. From today you'll "
                    "find us here too: flowers, plants and a few tips to make them last. Happy "
                    "spring, everyone!"),
        greeting=("#followfriday to {at}, who joined Bluesky today, on the first day of "
                  "spring 🌸 They did the flowers for my wedding ten years ago and I still "
                  "remember them. Welcome!"),
        friend_reply="Such a lovely memory 🌷 they were gorgeous",
        welcomes=("Welcome! 🌷", "So glad you're here", "Lovely, following you now"),
    ),
}


def build(s: Script) -> ScenarioTruth:
    lang = s.lang if s.lang in TEXT else "en"
    txt, (hero, friend) = TEXT[lang], CAST[lang]
    brand = s.brand("florist")
    shop = s.brand_account(brand)
    s.dir.created[shop] = s.time(-1800.0) - 600.0  # the account is opened that very morning
    fill = {"brand": brand.name, "at": "@" + brand.handle}

    first = s.post(shop, -1800.0, txt.first_post.format(**fill), role="brand_first_post")
    for who, offset in zip(s.strangers(3, lang=lang), (300.0, 900.0, 1500.0), strict=True):
        s.post(who, offset - 1800.0, s.rng.choice(txt.welcomes), role="welcome", reply_to=first)
    for who, offset in zip(s.strangers(18, lang=lang), s.spread(18, -1750, 3600), strict=True):
        s.like(who, offset, first, role="like")

    author = s.person(hero[0], hero[1], hero[2], lang=lang, bio=hero[3])
    pal = s.person(friend[0], friend[1], friend[2], lang=lang)
    greeting = s.post(author, 0.0, txt.greeting.format(**fill), role="greeting")
    s.post(pal, 420.0, txt.friend_reply, role="friend", reply_to=greeting)
    s.like(pal, 400.0, greeting, role="friend")
    for who, offset in zip(s.strangers(11, lang=lang), s.spread(11, 60, 5400), strict=True):
        s.like(who, offset, greeting, role="like")
    s.repost(pal, 480.0, greeting, role="friend")
    return s.finish(kind="praise", root=greeting, brand=brand, friends=[pal],
                    hashtags=["#followfriday"], terms=[brand.name, "#followfriday"],
                    spontaneous=True,
                    note="A spontaneous #followfriday from a small account on the brand's first "
                         "day online; a small, personal thank-you reads as genuine.")
