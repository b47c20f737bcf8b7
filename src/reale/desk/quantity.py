"""How many of a thing a post asks for (or an action gives): a number that counts the thing or
the people it is for (*dieci capsule*, *siamo in dieci*, *for 12 people*), or a bulk word (*una
scorta*, *a case of*, *for the whole team*, *a year's supply*), in Italian and English, capped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import msgspec

MAX_UNITS = 50  # the most units a post is read as asking for, however many it says
BULK_UNITS = 10  # a supply, a case, "for the whole office" with no number: about ten
YEAR_UNITS = MAX_UNITS  # a year's supply: as many as the cap allows

_WORDS: dict[str, int] = {
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9,
    "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15,
    "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "cento": 100,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "una dozzina": 12, "a dozen": 12, "dozens": 24, "una decina": 10, "un centinaio": 100,
    "a hundred": 100, "hundreds": 100,
}
_NUM = r"(?P<num>\d{1,4}|" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + ")"
# what a number may count besides the thing itself: units, packs and people
_UNITS = (r"pezzi|confezioni|confezione|scatole|pacchi|pacchetti|units|packs|packets|boxes|pieces|"
          r"cartons|bottles|bottiglie")
_PEOPLE = (r"persone|colleghi|colleghe|dipendenti|ragazzi|amici|people|persons|colleagues|"
           r"employees|staff|coworkers|co-workers|friends|of us|di noi")
_PEOPLE_BEFORE = (r"siamo in|siamo|we are|we're|team of|squadra di|ufficio di|office of|"
                  r"a team of|un team di")
_BULK = (r"una scorta|scorta|scorte|fornitura|rifornimento|stock up|a stock of|scatolone|"
         r"una cassa di|casse di|a case of|cases of|cartone di|a carton of|all'ingrosso|wholesale|"
         r"in bulk|per tutto l'ufficio|per tutto il team|per tutta la squadra|per tutta l'azienda|"
         r"per tutto il reparto|per tutti noi|for the whole (?:team|office|company|crew|staff)|"
         r"for everyone at|for all of us|for the team|for our team|per il team")
_YEAR = r"a year's supply|a year of|scorta annuale|per un anno|for a year|for the year"


class Quantity(msgspec.Struct, frozen=True):
    """About how many units, and the words that said so."""

    units: int
    evidence: str


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS.get(word, 0)


@lru_cache(maxsize=256)
def _counting(nouns: tuple[str, ...]) -> re.Pattern[str]:
    """A number before the thing (its own words), a unit or people, one word between at most."""
    thing = "|".join(sorted({re.escape(n) for n in nouns if n}, key=len, reverse=True))
    noun = f"(?:{thing}|{_UNITS}|{_PEOPLE})" if thing else f"(?:{_UNITS}|{_PEOPLE})"
    return re.compile(rf"(?<![\w.,€$£%#@/-]){_NUM}\s+(?:[\w']+\s+(?:(?:di|of)\s+)?)?{noun}\b")


@lru_cache(maxsize=1)
def _fixed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = re.compile(rf"\b(?:{_PEOPLE_BEFORE})\s+{_NUM}(?![\w.,%])")
    return people, re.compile(rf"\b(?:{_YEAR})\b"), re.compile(rf"(?<!\w)(?:{_BULK})(?!\w)")


def quantity_of(text: str, nouns: Iterable[str] = ()) -> Quantity | None:
    """The largest quantity normalised ``text`` asks for, read from a number that counts one of
    ``nouns`` (the thing's own words), units or people, or from a bulk word; capped at
    :data:`MAX_UNITS`. ``None`` when it asks for one (or says nothing of how many)."""
    if not text:
        return None
    found: list[tuple[int, str]] = []
    people, year, bulk = _fixed()
    for pattern in (_counting(tuple(sorted({n.lower() for n in nouns}))), people):
        found += [(_count(m.group("num")), m.group(0)) for m in pattern.finditer(text)]
    found += [(YEAR_UNITS, m.group(0)) for m in year.finditer(text)]
    found += [(BULK_UNITS, m.group(0)) for m in bulk.finditer(text)]
    found = [(n, e) for n, e in found if n >= 2]
    if not found:
        return None
    units, evidence = max(found, key=lambda f: f[0])
    return Quantity(min(units, MAX_UNITS), evidence.strip())


__all__ = ["BULK_UNITS", "MAX_UNITS", "YEAR_UNITS", "Quantity", "quantity_of"]
