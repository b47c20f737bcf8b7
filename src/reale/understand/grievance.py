"""Words of grievance: does a post that asks the brand for something also carry negative words?

A request for a free product ("@mela mandatemi un Mela 12 Pro da provare") is an ask, not a
grievance, yet the Italian sentiment head (trained on political tweets) read it negative: nothing
in it is negative but the unfamiliar product talk. Where a polite ask fires and the post carries
no negative word, the sentiment label is neutral (``polarity.corrected``); a request that tells of
a loss keeps the heads' read ("…la fiancata sfondata… mi prestate una Volta Pico?").

>>> negative_words("@mela mandatemi un Mela 12 Pro, il mio è morto", "it")
['morto']
>>> negative_words("@mela mandatemi un Mela 12 Pro da provare 😇", "it")
[]
>>> negative_words("could you send me a new one, mine broke", "en")
['broke']
"""

from __future__ import annotations

import re
from functools import lru_cache

from reale.understand.damage import DAMAGE

# Italian words of loss, fault and bad feeling (stems), beside the damage words of ``damage``.
_IT = re.compile(
    r"\b(?:mort[oaie]|mor(?:to|ta|ire|endo)|sfondat|distrutt|rubat|pers[oaie]\b|smarrit|guast|incident"
    r"|problem|purtroppo|trist|odi[oa]?\b|culo\b|male\b|schif|pessim|peccato|sfortun|sfig|disastr|maledett"
    r"|merd|cazz|rabbi|arrabbiat|incazzat|delus|furt|ladr|piang|dolor|malat|inutil|brutt|terribil"
    r"|orribil|vergogn|truff|senza (?:soldi|lavoro|auto|macchina|casa)|non (?:funziona|va|ho più)"
    r"|ammaccat|bocciat|licenziat|ospedal|lutto|disperat|stufo|stufa|basta\b)\w*", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def _english_negative() -> frozenset[str]:
    """English words whose VADER valence is negative ("broke", "died", "lost", "sad")."""
    from reale.understand.lexicon import vader_valence

    return frozenset(w for w, v in vader_valence().items() if v < 0)


def negative_words(text: str, lang: str) -> list[str]:
    """The negative words of ``text`` (Italian stems and damage words for ``it``, VADER's negative
    words for any other language; both lists for a post in neither)."""
    found: list[str] = []
    if lang != "en":
        found += [m.group(0) for m in _IT.finditer(text)] + [m.group(0) for m in DAMAGE.finditer(text)]
    if lang != "it":
        bad = _english_negative()
        found += [w for w in _WORD.findall(text.lower()) if w in bad]
    return list(dict.fromkeys(found))[:3]
