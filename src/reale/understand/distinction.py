"""Praise by singling out: "Brio pods are the only ones that taste like real coffee", "le capsule
di Brio sono le uniche che sanno di caffè vero", "sei l'unico che risponde".

Saying that a thing alone has a quality is a superlative: the quality is one the others lack, and
the post praises the thing. The heads read the exclusion ("only", "the others don't") as
negativity, so the intent and sentiment reads turn it around, as for a denied problem
(``reale.understand.litotes``). A quality that is a fault ("the only one that broke", "l'unico che
si è rotto", "l'unico corriere che lascia i pacchi sotto la pioggia") or is negated ("the only one that doesn't…") praises nothing; nor does singling out
the writer ("I'm the only one who…", "sono l'unico che…") or a thing said ("l'unica cosa che…").

>>> singled_out("Brio pods are the only pod coffee that tastes like actual coffee")
['are the only pod coffee that tastes like actual coffee']
>>> singled_out("Le capsule di Brio sono le uniche che sanno di caffè vero ☕")
['sono le uniche che sanno di caffè vero ☕']
>>> singled_out("My Brio machine is the only one that broke after a week")
[]
>>> singled_out("@lampo è l'unico corriere che lascia i pacchi sotto la pioggia")
[]
>>> singled_out("I'm the only one who stayed for the scene after the credits")
[]
"""

from __future__ import annotations

import re
from functools import lru_cache

from reale.understand.damage import DAMAGE, MISHANDLED

# A copula (or a comma, "Monti, l'unico che…") before "the only …": the thing is singled out as a
# predicate. Up to four words name what it is ("the only pod coffee that…").
_ADVERB_EN = r"(?:(?:still|really|truly|by far|easily|honestly|literally|definitely|simply)\s+)?"
_EN = re.compile(
    r"(?<!\bI )(?<!\bwe )(?<!\bwe)\b(?:is|are|was|were|'s|'re|’s|’re|remains?|stays?)\s+" + _ADVERB_EN
    + r"the only\b(?P<head>(?:\s+(?!that\b|who\b|which\b)[\w'’-]+){0,4}?)\s+(?:that|who|which)\s+"
    r"(?P<clause>[^.!?;\n]+)", re.IGNORECASE)
_ADVERB_IT = r"(?:(?:ancora|davvero|proprio|forse|sicuramente|veramente|di gran lunga)\s+)?"
_IT = re.compile(
    r"(?:\b(?:è|e'|é|sono|sei|siete|era|erano|resta|restano|rimane|rimangono)\s+(?:stat[oaie]\s+)?"
    + _ADVERB_IT + r"|,\s*)(?:l['’]\s?unic[oa]|gli unici|le uniche)\b"
    r"(?P<head>(?:\s+(?!che\b)[\w'’-]+){0,4}?)\s+che\s+(?P<clause>[^.!?;\n]+)", re.IGNORECASE)
# The writer singled out ("sono l'unico che…", "ero l'unica che…") is no praise of a thing.
_WRITER = re.compile(r"^(?:(?:sono|ero)\s+(?:stat[oa]\s+)?" + _ADVERB_IT + r"l['’]\s?unic|(?:siamo|eravamo)\b)",
                     re.IGNORECASE)
# A thing said or a time ("l'unica cosa che conta", "the only time that…"), or a verb inside the
# head ("l'unica differenza è che…"): no thing is singled out by a quality.
_NOT_A_THING = re.compile(r"\b(?:cos[ae]|volt[ae]|differenza|ragione|scusa|thing|things|time|times|reason"
                          r"|way|difference|è|is|was)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|non|mai|niente|nulla|nessun[oa]?|manca|mancano)\b"
                       r"|n(?:['’]|\\u2019)t\b", re.IGNORECASE)  # "\\u2019": escaped in some sets
# After a comma, "l'unico … che" followed by a verb of its own is a sentence's subject ("Caro X,
# l'unico film che abbiamo visto è…"), not an apposition ("Monti, l'unico che può…").
_OWN_VERB = re.compile(r"\b(?:è|e'|sono|era|is|are|was|were)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def _negative_words() -> frozenset[str]:
    """English words whose VADER valence is negative ("broke", "damaged", "lost", "death")."""
    from reale.understand.lexicon import vader_valence

    return frozenset(w for w, v in vader_valence().items() if v < 0)


def _a_fault(clause: str, english: bool) -> bool:
    """The quality is negated or a fault: a negation, Italian damage, goods mishandled (left in the
    rain, thrown: ``damage.MISHANDLED``, both languages), an English negative word."""
    if _NEGATION.search(clause) or DAMAGE.search(clause) or MISHANDLED.search(clause):
        return True
    bad = _negative_words() if english else frozenset()
    return any(w in bad for w in _WORD.findall(clause.lower()))


def singled_out(text: str) -> list[str]:
    """The phrases of ``text`` that single a thing out by a quality that is no fault."""
    low = text.lower()
    if "only" not in low and "unic" not in low:  # the cheap test first
        return []
    found = []
    for rx in (_EN, _IT):
        for m in rx.finditer(text):
            if (_WRITER.match(m.group(0)) or _NOT_A_THING.search(m.group("head"))
                    or _a_fault(m.group("clause"), rx is _EN)
                    or (m.group(0).startswith(",") and _OWN_VERB.search(m.group("clause")))):
                continue
            found.append(m.group(0).lstrip(", ").strip())
    return found[:3]
