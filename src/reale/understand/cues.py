"""Hand-written Italian cue patterns for intent and complaints, where no Italian labelled data exists.

Each cue that fires adds a fixed log-odds to its class and is named in the explanation. The lists
are checked against SENTIPOLC's sentiment labels (complaint cues must fall mostly on negative posts,
praise cues on positive ones): see ``cue_polarity`` and tests/test_understand_cues.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CUE_LOGIT = 1.5  # log-odds a firing cue class gains

_IT: dict[str, tuple[str, ...]] = {
    "question": (
        r"\?", r"^(?:come|quando|dove|perch[eé]|chi|quale|quali|quanto|quanti|cosa|che cosa)\b",
        r"\bcome mai\b", r"\bqualcuno sa\b", r"\bsapete\b", r"\bsai se\b", r"\bqualcuno ha\b",
        r"\bc'[eè] (?:un|qualcuno|modo)\b", r"\bsi pu[oò]\b",
    ),
    "appeal": (
        r"\bper (?:favore|piacere|cortesia)\b", r"\bpf\b", r"\bpls\b", r"\bvi prego\b", r"\bti prego\b",
        r"\bpotete\b", r"\bpotreste\b", r"\bpuoi\b", r"\bpotresti\b", r"\bvorrei\b", r"\bvorremmo\b",
        r"\baiutatemi\b", r"\baiutateci\b", r"\baiuto\b", r"\bchiedo\b", r"\bchiediamo\b",
        r"\b(?:rimettete|riportate|aggiungete|fate|mettete|sistemate|rispondete|contattatemi)\b",
        r"\bdovreste\b", r"\bsarebbe bello\b", r"\bspero che\b",
        # A second-person plural imperative with "me"/"us" attached asks the brand (voi) for
        # something: "aiutateci", "scrivetemi", "fatemi…" ("scusatemi" excuses, "ditemi" asks to be
        # told). 26 SENTIPOLC posts: 11 negative, 11 neutral, 2 mixed, 2 positive.
        r"\b(?!(?:scusa|perdona|di)te)[a-zàèéìòù]+(?:ate|ete|ite)(?:mi|ci)\b",
    ),
    "complaint": (
        r"\bvergogna\b", r"\bvergognatevi\b", r"\bschifo\b", r"\bpessim[oaie]\b", r"\bdisservizi?o?\b",
        r"\bda (?:giorni|settimane|mesi|ore)\b", r"\bancora (?:non|niente|nessun)", r"\bnon funziona\b",
        r"\bnon va\b", r"\bbloccat[oaie]\b", r"\brimborso\b", r"\breclamo\b", r"\binaccettabile\b",
        r"\bmai pi[uù]\b", r"\btruffa\b", r"\bladri\b", r"\bvergognoso\b", r"\bscandalo\b",
        r"\bnessuno risponde\b", r"\bnon rispondete\b", r"\bassurdo\b", r"\bdeluso\b", r"\bdelusa\b",
        r"\bridicol[oaie]\b", r"\bsenza (?:linea|rete|connessione|risposta)\b",
    ),
    "praise": (
        r"\bgrazie\b", r"\bbravi\b", r"\bbravissim[oaie]\b", r"\bcomplimenti\b", r"\badoro\b",
        r"\bfantastic[oaie]\b", r"\bottim[oaie]\b", r"\bil migliore\b", r"\bla migliore\b",
        r"\bstupend[oaie]\b", r"\bmeraviglios[oaie]\b", r"\bsuper\b", r"\bgrandi\b", r"\bevviva\b",
        r"\bche bell[oaie]\b", r"\bti amo\b", r"\bvi amo\b", r"\bgentilissim[oaie]\b",
    ),
}

_COMPILED = {k: re.compile("|".join(f"(?:{p})" for p in v), re.IGNORECASE) for k, v in _IT.items()}
CLASSES = tuple(_IT)


def italian_cues(text: str) -> dict[str, list[str]]:
    """Cue class → the words of ``text`` that fired it (empty classes left out)."""
    out: dict[str, list[str]] = {}
    for cls, rx in _COMPILED.items():
        hits = [m.group(0).strip() for m in rx.finditer(text)]
        if hits:
            out[cls] = list(dict.fromkeys(hits))[:3]
    return out


def cue_polarity(texts: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """For each cue class, how many posts it fires on per sentiment label (to check the lists)."""
    out: dict[str, dict[str, int]] = {c: {} for c in CLASSES}
    for text, label in zip(texts, labels, strict=True):
        for cls in italian_cues(text):
            out[cls][label] = out[cls].get(label, 0) + 1
    return out
