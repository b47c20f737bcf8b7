"""Goods that arrived damaged, in Italian: "il mazzo è arrivato con metà dei fiori appassiti",
"il pacco mi è stato consegnato rotto", "ricevuto lo schermo graffiato"; and goods mishandled on
the way, in Italian and English: "lascia i pacchi sotto la pioggia", "throws parcels over the gate".

A delivery that arrived spoiled, broken or wrong is a complaint to whoever sent it, however calmly
it is told; the complaint head read Italian through the embedding alone and missed it. Damage and
a delivery in the same sentence add to the Italian complaint cues (not to the heads' lexicon
columns, which the heads were trained with).

>>> damaged_on_arrival("Il mazzo di peonie è arrivato con metà dei fiori appassiti. Peccato.")
['arrivato con metà dei fiori appassiti']
>>> damaged_on_arrival("Ricevuto ieri, funziona benissimo")
[]
>>> mishandled("lascia i pacchi sotto la pioggia")
['lascia i pacchi sotto la pioggia']
>>> mishandled("consegna i pacchi anche sotto la pioggia")  # delivering in the rain is care
[]
"""

from __future__ import annotations

import re

# A thing's damaged state: broken, spoiled, dented, wilted, mouldy, expired, melted, wrong.
DAMAGE = re.compile(
    r"\b(?:rott|spaccat|danneggiat|appassit|ammaccat|schiacciat|scadut|ammuffit|avariat|difettos"
    r"|incrinat|crepat|sbeccat|graffiat|strappat|sciolt|sbagliat|marc[io])[oaie]?\b", re.IGNORECASE)
_DELIVERED = r"\b(?:arrivat|consegnat|ricevut|giunt|recapitat)[oaie]\b"
_DELIVERY = re.compile(_DELIVERED, re.IGNORECASE)
_SAME_SENTENCE = r"[^.!?\n]{0,60}?"
_ON_ARRIVAL = re.compile(f"{_DELIVERED}{_SAME_SENTENCE}{DAMAGE.pattern}|{DAMAGE.pattern}{_SAME_SENTENCE}"
                         f"{_DELIVERED}", re.IGNORECASE)


# Goods mishandled: left where the weather or passers-by get at them ("lascia i pacchi sotto la
# pioggia", "left the parcel outside in the rain"), or thrown ("lancia i pacchi", "throws parcels").
# A leaving alone is no fault ("lascia i pacchi in portineria", "leaves them with a neighbour"),
# nor is the weather ("consegna anche sotto la pioggia": delivering in the rain is care).
_GOODS = (r"(?:pacc(?:o|hi|hett[oi])|merce|spesa|ordin[ei]|scatol[ae]|collo|colli|parcels?|packages?"
          r"|boxe?s?|orders?|deliver(?:y|ies)|groceries|shopping)")
_FEW = r"(?:\s+[\w'’-]+){0,2}?\s+"  # up to two words between (an article, a possessive)
_SOME = r"(?:\s+[\w'’-]+){0,3}?\s+"  # up to three ("fuori dalla porta")
_LEFT = (r"\b(?:lascia(?:no|to|ta|ti|te|re)?|abbandona(?:no|to|ta|ti|te|re)?|moll(?:a|ano|ato|ati)"
         r"|leaves?|left|leaving|dump(?:s|ed|ing)?|abandon(?:s|ed|ing)?)\b")
_EXPOSED = (r"(?:sotto (?:la |l['’]\s?)?(?:pioggia|acqua|neve|sole)|alla pioggia|al sole|per strada"
            r"|in strada|sul marciapiede|per terra|a terra|nel fango|incustodit[oaie]"
            r"|in the (?:rain|snow|sun|mud|street|gutter)|out in the \w+"
            r"|on the (?:street|pavement|sidewalk|ground)|in a puddle|unattended)")
_THROWN = (r"\b(?:lancia(?:no|to|ti)?|butta(?:no|to|ti)?|scaraventa(?:no|to|ti)?|getta(?:no|to|ti)?"
           r"|throws?|threw|thrown|throwing|toss(?:es|ed|ing)?|chuck(?:s|ed|ing)?|hurl(?:s|ed|ing)?)\b"
           r"(?!\s+in\b)")  # "throws in a free box" gives, it does not throw
# a pronoun is goods enough once they are left in the rain ("leaves it in the rain"), not when
# thrown ("throw it at the wall", "threw it back to 7th grade")
MISHANDLED = re.compile(f"{_LEFT}{_FEW}(?:{_GOODS}|it|them)\\b{_SOME}{_EXPOSED}|{_THROWN}{_FEW}{_GOODS}\\b",
                        re.IGNORECASE)


def mishandled(text: str) -> list[str]:
    """The phrases of ``text`` that tell of goods left exposed or thrown (empty when none do)."""
    return list(dict.fromkeys(m.group(0) for m in MISHANDLED.finditer(text)))[:3]


def damaged_on_arrival(text: str) -> list[str]:
    """The phrases of ``text`` that tell of goods delivered damaged (empty when none do)."""
    if not _DELIVERY.search(text):  # the cheap test first
        return []
    return list(dict.fromkeys(m.group(0) for m in _ON_ARRIVAL.finditer(text)))[:3]


def with_damage(hits: dict[str, list[str]], text: str) -> dict[str, list[str]]:
    """Italian cue ``hits`` with goods delivered damaged added to the complaint cues."""
    damaged = damaged_on_arrival(text)
    if not damaged:
        return hits
    return {**hits, "complaint": list(dict.fromkeys([*hits.get("complaint", ()), *damaged]))[:3]}
