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

from reale.desk.groups import BULK_UNITS, GROUP_SIZES, MAX_UNITS, NOT_PEOPLE_AFTER, PLACES

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
_WORDS.update({"uno": 1, "one": 1, "a": 1, "an": 1, "tré": 3})
_IT_SMALL = (r"(?:vent|trent|quarant|cinquant|sessant|settant|ottant|novant)[ai]?"
             r"(?:uno|due|tre|tré|quattro|cinque|sei|sette|otto|nove)?|undici|dodici|tredici|"
             r"quattordici|quindici|sedici|diciassette|diciotto|diciannove|dieci|uno|due|tre|tré|"
             r"quattro|cinque|sei|sette|otto|nove")
_EN_SMALL = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
             r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)(?!\w))?|eleven|twelve|"
             r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten|one|two|three|four|"
             r"five|six|seven|eight|nine")
_IT_HUNDREDS = r"(?:due|tre|quattro|cinque|sei|sette|otto|nove)?cento"
# Numbers of a hundred and more, in one word in Italian ("duecento", "centocinquanta", "mille",
# "duemilacinquecento") and in words in English ("two hundred", "a thousand", "three hundred and
# fifty"). "Grazie mille" and "mille grazie" are thanks, not a thousand of anyone.
_BIG = (rf"(?:(?:due|tre|quattro|cinque|sei|sette|otto|nove|dieci)mila|(?<!grazie )mille(?! grazie))"
        rf"(?:{_IT_HUNDREDS})?"
        rf"(?:{_IT_SMALL})?|{_IT_HUNDREDS}(?:{_IT_SMALL})?|"
        r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty) "
        rf"(?:hundred|thousand)(?! of)(?:(?: and)? (?:{_EN_SMALL}))?")
# In digits: with thousands separators ("1.000", "1,000") or a k ("1k", "2,5k").
_DIGITS = r"\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)|\d{1,3}(?:[.,]\d)?k\b|\d{1,4}"
# the compounds as one pattern, not 200 alternatives (a number is tried at every position):
# "ventidue", "trentotto", "venti", "twenty-two", "thirty five"; ``read_number`` reads them from _WORDS
_COMPOUND = (r"(?:vent|trent|quarant|cinquant|sessant|settant|ottant|novant)[ai]?"
             r"(?:uno|due|tre|tré|quattro|cinque|sei|sette|otto|nove)?|sedici|diciassette|diciotto|"
             r"diciannove|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
             r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)(?!\w))?|sixteen|seventeen|"
             r"eighteen|nineteen")
_NUM = rf"(?P<num>{_DIGITS}|{_COMPOUND}|{_BASE})"
_NUM_BIG = rf"(?P<num>{_DIGITS}|{_BIG}|{_COMPOUND}|{_BASE})"
# the roots every number word of a hundred and more has: a text with none is read without them (a
# number is tried at every word, and most texts have none)
_BIG_ROOTS = ("cent", "mil", "hundred", "thousand")
# what a number may count besides the thing itself: units, packs and people
_UNITS = (r"pezzi|confezioni|confezione|scatole|pacchi|pacchetti|units|packs|packets|boxes|pieces|"
          r"cartons|bottles|bottiglie")
_PEOPLE = (r"persone|colleghi|colleghe|dipendenti|ragazzi|ragazze|amici|amiche|bambini|bambine|"
           r"studenti|studentesse|alunni|alunne|allievi|allieve|compagni|figli|nipoti|soci|"
           r"giocatori|atleti|ospiti|invitati|people|persons|colleagues|employees|staff|coworkers|"
           r"co-workers|friends|kids|children|students|pupils|classmates|teammates|players|"
           r"guests|members|of us|di noi|coristi|choristers|singers|cantanti|scout|scouts|lupetti|"
           r"coinquilini|coinquiline|flatmates|roommates|housemates|membri|volontari|"
           r"volunteers|genitori|parents|nonni|grandparents")
# a group and its size after it: "team of 12", "una classe di 25", "famiglia di cinque"
_GROUP = (r"team|squadra|ufficio|office|classe|class|famiglia|family|gruppo|group|reparto|"
          r"department|crew|club|scuola|school|staff|coro|choir|troop|condominio|azienda|company")
_PEOPLE_BEFORE = rf"siamo in|siamo|we are|we're|(?:{_GROUP})\s+(?:of|di|da)"
_BULK = (r"una scorta|scorta|scorte|fornitura|rifornimento|stock up|a stock of|scatolone|"
         r"una cassa di|casse di|a case of|cases of|cartone di|a carton of|all'ingrosso|wholesale|"
         r"in bulk|per tutto l'ufficio|per tutto il team|per tutta la squadra|per tutta l'azienda|"
         r"per tutto il reparto|per tutti noi|for the whole (?:team|office|company|crew|staff)|"
         r"for everyone at|for all of us|for the team|for our team|per il team")
_YEAR = r"a year's supply|a year of|scorta annuale|per un anno|for a year|for the year"


_MY_IT = r"(?:mio|mia|miei|mie|nostro|nostra|nostri|nostre)"
_WHOLE = (r"the whole|the entire|all the|everyone in (?:my|our|the)|"
          rf"tutt[oaie]\s+(?:il|la|lo|l'|i|gli|le)\s*(?:{_MY_IT}\s+)?")
# whose group it is: a whole one ("the whole", "tutta la", "all my": the post speaks for all of
# it) or the writer's ("my", "la mia", "ai nostri"): "your team", "the team" or "a class" name no
# group the writer gives to
_ALL = rf"(?:all my|all our|{_WHOLE})"
_MINE = rf"(?:my|our|(?:il|la|lo|l'|i|gli|le|al|alla|allo|all'|ai|agli|alle|per)?\s*{_MY_IT})"
# The writer's group is asked for only when it is given to (*per il mio coro*, *ai miei alunni*,
# *for my choir*, *send my team*) or is said to want (*my class would love*, *la mia squadra ne
# vorrebbe*); named otherwise it asks nothing (*la mia squadra ha vinto*, *nella mia classe*).
# a word of affection or size between the owner and the group ("il mio piccolo coro", "my lovely
# team", "i miei cari colleghi"); any other word may make it no group ("my favourite class")
_FOND = (r"(?:(?:piccol[oaie]|little|small|tiny|nuov[oaie]|new|car[oaie]|dear|lovely|amazing|"
         r"fantastic[oaie]|meraviglios[oaie]|adorabil[ei]|splendid[oaie])\s+)?")
_OWNERS = re.compile(r"my|our|mi[oae]|nostr|whole|entire|all the|everyone|tutt")
_GIVEN_TO = re.compile(r"\b(?:for|per|x|send|give|gift|treat|ship|bring|surprise)\s*$|"
                       # sent to it ("send some to my class"), not gone to it ("going to my class")
                       r"\b(?:send|give|gift|ship|bring|mail|deliver)\s+(?:[\w']+\s+){0,3}to\s*$|"
                       # "per i ragazzi del mio coro", "for everyone in my choir"
                       r"\b(?:for|per)\s+(?:[\w']+\s+){0,2}(?:del|della|dello|dei|degli|delle|"
                       r"of|in)\s*$")
_GIVING_ARTICLE = re.compile(r"(?:al|alla|allo|all'|ai|agli|alle|per)\b")
_WANTS = re.compile(  # "and I" / "e io" between: "my team and I would love", "il mio coro e io vorremmo"
    r"\s*(?:(?:and i|and me|e io|ed io)\s+)?(?:(?:would|'d) (?:love|like|appreciate|enjoy)|needs?|"
    r"wants?|deserves?|could use|vorremmo|ne vorremmo|(?:abbiamo|avremmo) bisogno|"
    r"(?:is|are) (?:asking|begging|dying)|vorrebbe(?:ro)?|ne vorrebbe(?:ro)?|(?:ha|hanno|avrebbe|"
    r"avrebbero) bisogno|merita(?:no)?|chiede|chiedono|adorerebbe(?:ro)?|sarebbe(?:ro)? felici?)\b")
_FOR_WHOLE = rf"(?:{_WHOLE}|(?:for|per)\s+(?:my|our|(?:il|la|lo|l'|i|gli|le)\s*{_MY_IT}))"


class Quantity(msgspec.Struct, frozen=True):
    """About how many units, and the words that said so."""

    units: int
    evidence: str


def read_number(word: str) -> int:
    """The number ``word`` says: digits ("12", "1.000", "1,000", "2,5k") or words ("ventidue",
    "duecentocinquanta", "milleduecento", "two hundred and fifty", "a thousand")."""
    if word[0].isdigit():
        if word.endswith("k"):
            return int(float(word[:-1].replace(",", ".")) * 1000)
        return int(word.replace(".", "").replace(",", ""))
    if word in _WORDS:
        return _WORDS[word]
    if "hundred" in word or "thousand" in word:
        return _english(word)
    return _italian(word)


def _english(words: str) -> int:
    """ "two hundred and fifty" → 250, "a thousand" → 1000, "ten thousand" → 10000."""
    total, current = 0, 0
    for w in words.replace("-", " ").split():
        if w == "hundred":
            current = (current or 1) * 100
        elif w == "thousand":
            total, current = total + (current or 1) * 1000, 0
        elif w != "and":
            current += _WORDS.get(w, 0)
    return total + current


_IT_PARTS = re.compile(r"(?:(?P<k>\w*?)mila|(?P<mille>mille))?(?:(?P<h>\w*?)cento)?(?P<rest>\w*)")


def _italian(word: str) -> int:
    """ "duecento" → 200, "centocinquanta" → 150, "duemilatrecento" → 2300, "mille" → 1000."""
    m = _IT_PARTS.fullmatch(word)
    if m is None:
        return 0
    thousands = 1000 if m.group("mille") else 1000 * _WORDS.get(m.group("k") or "", 0)
    hundreds = 0 if m.group("h") is None else 100 * (_WORDS.get(m.group("h"), 0) or 1)
    return thousands + hundreds + _WORDS.get(m.group("rest"), 0)


@lru_cache(maxsize=256)
def _counting(nouns: tuple[str, ...], big: bool) -> re.Pattern[str]:
    """A number before the thing (its own words), a unit or people, one word between at most
    (``big``: number words of a hundred and more too)."""
    thing = "|".join(sorted({re.escape(n) for n in nouns if n}, key=len, reverse=True))
    noun = f"(?:{thing}|{_UNITS}|{_PEOPLE})" if thing else f"(?:{_UNITS}|{_PEOPLE})"
    num = _NUM_BIG if big else _NUM
    return re.compile(rf"(?<![\w.,€$£%#@/-]){num}\s+(?:[\w']+\s+(?:(?:di|of)\s+)?)?{noun}\b")


@lru_cache(maxsize=2)
def _people(big: bool) -> re.Pattern[str]:
    """A number after "siamo (in)", "we're" or a group and "of/di/da" ("team of 12")."""
    return re.compile(rf"\b(?:{_PEOPLE_BEFORE})\s+{_NUM_BIG if big else _NUM}(?![\w.,%])")


@lru_cache(maxsize=1)
def _fixed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    def alternatives(words: Iterable[str]) -> str:
        return "|".join(sorted(map(re.escape, words), key=len, reverse=True))

    people = alternatives(set(GROUP_SIZES) - PLACES)
    group = re.compile(rf"(?<![\w'])(?:{_ALL}\s*{_FOND}(?P<whole>{people})|"
                       rf"(?P<mine>{_MINE})\s*{_FOND}(?P<group>{people})|"
                       rf"{_FOR_WHOLE}\s*(?P<place>{alternatives(PLACES)}))(?!\w)"
                       rf"(?!\s+(?:{NOT_PEOPLE_AFTER})(?!\w))")
    return re.compile(rf"\b(?:{_YEAR})\b"), re.compile(rf"(?<!\w)(?:{_BULK})(?!\w)"), group


def _counts(text: str, nouns: Iterable[str]) -> list[tuple[int, str]]:
    """The numbers that count the thing, units or people, and a group's size given after it."""
    big = any(root in text for root in _BIG_ROOTS)
    found: list[tuple[int, str]] = []
    for pattern in (_counting(tuple(sorted({n.lower() for n in nouns})), big), _people(big)):
        found += [(read_number(m.group("num")), m.group(0)) for m in pattern.finditer(text)
                  if not _a_year(m.group("num"), m.group(0))]
    return found


def _asked_for(text: str, m: re.Match[str]) -> bool:
    """Whether the group ``m`` found in ``text`` is asked for: a whole one or a place given to
    always; the writer's own when given to or said to want."""
    if m.group("group") is None:
        return True
    return (_GIVING_ARTICLE.match(m.group("mine")) is not None
            or _GIVEN_TO.search(text, max(0, m.start() - 30), m.start()) is not None
            or _WANTS.match(text, m.end()) is not None)


def _a_year(num: str, said: str) -> bool:
    """A year, not a size: the class of 2019, la classe 1990, the class of two thousand and
    nineteen."""
    if said.lower().startswith(num):
        return False
    if num.isdigit():
        return len(num) == 4 and num[:2] in ("19", "20")
    return not num[0].isdigit() and 1900 <= read_number(num) < 2100


def quantity_of(text: str, nouns: Iterable[str] = ()) -> Quantity | None:
    """The largest quantity normalised ``text`` asks for, read from a number that counts one of
    ``nouns`` (the thing's own words), units or people, or from a bulk word; capped at
    :data:`MAX_UNITS`. ``None`` when it asks for one (or says nothing of how many)."""
    if not text:
        return None
    year, bulk, group = _fixed()
    found = _counts(text, nouns)
    counted = any(n >= 2 for n, _ in found)
    found += [(YEAR_UNITS, m.group(0)) for m in year.finditer(text)]
    found += [(BULK_UNITS, m.group(0)) for m in bulk.finditer(text)]
    # a number said beats a group's typical size (a bulk word's evidence a tie); a group is
    # looked for only in a text with a word that owns it or takes it whole (most texts have none)
    if not counted and _OWNERS.search(text):
        found += [(GROUP_SIZES[m.group("whole") or m.group("group") or m.group("place")],
                   m.group(0)) for m in group.finditer(text) if _asked_for(text, m)]
    found = [(n, e) for n, e in found if n >= 2]
    if not found:
        return None
    units, evidence = max(found, key=lambda f: f[0])
    return Quantity(min(units, MAX_UNITS), evidence.strip())


__all__ = ["BULK_UNITS", "GROUP_SIZES", "MAX_UNITS", "YEAR_UNITS", "Quantity", "quantity_of", "read_number"]
