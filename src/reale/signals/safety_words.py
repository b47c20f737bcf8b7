"""A moment's safety reasons (written in English by ``reale.signals.safety``) in the reader's
language: each sentence the safety read writes has its Italian here, beside the module that
writes them, for the desk and for alerts; a reason from elsewhere stays as written and says it
is English, so a screen reader reads it as English.
"""

from __future__ import annotations

import re

_IT: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"the moment's own terms are tragic or violent: (.+)",
     r"i termini stessi del momento sono tragici o violenti: \1"),
    (r"(\d+%) of its posts use tragic or violent words \((.+)\)",
     r"il \1 dei suoi post usa parole tragiche o violente (\2)"),
    (r"its posts read as talk of a disaster, an attack or a deadly accident "
     r"\(crisis model: ([\d.]+) on average\)",
     r"i suoi post parlano di un disastro, un attentato o un incidente mortale "
     r"(modello delle crisi: \1 in media)"),
    (r"some of its posts read as talk of a disaster or an attack "
     r"\(crisis model: ([\d.]+) on average\)",
     r"alcuni suoi post parlano di un disastro o di un attentato (modello delle crisi: \1 in media)"),
    (r"(\d+%) of its posts are fearful or angry", r"il \1 dei suoi post esprime paura o rabbia"),
    (r"divisive topic \((.+) in (\d+%) of posts\)", r"tema divisivo (\1 nel \2 dei post)"),
    (r"(\d+%) of its posts are negative", r"il \1 dei suoi post è negativo"),
    (r"(\d+%) of its posts are sad", r"il \1 dei suoi post è triste"),
    (r"some posts mention (.+)", r"alcuni post parlano di \1"),
    (r"no tragic, violent or divisive cues; the mood is not fearful or angry",
     r"nessun segnale tragico, violento o divisivo; il clima non è di paura né di rabbia"),
))


def safety_reason(reason: str, lang: str) -> tuple[str, str]:
    """``(text, its language)``: the reason in ``lang`` where the safety read's sentence is
    known, else as written, in English.

    >>> safety_reason("42% of its posts are fearful or angry", "it")
    ('il 42% dei suoi post esprime paura o rabbia', 'it')
    >>> safety_reason("some of its posts read as talk of a disaster or an attack (crisis model: "
    ...               "0.41 on average)", "it")[0]
    'alcuni suoi post parlano di un disastro o di un attentato (modello delle crisi: 0,41 in media)'
    >>> safety_reason("a reason from elsewhere", "it")
    ('a reason from elsewhere', 'en')
    """
    if lang == "it":
        for pattern, italian in _IT:
            if pattern.fullmatch(reason):
                return _CRISIS.sub(r"\1,\2", pattern.sub(italian, reason)), "it"
    return reason, "en"


_CRISIS = re.compile(r"(?<=modello delle crisi: )(\d+)\.(\d+)")  # 0,81: the Italian decimal comma


__all__ = ["safety_reason"]
