"""Scenario (c): sudden real-world moments the whole network talks about.

``blackout``: the lights go out in the stadium during a televised final; people joke, film the
phone torches, wait. A brand could join it. ``earthquake``: the tragic counterpart, with fear,
grief and calls for help; a brand must not join it. Ground truth: kind ``moment`` with a
``safety`` of ``safe`` or ``tragic``, the onset and the moment's terms.
"""

from __future__ import annotations

from typing import NamedTuple

from reale.simulate.scenarios.script import Script
from reale.simulate.truth import ScenarioTruth


class Words(NamedTuple):
    before: tuple[str, ...]  # what people post before the moment (may be empty)
    opener: tuple[str, str]  # (handle of the account that breaks it, its post)
    news: tuple[str, str]
    crowd: tuple[str, ...]
    later: tuple[str, ...]  # the moment's end, or the follow-up
    terms: tuple[str, ...]


BLACKOUT = {
    "it": Words(
        before=("Finale di Coppa in tv, divano e pizza: ci siamo #FinaleCoppa",
                "Che tensione questa finale, non respiro #FinaleCoppa",
                "Stadio pieno, coreografie pazzesche #FinaleCoppa",
                "Primo tempo bloccatissimo, speriamo si sblocchi #FinaleCoppa"),
        opener=("telesport.it", "Interruzione allo stadio: blackout in tutto l'impianto, gioco "
                "sospeso. Nessun problema per il pubblico, vi aggiorniamo a breve. #blackout "
                "#FinaleCoppa"),
        news=("cronachequotidiane.it", "Finale di Coppa, blackout allo stadio: partita sospesa. "
              "Nessun ferito, i tecnici al lavoro sull'impianto #blackout"),
        crowd=("È saltata la luce allo stadio!!! In diretta tv 😱 #blackout",
               "Blackout allo stadio durante la finale, mai visto una cosa così #blackout",
               "Stadio al buio e migliaia di torce dei telefoni accese. Sembra un concerto #blackout",
               "Ma chi ha staccato la spina? 😂 #blackout #FinaleCoppa",
               "Qualcuno ha dimenticato di pagare la bolletta #blackout",
               "Telecronista in panico, regia in confusione, io sul divano che rido #blackout",
               "Anche a voi in tv si vede solo lo stadio al buio? #blackout",
               "La finale si gioca al buio, tanto l'arbitro non vedeva neanche prima #blackout",
               "Le torce dei tifosi nel buio sono bellissime, serata da ricordare #blackout",
               "È saltata la luce allo stadio e io ho appena aperto le patatine #blackout",
               "Venti minuti di blackout in una finale. Solo in Italia 🙈",
               "I giocatori seduti sul prato al buio sono la foto dell'anno #blackout"),
        later=("È tornata la luce! Si riprende 🙌 #blackout",
               "Luce tornata, finalmente si gioca #FinaleCoppa #blackout"),
        terms=("#blackout", "blackout", "luce", "stadio", "#FinaleCoppa"),
    ),
    "en": Words(
        before=("Cup final on telly, pizza on the sofa, let's go #CupFinal",
                "So tense, I can't breathe #CupFinal", "Stadium is packed, what an atmosphere #CupFinal"),
        opener=("footballweekly.bsky.social", "The lights have gone out at the stadium: total "
                "blackout, play suspended. Fans are safe, more soon. #blackout #CupFinal"),
        news=("thedailyledger.com", "Cup final halted by stadium blackout. No injuries "
              "reported, engineers working to restore power #blackout"),
        crowd=("Lights out at the final!! The whole stadium just went dark 😱 #blackout",
               "Stadium blackout in the middle of the cup final, never seen anything like it #blackout",
               "Thousands of phone torches lighting up the stands, honestly beautiful #blackout",
               "Someone forgot to pay the electric bill 😂 #blackout",
               "Commentators have absolutely no idea what's going on #blackout",
               "Is your telly also showing a pitch-black stadium? #blackout",
               "Players sitting on the grass in the dark is the photo of the year #blackout",
               "Lights out at the final and I've just opened the crisps #blackout",
               "Twenty minutes of darkness in a cup final. Incredible scenes #blackout"),
        later=("Lights are back! We're back on 🙌 #blackout",
               "Power restored, finally some football #CupFinal #blackout"),
        terms=("#blackout", "blackout", "lights out", "stadium", "#CupFinal"),
    ),
}

EARTHQUAKE = {
    "it": Words(
        before=(),
        opener=("meteosubito.it", "Forte scossa di terremoto avvertita in tutto l'Appennino "
                "centrale alle 21:14. Seguono aggiornamenti #terremoto"),
        news=("cronachequotidiane.it", "Terremoto di magnitudo 5.9 nell'Appennino centrale: "
              "crolli a Valleverde e San Lorenzo in Colle, ci sono vittime. Soccorsi al lavoro "
              "#terremoto"),
        crowd=("Scossa fortissima adesso, tremava tutto 😨 #terremoto",
               "Sentito anche qui, mi tremano ancora le gambe #terremoto",
               "Siamo tutti in strada, nessuno torna in casa stanotte #terremoto",
               "Non riesco a contattare i miei genitori a Valleverde, qualcuno ha notizie?",
               "Un pensiero alle persone colpite, che tragedia #terremoto",
               "Le immagini delle case crollate fanno male al cuore",
               "Numeri utili della protezione civile, condividete #terremoto",
               "Ancora una scossa adesso, più leggera ma che paura #terremoto",
               "Donate il sangue se potete, servono sacche negli ospedali della zona",
               "Preghiamo per chi è ancora sotto le macerie #terremoto"),
        later=("Il bilancio delle vittime sale, la protezione civile chiede di non intasare le "
               "linee #terremoto",),
        terms=("#terremoto", "terremoto", "scossa", "vittime", "macerie"),
    ),
    "en": Words(
        before=(),
        opener=("thedailyledger.com", "BREAKING: strong earthquake hits central Italy, "
                "buildings collapsed in several towns #earthquake"),
        news=("thedailyledger.com", "Italy earthquake: magnitude 5.9, deaths confirmed in "
              "Valleverde, rescuers searching the rubble #earthquake"),
        crowd=("Thoughts with everyone affected by the #earthquake in Italy",
               "My family is near Valleverde and I can't reach them. Anyone have news?",
               "The pictures from the #earthquake are heartbreaking",
               "Felt it all the way here, still shaking #earthquake",
               "Please donate blood if you can, hospitals in the area need it #earthquake",
               "Praying for the people still under the rubble #earthquake"),
        later=("Death toll rising after the Italy #earthquake, officials ask people to keep "
               "phone lines free",),
        terms=("#earthquake", "earthquake", "rubble", "deaths"),
    ),
}


def _other(lang: str) -> str:
    return "en" if lang == "it" else "it"


def _moment(s: Script, words: dict[str, Words], *, crowd_n: int, safety: str,
            note: str) -> ScenarioTruth:
    lang = s.lang if s.lang in words else "en"
    main, second = words[lang], words[_other(lang)]
    for who in s.strangers(6 * len(main.before), lang=lang):
        s.post(who, -s.rng.uniform(60, 1200), s.vary(s.rng.choice(main.before), lang),
               role="before", react=True)
    opener = s.post(s.dir.by_handle[main.opener[0]], 0.0, main.opener[1], role="opener")
    s.post(s.dir.by_handle[main.news[0]], 300.0, main.news[1], role="news", react=True)
    crowd = s.strangers(crowd_n, max_followers=1 << 40)
    offsets = s.spread(crowd_n, 20, 1800)
    for k, (who, offset) in enumerate(zip(crowd, offsets, strict=True)):
        use = second if k % 4 == 3 else main  # a quarter in the other language
        use_lang = lang if use is main else _other(lang)
        s.post(who, offset, s.vary(s.rng.choice(use.crowd), use_lang), role="crowd",
               lang=use_lang, react=True)
    for who, offset in zip(s.strangers(150), s.spread(150, 30, 2400), strict=True):
        s.repost(who, offset, opener, role="crowd")
    for k, text in enumerate(main.later):
        s.post(s.dir.by_handle[main.opener[0]], 1500 + 300 * k, text, role="later")
    return s.finish(kind="moment", root=opener, crowd=crowd,
                    hashtags=[t for t in main.terms if t.startswith("#")],
                    terms=list(main.terms), safety=safety, note=note)


def blackout(s: Script) -> ScenarioTruth:
    return _moment(s, BLACKOUT, crowd_n=600, safety="safe",
                   note="A light-hearted national moment (stadium blackout in a televised "
                        "final, nobody hurt): a brand may join it with a human, witty post.")


def earthquake(s: Script) -> ScenarioTruth:
    return _moment(s, EARTHQUAKE, crowd_n=400, safety="tragic",
                   note="A tragedy (earthquake with victims): a brand must not join or use it; "
                        "at most pause scheduled posts or offer real help.")
