"""A post that waits to see: "vediamo se @volta risponde 😂", "let's see if they fix it", "chissà
se…", "I wonder if…". It withholds its verdict, so it praises nothing yet, whatever warmth a
laughing emoji lends it; the intent read gives its praise share to *other*
(``reale.understand.intent``).

The wait governs the post when the rest of it (outside the sentences that wait) carries no word
of praise: "Love the new Pico! Let's see if the battery lasts" still praises.

>>> wait_and_see("Vediamo se @volta risponde #UnaVoltaPerMatteo 😂")
['Vediamo se']
>>> wait_and_see("Love the new Pico! Let's see if the battery lasts")
[]
"""

from __future__ import annotations

import re
from functools import lru_cache

_WAIT = re.compile(
    r"\b(?:vediamo|vedremo|chissà|chissa) se\b|\bstaremo a vedere\b|\blet['’]?s see (?:if|whether)\b"
    r"|\bwe['’]ll see (?:if|whether)\b|\bi wonder (?:if|whether)\b|\bcurious to see (?:if|whether)\b",
    re.IGNORECASE)
_KEYS = ("vediamo", "vedremo", "chiss", "vedere", "see", "wonder")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_WORD = re.compile(r"(?<![@#\w])[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_PRAISE_VALENCE = 1.5  # VADER valence from which an English word praises ("love", "great", "amazing")


@lru_cache(maxsize=1)
def _praise_words() -> frozenset[str]:
    from reale.understand.lexicon import vader_valence

    return frozenset(w for w, v in vader_valence().items() if v >= _PRAISE_VALENCE and w.isalpha())


def wait_and_see(text: str) -> list[str]:
    """The phrases with which ``text`` waits to see, when nothing outside them praises."""
    low = text.lower()
    if not any(k in low for k in _KEYS) or not _WAIT.search(text):  # the cheap test first
        return []
    found, rest = [], []
    for sentence in _SENTENCE.findall(text):
        waits = [m.group(0) for m in _WAIT.finditer(sentence)]
        found += waits
        if not waits:
            rest.append(sentence)
    if not found:
        return []
    praise = _praise_words()
    if any(w.lower() in praise for s in rest for w in _WORD.findall(s)):
        return []
    return list(dict.fromkeys(found))[:3]
