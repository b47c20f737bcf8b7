"""Labelling reactions to a brand's act: negative, mocking, accusing (Italian and English).

The default labeller is a small lexicon; any callable ``(text, lang) -> ReactionLabel`` can replace
it, and :func:`with_sentiment` lets a sentiment model decide negativity while the lexicon keeps
catching accusations ("marchetta", "paid") and mockery.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import msgspec

from reale.desk.cues import normalise

ACCUSATION = (
    r"#(?:adv|ad|spon|sponsored)\s*\?+",
    r"\b(?:paid|paid shill|shill|shills|sponsored|undisclosed|sell-?out|bribe|bribed|"
    r"(?:got|been|was|were|they) bought|bought (?:him|her|them|it)|"
    r"kickback|laundering|blackmail|publicity stunt|pr stunt|commercial exchange|conflict of interest|"
    r"influencer marketing|quid pro quo|favou?ritism)\b",
    r"\b(?:(?:is|was|just|it's|its|this is|that's) (?:an |a paid |paid )?ad|an ad\b|ad much)\b",
    r"\b(?:(?:uno|lo|il|bello|bel|solito|un|che|questo) spot|spot pubblicitari[oa])\b|#spot\b",
    r"\b(?:marchett[ae]|pubblicità occulta|pubblicità|pubblicita|pagat[oaie]|comprat[oaie]|"
    r"vendut[oaie]|riciclaggio|ricatto|scambio commerciale|trovata pubblicitaria|favoritismi?|"
    r"raccomandat[oaie]|conflitto di interessi|non dichiarat[oaie]|sponsorizzat[oaie]|marketta)\b",
)
MOCKERY = (
    r"\b(?:lol|lmao|rofl|yeah right|sure jan|ok boomer|epic fail|cringe|clown|seriously\?|"
    r"what a joke|nice try)\b",
    r"(?:😂|🤣|🤡|🙄|😏)",
    r"\b(?:a?(?:ha){2,}h?|a?(?:ah){2,}h?|che ridere|ridicol\w*|imbarazzant\w*|pagliacc\w*|ma dai|"
    r"ma per favore|sul serio\?|bravi eh|complimenti eh|che figura)\b",
)
NEGATIVE = (
    r"\b(?:shame|shameful|disgust\w*|pathetic|boycott\w*|never again|unfollow\w*|terrible|awful|"
    r"horrible|hate|worst|disappoint\w*|angry|offensive|tone ?deaf|gross|embarrassing)\b",
    r"\b(?:vergogn\w*|schifo|disgustos\w*|patetic\w*|boicott\w*|mai più|squallid\w*|pessim\w*|"
    r"orribil\w*|odio|peggior\w*|delus\w*|delusione|arrabbiat\w*|incazzat\w*|offensiv\w*|"
    r"indecent\w*)\b",
)


class ReactionLabel(msgspec.Struct, frozen=True, kw_only=True):
    """What a reaction does, with the words that showed it."""

    negative: bool = False
    mockery: bool = False
    accusation: bool = False
    cues: tuple[str, ...] = ()

    @property
    def bad(self) -> bool:
        return self.negative or self.mockery or self.accusation


Labeller = Callable[[str, str], ReactionLabel]


@cache
def _pattern(name: str) -> re.Pattern[str]:
    family = {"accusation": ACCUSATION, "mockery": MOCKERY, "negative": NEGATIVE}[name]
    return re.compile("|".join(f"(?:{p})" for p in family))


def _hits(name: str, text: str) -> list[str]:
    return [m.group(0).strip() for m in _pattern(name).finditer(text)]


def lexicon_labeller(text: str, lang: str = "") -> ReactionLabel:
    """Label a reaction from the built-in Italian and English lexicon."""
    t = normalise(text[:5000])
    acc, mock, neg = _hits("accusation", t), _hits("mockery", t), _hits("negative", t)
    cues = tuple(dict.fromkeys(acc + mock + neg))[:5]
    return ReactionLabel(negative=bool(neg), mockery=bool(mock), accusation=bool(acc), cues=cues)


def with_sentiment(sentiment: Callable[[str, str], float], negative_below: float = -0.4) -> Labeller:
    """A labeller whose negativity comes from a sentiment model (score in [-1, 1])."""

    def label(text: str, lang: str = "") -> ReactionLabel:
        base = lexicon_labeller(text, lang)
        negative = sentiment(text, lang) < negative_below
        return msgspec.structs.replace(base, negative=negative)

    return label


__all__ = ["Labeller", "ReactionLabel", "lexicon_labeller", "with_sentiment"]
