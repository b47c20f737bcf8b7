"""Italian praise said by evaluating a thing, and praise that a negation takes back.

The Italian sentiment head learned from political tweets and reads a product's praise flat:
"foto notturne incredibili" is neutral to it. Evaluative words add to the praise cues of
``reale.understand.cues`` for the intent and sentiment reads (not for the heads' lexicon columns);
a praise word under a negation ("non è eccezionale", "niente di speciale") praises nothing.

>>> italian_praise("Il Mela 12 fa delle foto notturne incredibili", [])
(['incredibili'], [])
>>> italian_praise("Ordinato ieri sera, consegnato stamattina. Chapeau", [])
(['Chapeau'], [])
>>> italian_praise("Il nuovo gusto non è fantastico", ["fantastico"])
([], ['fantastico'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Words that praise whatever they are said of. Checked on SENTIPOLC (train + val, political tweets,
# base rate 22 % positive): 113 posts, 65 % positive, 11 % negative (tests/test_understand_evaluative.py).
_PRAISE = (
    r"eccellent[ei]", r"eccezional[ei]", r"spettacolar[ei]", r"straordinari[oaie]", r"strepitos[oaie]",
    r"favolos[oaie]", r"fenomenal[ei]", r"formidabil[ei]", r"genial[ei]", r"splendid[oaie]",
    r"magnific[oaie]", r"mitic[oaie]", r"impeccabil[ei]", r"perfett[oaie]", r"bellissim[oaie]",
    r"buonissim[oaie]", r"squisit[oaie]", r"delizios[oaie]", r"superlativ[oaie]", r"consigliatissim[oaie]",
    r"piaciut[oaie]", r"chapeau", r"tanto di cappello", r"da urlo", r"wow",
)  # "niente male" praises too: a fault denied, as ``reale.understand.litotes`` reads it
# Words of astonishment praise only as a thing's attribute ("foto notturne incredibili", "un sogno
# incredibile"): alone or before "che"/"come" they are outrage as often ("Incredibile!", "è
# incredibile che…"; 4 of SENTIPOLC's 11 posts with "incredibile" are negative, 2 positive).
_ATTRIBUTE = r"(?<=[^\W\d_] )incredibil[ei]\b(?! (?:che|come)\b)"
_NOT_A_THING = frozenset(("è", "e", "sono", "era", "erano", "sei", "siete", "siamo", "più", "molto", "così",
                          "davvero", "proprio", "veramente", "troppo", "poi", "che", "non", "ma", "ed"))
_WORDS = re.compile(r"\b(?:" + "|".join(_PRAISE) + r")\b|" + _ATTRIBUTE, re.IGNORECASE)
_BEFORE = re.compile(r"([^\W\d_]+) $")
# A negation up to two words before a praise word takes it back: "non è eccezionale", "non mi è
# piaciuto", "niente di speciale", "tutt'altro che perfetto", "poco affidabile".
_NEGATION = re.compile(r"\b(?:non|mica|niente di|nulla di|per niente|affatto|tutt'altro che|poco|né|neanche"
                       r"|nemmeno|neppure)(?:\s+[^\s.!?,;:]+){0,2}\s+$", re.IGNORECASE)


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40):start] + " "))


def _spans(text: str, phrase: str) -> Iterable[re.Match[str]]:
    return re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text, re.IGNORECASE)


def italian_praise(text: str, cue_words: Sequence[str]) -> tuple[list[str], list[str]]:
    """(praise, taken back): the evaluative words of ``text`` and the praise cues that fired on it
    (``cue_words``) that no negation takes back, and those that every mention of is negated."""
    kept: list[str] = []
    taken_back: list[str] = []
    for m in _WORDS.finditer(text):
        before = _BEFORE.search(text[max(0, m.start() - 20):m.start()])
        if m.group(0).lower().startswith("incredibil") and (not before or before.group(1).lower() in _NOT_A_THING):
            continue  # "è incredibile", "Incredibile!": astonishment, not a thing's attribute
        (taken_back if _negated(text, m.start()) else kept).append(m.group(0))
    for word in cue_words:
        negated = [_negated(text, m.start()) for m in _spans(text, word)]
        (taken_back if negated and all(negated) else kept).append(word)
    taken = {w.lower() for w in taken_back} - {w.lower() for w in kept}
    return _distinct(kept), [w for w in _distinct(taken_back) if w.lower() in taken]


def _distinct(words: Sequence[str]) -> list[str]:
    """The first three words, each once whatever its case ("Perfetto… perfetto")."""
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(w.lower(), w)
    return list(seen.values())[:3]


TAKEN_BACK = "praise taken back"  # the cue class of praise words that a negation takes back


def with_evaluative(hits: dict[str, list[str]], text: str) -> dict[str, list[str]]:
    """Italian cue ``hits`` (``cues.italian_cues``) with the evaluative praise of ``text`` added to
    "praise" and negated praise moved to ``TAKEN_BACK`` (each class left out when empty)."""
    kept, taken_back = italian_praise(text, hits.get("praise", ()))
    out = {k: v for k, v in hits.items() if k != "praise"}
    if kept:
        out["praise"] = kept
    elif taken_back:
        out[TAKEN_BACK] = taken_back
    return out
