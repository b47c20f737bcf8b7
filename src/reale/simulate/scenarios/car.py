"""Scenario (a): a well-followed author publicly asks a car brand to lend them a car.

The story Reale comes from: the author's car was damaged; close friends (who had been replying
to the author before) amplify the appeal and coin a hashtag; then a hashtag crowd of strangers
joins. Ground truth: kind ``appeal``, the car brand, the friends and the crowd.
"""

from __future__ import annotations

from typing import NamedTuple

from reale.simulate.scenarios.script import Script
from reale.simulate.truth import ScenarioTruth


class Words(NamedTuple):
    history: tuple[tuple[str, tuple[str, ...]], ...]  # the author's earlier posts, friends' replies
    appeal: str
    friends: tuple[str, ...]
    coin: str  # the friend's quote post that coins the hashtag
    crowd: tuple[str, ...]
    strangers: tuple[str, ...]
    tag: str


CAST = {
    "it": (("matteogalli.bsky.social", "Matteo Galli", 152_000,
            "Social media strategist. Parlo di marketing, web e persone. Milano."),
           (("giorgiabianchi.bsky.social", "Giorgia Bianchi", 18_400),
            ("lucaferrante.bsky.social", "Luca Ferrante", 41_200),
            ("sarapellegrini.bsky.social", "Sara Pellegrini", 9_800),
            ("davideserra.bsky.social", "Davide Serra", 27_500),
            ("elenamarchi.it", "Elena Marchi", 12_300),
            ("paolorinaldi.bsky.social", "Paolo Rinaldi", 6_900),
            ("martaconti.bsky.social", "Marta Conti", 22_100),
            ("federicogalli.bsky.social", "Federico Galli", 3_200))),
    "en": (("jamieross.bsky.social", "Jamie Ross", 148_000,
            "Social media strategist. Marketing, the web and people. Manchester."),
           (("emmaclarke.bsky.social", "Emma Clarke", 17_900),
            ("benhughes.bsky.social", "Ben Hughes", 39_800),
            ("sophiereed.bsky.social", "Sophie Reed", 10_200),
            ("danielprice.bsky.social", "Daniel Price", 26_300),
            ("lauramitchell.net", "Laura Mitchell", 12_800),
            ("tomcarter.bsky.social", "Tom Carter", 7_100),
            ("rachelmorgan.bsky.social", "Rachel Morgan", 21_500),
            ("alexross.bsky.social", "Alex Ross", 3_000))),
}

TEXT = {
    "it": Words(
        history=(
            ("Slide pronte per il talk di domani a Bologna: si parla di community e di persone, "
             "non di numeri 🎤",
             ("Ci vediamo lì! Prima fila come sempre", "Non vedo l'ora, portami un caffè",
              "Le tue slide sono sempre le più belle")),
            ("Terzo caffè e sono ancora nella stessa riunione. Qualcuno mi salvi ☕",
             ("Resisti!", "Ahah ti porto il quarto")),
        ),
        appeal=("Stamattina ho trovato la mia macchina con la fiancata sfondata e nemmeno un "
                   "biglietto. Lunedì ho tre clienti fuori Milano e zero voglia di noleggi. {at} "
                   "mi prestate una {product} per qualche giorno? Prometto di trattarla meglio di "
                   "come hanno trattato la mia 😅"),
        friends=("Ma no! Che tristezza 😢 {at} fate i bravi, {first} se lo merita",
                    "Conoscendoti la riporti lucidata e col pieno. Forza!",
                    "Io ci metto la firma. {at} battete un colpo!",
                    "Che rabbia, a me è successo l'anno scorso. Un abbraccio",
                    "Dai {at}, un'auto per il nostro {first}!"),
        coin="Amici, facciamo girare: {first} ha bisogno di un'auto e {brand} può fare bella figura 🚗 {tag}",
        crowd=("{tag} anche da parte mia!", "Non conosco {first} ma sto con lui {tag}",
                  "Vediamo se {at} risponde {tag}",
                  "Ma se lo chiedo io mi prestano la macchina? {tag}",
                  "Tutti con {tag}, io mi accontento di un monopattino",
                  "Strategia perfetta: chiedere l'auto in pubblico. Chapeau {tag}",
                  "Se vince {first} poi tocca a me, la mia ha 300 mila km {tag}",
                  "Questa storia dell'auto è ovunque stasera {tag}",
                  "Vai {first}! {tag}", "Sono curioso di vedere come va a finire {tag}",
                  "Chissà se {brand} legge. {tag}", "{tag} perché no? Sarebbe una bella storia"),
        strangers=("Ma davvero si chiede una macchina in pubblico? 🤔",
                      "Mi dispiace per l'auto, ma chiederla a un marchio così... boh",
                      "Spero te la diano, e spero che poi lo dichiari 😉",
                      "Anche io voglio una macchina gratis, a chi devo scrivere?",
                      "Solidarietà, chi danneggia le auto e scappa è il peggio"),
        tag="#Una{name}Per{first}",
    ),
    "en": Words(
        history=(
            ("Slides ready for tomorrow's talk in Leeds: it's about communities and people, not "
             "numbers 🎤",
             ("See you there! Front row as always", "Can't wait, bring coffee",
              "Your slides are always the best")),
            ("Third coffee and still in the same meeting. Send help ☕",
             ("Hang in there!", "Haha I'll bring the fourth")),
        ),
        appeal=("Found my car this morning with the whole side smashed in and not even a note. "
                   "Three client meetings out of town on Monday and zero patience for rental "
                   "desks. {at} could you lend me a {product} for a few days? I promise to treat "
                   "it better than someone treated mine 😅"),
        friends=("Oh no! So sorry 😢 {at} do the right thing, {first} deserves it",
                    "Knowing you it'll come back polished with a full tank. Go on!",
                    "I'd sign that petition. {at} your move!",
                    "Ugh, same happened to me last year. Hugs",
                    "Come on {at}, a car for our {first}!"),
        coin="Friends, let's spread this: {first} needs a car and {brand} could look great here 🚗 {tag}",
        crowd=("{tag} from me too!", "Don't know {first} but I'm with him {tag}",
                  "Let's see if {at} answers {tag}",
                  "If I ask, do I get a car too? {tag}",
                  "Everyone's on {tag}, I'd settle for a scooter",
                  "Perfect strategy: ask for a car in public. Respect {tag}",
                  "If {first} gets one I'm next, mine has 200k miles on it {tag}",
                  "This car story is everywhere tonight {tag}",
                  "Go {first}! {tag}", "Curious to see how this ends {tag}",
                  "Wonder if {brand} is reading. {tag}", "{tag} why not? Would be a nice story"),
        strangers=("Are we really asking brands for cars in public now? 🤔",
                      "Sorry about the car, but asking a brand like that... hmm",
                      "Hope they give you one, and hope you disclose it 😉",
                      "I want a free car too, who do I write to?",
                      "Solidarity, hit-and-run on a parked car is the worst"),
        tag="#A{name}For{first}",
    ),
}


def _history(s: Script, txt: Words, author: int, friends: list[int]) -> None:
    """In the hour before the appeal the friends reply to and like the author's posts."""
    for k, (text, replies) in enumerate(txt.history):
        offset = -3000.0 + 1500.0 * k
        past = s.post(author, offset, text, role="history")
        for j, reply in enumerate(replies):
            s.post(friends[(k * 3 + j) % len(friends)], offset + 200 + 250 * j, reply,
                   role="history", reply_to=past)
        for j, f in enumerate(friends):
            s.like(f, offset + 60 + 90 * j, past, role="history")


def build(s: Script) -> ScenarioTruth:
    lang = s.lang if s.lang in TEXT else "en"
    txt, (hero, friend_list) = TEXT[lang], CAST[lang]
    brand = s.brand("car")
    author = s.person(hero[0], hero[1], hero[2], lang=lang, bio=hero[3])
    friends = [s.person(h, n, f, lang=lang) for h, n, f in friend_list]
    first = hero[1].split()[0]
    fill = {"at": "@" + brand.handle, "brand": brand.name, "first": first,
            "product": brand.products[0] if brand.products else brand.name,
            "tag": txt.tag.format(name=brand.name.replace(" ", ""), first=first)}

    _history(s, txt, author, friends)
    appeal = s.post(author, 0.0, txt.appeal.format(**fill), role="appeal")
    for j, text in enumerate(txt.friends):
        s.post(friends[j], 90 + 180 * j, text.format(**fill), role="friend", reply_to=appeal)
    for j, f in enumerate(friends):
        s.repost(f, 45 + 110 * j, appeal, role="friend")
    s.post(friends[3], 240, txt.coin.format(**fill), role="friend", quote=appeal)

    crowd = s.strangers(100, lang=lang)
    posters, repliers = crowd[:90], crowd[90:]
    for who, offset in zip(posters, s.spread(90, 900, 6000), strict=True):
        text = s.rng.choice(txt.crowd).format(**fill)
        s.post(who, offset, s.vary(text, lang), role="crowd", react=True)
    for who, offset in zip(repliers, s.spread(10, 300, 5000), strict=True):
        s.post(who, offset, s.rng.choice(txt.strangers), role="crowd", reply_to=appeal)
    reposters = s.strangers(140, exclude=[*crowd, *friends, author])
    for who, offset in zip(reposters, s.spread(140, 300, 7200), strict=True):
        s.repost(who, offset, appeal, role="crowd")
    likers = s.strangers(420, max_followers=1 << 40, exclude=[author, *friends])
    for who, offset in zip(likers, s.spread(420, 30, 7200), strict=True):
        s.like(who, offset, appeal, role="crowd")
    return s.finish(kind="appeal", root=appeal, brand=brand, friends=friends,
                    crowd=[*crowd, *reposters], hashtags=[fill["tag"]],
                    terms=[fill["tag"], brand.name], spontaneous=False,
                    note="A public request for a car after damage; friends amplify, then a "
                         "hashtag crowd joins. A public gift here reads as transactional.")
