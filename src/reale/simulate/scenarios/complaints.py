"""Scenario (d): a customer complaint to a brand that snowballs as others pile on.

``complaint``: a phone that cracked by itself and a support desk that does not answer.
``delivery``: a parcel "out for delivery" for days. Others add their own stories, reply to the
author, repost; the author follows up. Ground truth: kind ``complaint`` and the brand.
"""

from __future__ import annotations

from typing import NamedTuple

from reale.simulate.brands import BrandSpec
from reale.simulate.scenarios.script import Script
from reale.simulate.truth import ScenarioTruth


class Words(NamedTuple):
    complaint: str
    follow_up: str
    pile_on: tuple[str, ...]
    replies: tuple[str, ...]
    tag: str


CAST = {
    "complaint": {"it": ("saraconti.bsky.social", "Sara Conti", 870,
                         "Architetta. Torino. Caffè e cantieri."),
                  "en": ("sarahcollins.bsky.social", "Sarah Collins", 910,
                         "Architect in Leeds. Coffee and building sites.")},
    "delivery": {"it": ("tommasovilla.bsky.social", "Tommaso Villa", 1_180,
                        "Grafico freelance, Padova. Vivo di consegne."),
                 "en": ("tomwalker.bsky.social", "Tom Walker", 1_240,
                        "Freelance designer, Bristol. I live on deliveries.")},
}

PHONE = {
    "it": Words(
        complaint=("{at} il mio {product} nuovo ha lo schermo che si è crepato da solo dopo tre "
                   "giorni. L'assistenza dice che è \"danno accidentale\" e vuole 280 euro. "
                   "Vergogna. {tag}"),
        follow_up=("Aggiornamento: ancora nessuna risposta da {at}. Quattro chiamate, due mail, "
                   "telefono inutilizzabile. {tag}"),
        pile_on=("Anche a me! Schermo crepato senza nessuna caduta, stessa risposta dall'assistenza {tag}",
                 "{at} rispondete a {first}, non è l'unica",
                 "Mai più {brand}, il mio è morto dopo un mese {tag}",
                 "Stesso problema col {product}, tre settimane che aspetto la riparazione",
                 "Il servizio clienti {brand} è un muro di gomma {tag}",
                 "Io ho risolto andando in negozio a fare una scenata. Triste ma vero",
                 "Stavo per comprarlo, dopo questo thread ci ripenso {tag}",
                 "{at} ma vi sembra normale? {tag}"),
        replies=("Che rabbia, tienici aggiornati", "Scrivi anche all'associazione consumatori",
                 "Successo uguale a mio fratello, alla fine gliel'hanno cambiato",
                 "Fai una segnalazione formale, con le foto", "Solidarietà 💪"),
        tag="#{name}Fail",
    ),
    "en": Words(
        complaint=("{at} my brand new {product} screen cracked by itself after three days. "
                   "Support calls it \"accidental damage\" and wants £250. Shameful. {tag}"),
        follow_up=("Update: still nothing from {at}. Four calls, two emails, phone unusable. {tag}"),
        pile_on=("Same here! Cracked screen, never dropped it, same answer from support {tag}",
                 "{at} answer {first}, she's not the only one",
                 "Never again {brand}, mine died after a month {tag}",
                 "Same issue with my {product}, three weeks waiting for a repair",
                 "{brand} customer service is a brick wall {tag}",
                 "Was about to buy one, this thread changed my mind {tag}",
                 "{at} do you think this is normal? {tag}"),
        replies=("So annoying, keep us posted", "Go to consumer rights, seriously",
                 "Same happened to my brother, they replaced it in the end",
                 "File a formal complaint with photos", "Solidarity 💪"),
        tag="#{name}Fail",
    ),
}

PARCEL = {
    "it": Words(
        complaint=("{at} ordinato lunedì con \"consegna in 24 ore\". È venerdì. Il tracciamento "
                   "dice \"in consegna\" da martedì e la chat dell'assistenza si chiude ogni "
                   "volta. Dov'è il mio pacco?"),
        follow_up="Aggiornamento: pacco ancora disperso. {at} mi avete risposto con un modulo automatico.",
        pile_on=("Anche il mio pacco {brand} è sparito nel nulla da giorni {tag}",
                 "{brand} mi ha lasciato l'avviso di mancata consegna ed ero a casa tutto il giorno",
                 "{at} tre giorni \"in consegna\" anche qui",
                 "Ho cambiato corriere dopo due pacchi persi in un mese {tag}",
                 "Ormai {brand} è un simulatore di tracciamento 😂 {tag}",
                 "{at} rispondete a {first} e pure a me"),
        replies=("Prova a chiamare il deposito direttamente", "Stessa cosa a me la settimana scorsa",
                 "Apri un reclamo col venditore, fanno prima", "Che pazienza 🙏"),
        tag="{hashtag}",
    ),
    "en": Words(
        complaint=("{at} ordered on Monday with \"next day delivery\". It's Friday. Tracking has "
                   "said \"out for delivery\" since Tuesday and the support chat closes on me "
                   "every time. Where is my parcel?"),
        follow_up="Update: parcel still missing. {at} replied with an automated form.",
        pile_on=("Same here, my {brand} parcel has been stuck at the depot for a week {tag}",
                 "{brand} left a 'sorry we missed you' card and I was home all day",
                 "{at} three days 'out for delivery' here too",
                 "Switched couriers after {brand} lost two parcels in a month {tag}",
                 "At this point {brand} is just a tracking page simulator 😂 {tag}",
                 "{at} answer {first}, and me while you're at it"),
        replies=("Try calling the depot directly", "Same thing happened to me last week",
                 "Open a claim with the seller, it's faster", "The patience you have 🙏"),
        tag="{hashtag}",
    ),
}


def _snowball(s: Script, words: dict[str, Words], brand: BrandSpec, cast: str,
              pile_n: int) -> ScenarioTruth:
    lang = s.lang if s.lang in words else "en"
    txt, hero = words[lang], CAST[cast][lang]
    author = s.person(hero[0], hero[1], hero[2], lang=lang, bio=hero[3])
    first = hero[1].split()[0]
    compact = brand.name.replace(" ", "")
    fill = {"at": "@" + brand.handle, "brand": brand.name, "first": first,
            "product": brand.products[min(1, len(brand.products) - 1)] if brand.products else brand.name,
            "tag": txt.tag.format(name=compact, hashtag=(brand.hashtags or ("#" + compact,))[0])}
    root = s.post(author, 0.0, txt.complaint.format(**fill), role="complaint")
    s.post(author, 1800.0, txt.follow_up.format(**fill), role="follow_up", reply_to=root)
    crowd = s.strangers(pile_n + 12, exclude=[author])
    piling, repliers = crowd[:pile_n], crowd[pile_n:]
    for who, offset in zip(piling, s.spread(pile_n, 300, 5400), strict=True):
        s.post(who, offset, s.vary(s.rng.choice(txt.pile_on).format(**fill), lang), role="pile_on",
               react=True)
    for who, offset in zip(repliers, s.spread(12, 120, 3600), strict=True):
        s.post(who, offset, s.rng.choice(txt.replies), role="reply", reply_to=root)
    reposters = s.strangers(80, exclude=[author, *crowd])
    for who, offset in zip(reposters, s.spread(80, 120, 6000), strict=True):
        s.repost(who, offset, root, role="repost")
    for who, offset in zip(s.strangers(250, max_followers=1 << 40), s.spread(250, 30, 6000),
                           strict=True):
        s.like(who, offset, root, role="like")
    return s.finish(kind="complaint", root=root, brand=brand, crowd=[*crowd, *reposters],
                    hashtags=[fill["tag"]], terms=[brand.name, fill["tag"]], spontaneous=True,
                    note="A public complaint that snowballs: answer fast, in public, and take it "
                         "to a private channel to fix it.")


def complaint(s: Script) -> ScenarioTruth:
    return _snowball(s, PHONE, s.brand("phone"), "complaint", 60)


def delivery(s: Script) -> ScenarioTruth:
    return _snowball(s, PARCEL, s.brand("courier"), "delivery", 45)
