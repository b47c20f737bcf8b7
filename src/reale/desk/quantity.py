"""How many of a thing a post asks for (or an action gives): a number that counts the thing or
the people it is for (*dieci capsule*, *siamo in dieci*, *for 12 people*, *i miei 30 studenti*,
*a class of 25*), a group the writer names by its collective noun (*la mia classe*, *the whole
office*: its typical size, ``GROUP_SIZES``), or a bulk word (*una scorta*, *a case of*, *a year's
supply*), in Italian and English, capped. Followers are reach, never a quantity.
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


def _compounds() -> dict[str, int]:
    """Number words from 16 to 99 in Italian and English ("ventidue", "trentotto", "twenty-two")."""
    it_tens = {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
               "settanta": 70, "ottanta": 80, "novanta": 90}
    it_units = {"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
                "otto": 8, "nove": 9}
    en_tens = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90}
    en_units = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9}
    out = {"sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19, **it_tens, **en_tens}
    for ten, t in it_tens.items():
        for unit, u in it_units.items():
            out[(ten[:-1] if unit[0] in "uo" else ten) + unit] = t + u  # ventuno, ventotto
        out[ten + "tré"] = t + 3  # ventitré
    for ten, t in en_tens.items():
        for unit, u in en_units.items():
            out[f"{ten}-{unit}"] = out[f"{ten} {unit}"] = t + u
    return out


_BASE = "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
_WORDS.update({k: v for k, v in _compounds().items() if k not in _WORDS})
# the compounds as one pattern, not 200 alternatives (a number is tried at every position):
# "ventidue", "trentotto", "venti", "twenty-two", "thirty five"; ``_count`` reads them from _WORDS
_COMPOUND = (r"(?:vent|trent|quarant|cinquant|sessant|settant|ottant|novant)[ai]?"
             r"(?:uno|due|tre|tré|quattro|cinque|sei|sette|otto|nove)?|sedici|diciassette|diciotto|"
             r"diciannove|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
             r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)(?!\w))?|sixteen|seventeen|"
             r"eighteen|nineteen")
_NUM = rf"(?P<num>\d{{1,4}}|{_COMPOUND}|{_BASE})"
# what a number may count besides the thing itself: units, packs and people
_UNITS = (r"pezzi|confezioni|confezione|scatole|pacchi|pacchetti|units|packs|packets|boxes|pieces|"
          r"cartons|bottles|bottiglie")
_PEOPLE = (r"persone|colleghi|colleghe|dipendenti|ragazzi|ragazze|amici|amiche|bambini|bambine|"
           r"studenti|studentesse|alunni|alunne|allievi|allieve|compagni|figli|nipoti|soci|"
           r"giocatori|atleti|ospiti|invitati|people|persons|colleagues|employees|staff|coworkers|"
           r"co-workers|friends|kids|children|students|pupils|classmates|teammates|players|"
           r"guests|members|of us|di noi")
# a group and its size after it: "team of 12", "una classe di 25", "famiglia di cinque"
_GROUP = (r"team|squadra|ufficio|office|classe|class|famiglia|family|gruppo|group|reparto|"
          r"department|crew|club|scuola|school|staff")
_PEOPLE_BEFORE = rf"siamo in|siamo|we are|we're|(?:{_GROUP})\s+(?:of|di|da)"
_BULK = (r"una scorta|scorta|scorte|fornitura|rifornimento|stock up|a stock of|scatolone|"
         r"una cassa di|casse di|a case of|cases of|cartone di|a carton of|all'ingrosso|wholesale|"
         r"in bulk|per tutto l'ufficio|per tutto il team|per tutta la squadra|per tutta l'azienda|"
         r"per tutto il reparto|per tutti noi|for the whole (?:team|office|company|crew|staff)|"
         r"for everyone at|for all of us|for the team|for our team|per il team")
_YEAR = r"a year's supply|a year of|scorta annuale|per un anno|for a year|for the year"


# The typical size of a group named by its collective noun with no number (*per i miei studenti*,
# *for my class*, *the whole office*): a class is 25 (Italian classes hold 18 to 27 pupils, DPR
# 81/2009; English ones about as many); a team, an office, a crew or one's colleagues the bulk ten;
# a family four (parents and two children: a household asking for its members); one's children
# two (the plural); a whole school as many as the cap allows. Followers are the writer's reach
# (what the brand's answer would be seen by), not people it gives to: never a quantity.
GROUP_SIZES: dict[str, int] = {
    "classe": 25, "class": 25, "studenti": 25, "students": 25, "alunni": 25, "pupils": 25,
    "allievi": 25, "classmates": 25, "compagni di classe": 25,
    "team": BULK_UNITS, "squadra": BULK_UNITS, "ufficio": BULK_UNITS, "office": BULK_UNITS,
    "reparto": BULK_UNITS, "department": BULK_UNITS, "crew": BULK_UNITS, "staff": BULK_UNITS,
    "colleghi": BULK_UNITS, "colleagues": BULK_UNITS, "coworkers": BULK_UNITS,
    "dipendenti": BULK_UNITS, "employees": BULK_UNITS, "teammates": BULK_UNITS,
    "famiglia": 4, "family": 4, "figli": 2, "kids": 2, "children": 2,
    "scuola": MAX_UNITS, "school": MAX_UNITS,
}
# a place, not people: it is a group to give to only when whole or given to ("for my office",
# "per tutto l'ufficio"), not where something is sent ("to my office", "nel mio ufficio")
_PLACES = frozenset({"ufficio", "office", "reparto", "department", "scuola", "school"})
_MY_IT = r"(?:mio|mia|miei|mie|nostro|nostra|nostri|nostre)"
_WHOLE = (r"the whole|the entire|all the|everyone in (?:my|our|the)|"
          rf"tutt[oaie]\s+(?:il|la|lo|l'|i|gli|le)\s*(?:{_MY_IT}\s+)?")
# whose group it is: the writer's ("my", "la mia", "ai nostri") or a whole one ("the whole",
# "tutta la"): "your team", "the team" or "a class" name no group the writer gives to
_WHOSE = (rf"(?:my|our|all my|all our|{_WHOLE}|"
          rf"(?:il|la|lo|l'|i|gli|le|al|alla|allo|all'|ai|agli|alle|per)?\s*{_MY_IT})")
_FOR_WHOLE = rf"(?:{_WHOLE}|(?:for|per)\s+(?:my|our|(?:il|la|lo|l'|i|gli|le)\s*{_MY_IT}))"


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
def _fixed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = re.compile(rf"\b(?:{_PEOPLE_BEFORE})\s+{_NUM}(?![\w.,%])")
    def alternatives(words: Iterable[str]) -> str:
        return "|".join(sorted(map(re.escape, words), key=len, reverse=True))

    people_nouns = alternatives(set(GROUP_SIZES) - _PLACES)
    group = re.compile(rf"(?<![\w'])(?:(?:{_WHOSE})\s*(?P<group>{people_nouns})|"
                       rf"{_FOR_WHOLE}\s*(?P<place>{alternatives(_PLACES)}))(?!\w)")
    return (people, re.compile(rf"\b(?:{_YEAR})\b"), re.compile(rf"(?<!\w)(?:{_BULK})(?!\w)"),
            group)


def _counts(text: str, nouns: Iterable[str]) -> list[tuple[int, str]]:
    """The numbers that count the thing, units or people, and a group's size given after it."""
    people = _fixed()[0]
    found: list[tuple[int, str]] = []
    for pattern in (_counting(tuple(sorted({n.lower() for n in nouns}))), people):
        found += [(_count(m.group("num")), m.group(0)) for m in pattern.finditer(text)
                  if not _a_year(m.group("num"), m.group(0))]
    return found


def _a_year(num: str, said: str) -> bool:
    """A year, not a size: the class of 2019, la classe 1990."""
    return len(num) == 4 and num[:2] in ("19", "20") and not said.lower().startswith(num)


def quantity_of(text: str, nouns: Iterable[str] = ()) -> Quantity | None:
    """The largest quantity normalised ``text`` asks for, read from a number that counts one of
    ``nouns`` (the thing's own words), units or people, or from a bulk word; capped at
    :data:`MAX_UNITS`. ``None`` when it asks for one (or says nothing of how many)."""
    if not text:
        return None
    _, year, bulk, group = _fixed()
    found = _counts(text, nouns)
    counted = any(n >= 2 for n, _ in found)
    found += [(YEAR_UNITS, m.group(0)) for m in year.finditer(text)]
    found += [(BULK_UNITS, m.group(0)) for m in bulk.finditer(text)]
    if not counted:  # a number said beats a group's typical size (a bulk word's evidence a tie)
        found += [(GROUP_SIZES[m.group("group") or m.group("place")], m.group(0))
                  for m in group.finditer(text)]
    found = [(n, e) for n, e in found if n >= 2]
    if not found:
        return None
    units, evidence = max(found, key=lambda f: f[0])
    return Quantity(min(units, MAX_UNITS), evidence.strip())


__all__ = ["BULK_UNITS", "GROUP_SIZES", "MAX_UNITS", "YEAR_UNITS", "Quantity", "quantity_of"]
