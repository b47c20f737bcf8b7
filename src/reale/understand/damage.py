"""Goods that arrived damaged, in Italian: "il mazzo è arrivato con metà dei fiori appassiti",
"il pacco mi è stato consegnato rotto", "ricevuto lo schermo graffiato".

A delivery that arrived spoiled, broken or wrong is a complaint to whoever sent it, however calmly
it is told; the complaint head read Italian through the embedding alone and missed it. Damage and
a delivery in the same sentence add to the Italian complaint cues (not to the heads' lexicon
columns, which the heads were trained with).

>>> damaged_on_arrival("Il mazzo di peonie è arrivato con metà dei fiori appassiti. Peccato.")
['arrivato con metà dei fiori appassiti']
>>> damaged_on_arrival("Ricevuto ieri, funziona benissimo")
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
