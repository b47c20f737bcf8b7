"""A problem or a fault denied is praise: "six months and not a single problem", "zero problemi",
"not bad at all", "niente male".

The heads read such a post by its words: "problem" pulls the sentiment head to negative and the
complaint head to yes. The phrase says the opposite, so the intent read turns that negativity
around (``reale.understand.intent``). A contrast after it ("…until yesterday", "…ma ora") keeps
the heads' read: the problem came after all.

>>> denied_problems("Sei mesi con la mia Pico e zero problemi. Consumi bassissimi")
['zero problemi']
>>> denied_problems("Six months and not a single problem #VoltaAuto")
['not a single problem']
>>> denied_problems("No problems for a year, until yesterday: it won't start")
[]
>>> denied_problems("Not bad at all @volta, not bad at all")
['Not bad', 'not bad']
>>> denied_problems("Consegnato in un giorno: niente male")
['niente male']
"""

from __future__ import annotations

import re

_DENIED = re.compile(
    r"\b(?:zero|nessun|nemmeno un|neanche un|mai un|mai avuto (?:un|problemi)|senza (?:alcun|nessun)?"
    r"|no|not a single|not one|never (?:had )?(?:a|any)|without (?:a|any)|free of)\s*"
    r"(?:problem(?:s|i|a)?|issues?|guast[oi]|intopp[oi]|difett[oi]|hiccups?|glitch(?:es)?)\b"
    # A fault denied: "not bad", "not too shabby", "niente male", "non è affatto male" ("non fa male",
    # it does not hurt, is no verdict). 11 of the 14 English sentiment training posts with "not
    # (too/that/so/half) bad" are positive, 2 negative; 3 of SENTIPOLC's 5 "niente/non/mica male".
    r"|\bnot (?:too |that |so |half )?bad\b|\bnot too shabby\b|\b(?:niente|mica|nient'affatto) male\b"
    r"|\bnon (?:(?:è|e'|era|sono|c'è) )?(?:affatto |poi così |poi tanto )?male\b",
    re.IGNORECASE)
# The problem came after all: "no problems until yesterday", "zero problemi, ma ora…".
_CONTRAST = re.compile(r"\b(?:until|till|but|however|now|then|finch[eé]|fino a|ma|però|poi|adesso|ora)\b",
                       re.IGNORECASE)


def denied_problems(text: str) -> list[str]:
    """The phrases of ``text`` that deny a problem, unless a contrast follows the last one."""
    found = list(_DENIED.finditer(text))
    if not found or _CONTRAST.search(text, found[-1].end()):
        return []
    return list(dict.fromkeys(m.group(0).strip() for m in found))[:3]
