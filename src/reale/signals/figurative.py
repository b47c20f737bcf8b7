"""Tragic and violent cue words used figuratively: a dead phone, a crashed app, "I'm dead 😂",
"che disastro" about a delivery. The safety read drops these uses before it counts a post as
tragic or violent; each rule below says what it recognises and why a real tragedy does not match.

>>> literal_cues("tragic", "Mai più Mela, il mio è morto dopo un mese #MelaFail")
[]
>>> literal_cues("tragic", "Terremoto in Emilia, almeno sette morti")
['terremoto', 'morti']
"""

from __future__ import annotations

import re
from collections import Counter

from reale.signals.lexicons import lexicon
from reale.signals.terms import MAX_TEXT, word_of
from reale.signals.terms import words as text_words

_URL = re.compile(r"https?://\S+|www\.\S+|@[\w.-]+", re.IGNORECASE)
_TOKEN = re.compile(r"#?[^\W_][\w'’-]*", re.UNICODE)
GRAVE = ("tragic", "violent")  # the lexicons the rules apply to (divisive words are left alone)
MAX_WORDS = 64  # the safety read looks at a post's first 64 words
WINDOW = 4  # words either side that a context rule looks at


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())



# Words that say a death happened (or a crash), which a device can also do.
DEATH = _words("dead death died dies dying rip r.i.p morto morta morte muore addio crash crashed")
# Devices that "die" or "crash" in customer talk. Words that news about disasters also puts near a
# death ("update", "site", "system", "camera", "order") are left out on purpose.
DEVICES = _words("""phone phones iphone smartphone cellphone battery batteries laptop computer pc
mac tablet ipad screen display pixel pixels charger headphones earbuds airpods router modem wifi
console playstation xbox printer keyboard app apps software firmware browser server servers website
telefono telefonino cellulare batteria portatile schermo caricatore cuffie auricolari stampante
tastiera applicazione fotocamera modem""")
# Goods that go "missing" from an order; people go missing in floods and crashes.
GOODS = _words("""parcel package order item items feature features button piece pacco ordine
articolo pezzo funzione tasto""")
# People or vehicles nearby mean the death is a person's: vehicles crash and kill.
PEOPLE = _words("""man men woman women child children kid kids baby babies boy boys girl girls
people person persons victim victims family families friend friends dad mum mom mother father
brother sister son daughter wife husband grandma grandpa grandmother grandfather passenger
passengers driver drivers conductor pilot worker workers soldier soldiers officer officers
firefighter resident residents student students teacher patient patients he she
uomo uomini donna donne bambino bambina bambini bambine ragazzo ragazza ragazzi ragazze persona
persone vittima vittime famiglia famiglie amico amica amici amiche padre madre papà mamma figlio
figlia figli fratello sorella moglie marito nonno nonna passeggero passeggeri autista operaio
operai soldato soldati agente agenti pompiere residenti studenti paziente pazienti
car cars train trains plane planes helicopter bus truck lorry ship boat ferry motorbike bike
auto macchina treno treni aereo elicottero autobus pullman camion nave traghetto moto bici""")
# Verdict words that also judge a service ("a disaster", "che tragedia"), unlike event words.
EVALUATIVE = _words("disaster tragedy tragic disastro tragedia tragico tragica")
# Words of customer talk that such a verdict is passed on. Aid words ("support", "service",
# "relief") are left out: disaster news is full of them.
SERVICE = _words("""customer customers delivery courier parcel package refund app price prices
pricing shipping product phone battery screen laptop warranty checkout subscription helpline
consegna corriere pacco rimborso aggiornamento prezzo prezzi spedizione prodotto telefono batteria
schermo garanzia abbonamento centralino assistenza clienti""")
EVALUATIVE_WINDOW = 4
GUARD_WINDOW = 8  # a person or vehicle this close makes a death or crash literal
LAUGH = _words("""laughing laughter laugh lol lmao ridere risate sonno noia boredom cringe
embarrassment""")

# "The writer is alive": a death said of oneself is a figure of speech (laughter, tiredness).
_SELF = re.compile(r"\b(?:i'?m|i am|i|i just|i literally|i'm literally|sono|son)\s+"
                   r"(?:dead|died|dying|morto|morta)\b")
_SELF_OBJECT = re.compile(r"\b(?:killed|killing|kills) me\b|\bmi (?:uccide|sta uccidendo|ha ucciso"
                          r"|hanno ucciso|uccidono)\b")
# An owned thing with its noun left out, in a thread about it: "mine died", "il mio è morto".
_OWNED = re.compile(r"\b(?:mine(?:'s| is| was| has| just| finally)*|(?:il|la|lo) (?:mio|mia|tuo|tua"
                    r"|suo|sua)(?: si)? (?:è|e'|e|era)(?: (?:già|gia|appena|praticamente))?)"
                    r"\s+(?:dead|died|dying|morto|morta)\b")
# Idioms whose violent or tragic word is praise or exaggeration, not an event.
_IDIOMS = re.compile(r"\b(?:killed it|killing it|(?:had|having|such|total) a blast|(?:is|was) the bomb"
                     r"|da bomb|(?:è|sei) una bomba|sei uno schianto|(?:sono|sei) una frana"
                     r"|(?:price|prices|console|flame|format) wars?|guerra dei prezzi)\b")


def _tokens(text: str) -> list[str]:
    body = _URL.sub(" ", text[:MAX_TEXT].lower().replace("’", "'"))
    return [m.group(0) for m in _TOKEN.finditer(body)]


def _near(tokens: list[str], i: int, words: frozenset[str], window: int = WINDOW) -> bool:
    return any(word_of(t) in words or t in words for t in tokens[max(0, i - window):i + window + 1])


def _in_phrases(tokens: list[str]) -> set[int]:
    """Indices of the tokens inside an idiom or a first-person pattern."""
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t) + 1
    low = " ".join(tokens)
    inside: set[int] = set()
    for rx in (_SELF, _SELF_OBJECT, _OWNED, _IDIOMS):
        for m in rx.finditer(low):
            inside.update(i for i, s in enumerate(starts) if m.start() <= s < m.end())
    return inside


def _thing_or_laugh(tokens: list[str], i: int) -> bool:
    w = word_of(tokens[i])
    # A device that died or crashed, or goods missing from an order, with no person or vehicle
    # nearby.
    thing = DEVICES if w in DEATH else GOODS if w == "missing" else None
    if thing and _near(tokens, i, thing) and not _near(tokens, i, PEOPLE, GUARD_WINDOW):
        return True
    # A death word just before a laugh or tiredness word: "died laughing", "morto dal ridere".
    return w in DEATH and any(word_of(t) in LAUGH for t in tokens[i + 1:i + 4])


def figurative_uses(text: str) -> Counter[str]:
    """How many times each word of ``text`` is used figuratively, by the rules above.

    >>> sorted(figurative_uses("my laptop died, I'm dead 😂 and the app crashed").items())
    [('crashed', 1), ('dead', 1), ('died', 1)]
    """
    tokens = _tokens(text)
    marked = _in_phrases(tokens)
    marked.update(i for i in range(len(tokens)) if i not in marked and _thing_or_laugh(tokens, i))
    return Counter(w for w in (word_of(tokens[i]) for i in sorted(marked)) if len(w) >= 3)


def literal_hits(text: str, names: tuple[str, ...] = ("tragic", "violent")) -> dict[str, list[str]]:
    """For each lexicon in ``names``, the words of ``text`` in it that are used literally."""
    words = text_words(text, hashtags=True)[:MAX_WORDS]
    hits = {name: lexicon(name).hits(words) for name in names}
    if not any(hits.values()):
        return hits
    drop = figurative_uses(text)
    kept: dict[str, list[str]] = {}
    for name, found in hits.items():
        kept[name] = []
        for w in found:
            if name in GRAVE and drop[w] > 0:
                drop[w] -= 1
            else:
                kept[name].append(w)
    # "Che disastro", "a tragedy" next to a delivery or a phone: a verdict on a service, unless an
    # event word (a death, a quake, a shooting) is also used literally in the same post.
    grave = [w for name in GRAVE for w in kept.get(name, [])]
    if grave and all(w in EVALUATIVE for w in grave) and _judges_service(text):
        kept.update({name: [] for name in GRAVE if name in kept})
    return kept


def literal_cues(name: str, text: str) -> list[str]:
    """The words of ``text`` in lexicon ``name`` (``tragic`` or ``violent``) used literally."""
    return literal_hits(text)[name]


def _judges_service(text: str) -> bool:
    """Every evaluative word of ``text`` stands within a few words of a customer-talk word."""
    tokens = _tokens(text)
    spots = [i for i, t in enumerate(tokens) if word_of(t) in EVALUATIVE]
    return bool(spots) and all(_near(tokens, i, SERVICE, EVALUATIVE_WINDOW) for i in spots)
