"""Cue corrections to the sentiment label, so that sentiment and intent tell the same story.

A denied problem ("zero problemi", "not a single problem") swaps the heads' negative and positive
scores (``reale.understand.litotes``), and so does a thing singled out by a quality
(``reale.understand.distinction``); in Italian, a praise or complaint cue adds
``SENTIMENT_CUE_LOGIT`` to positive or negative, half of what a cue adds to an intent. Measured on
SENTIPOLC's validation split (3 classes, class-balanced macro-F1): 71.04 → 71.16.

A polite ask with no negative word ("mandatemi un Mela 12 Pro da provare": ``grievance``) is a
request, not a grievance: where the heads read it negative above all, negative and neutral swap.
A post of emoji alone is read by the emoji lexicon (``emoji.emoji_read``), not by the heads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from reale.understand.emoji import READ_SHARE, EmojiRead
from reale.understand.evaluative import TAKEN_BACK
from reale.understand.grievance import negative_words
from reale.understand.heads import F32
from reale.understand.litotes import denied_problems

SENTIMENT_CUE_LOGIT = 0.75
# A bare plea is no request for something ("Vi prego, qualcuno fermi…", "no, ti prego"): in
# SENTIPOLC it is as often exasperation (5 of its 18 posts with an ask and no negative word).
_PLEA = re.compile(r"^(?:ti|vi) prego$|^ve lo chiedo$|^i(?:'m| am) begging$", re.IGNORECASE)
_CUE_CLASS = {"praise": "positive", "complaint": "negative", TAKEN_BACK: "negative"}


def asked_not_aggrieved(classes: Sequence[str], p: F32, text: str, lang: str, asks: Sequence[str],
                        hits: dict[str, list[str]]) -> tuple[F32, list[str]]:
    """``p`` with negative and neutral swapped where ``text`` asks politely (``asks``), carries no
    negative word and no Italian complaint cue, and the heads read it negative above all."""
    neg, neu = list(classes).index("negative"), list(classes).index("neutral")
    asks = [a for a in asks if not _PLEA.match(a)]
    if not asks or "complaint" in hits or TAKEN_BACK in hits or int(p.argmax()) != neg \
            or negative_words(text, lang):
        return p, []
    out = p.copy()
    out[neg], out[neu] = out[neu], out[neg]
    return out, ["an ask with no negative word: " + ", ".join(asks)]


def emoji_scores(classes: Sequence[str], p: F32, label: str, read: EmojiRead) -> tuple[F32, list[str]]:
    """``p`` moved toward ``label`` (of ``classes``), an emoji-only post's read: ``label`` gains
    ``READ_SHARE`` of the mass, the heads' scores keep the rest."""
    target = np.zeros(len(classes), dtype=np.float32)
    target[list(classes).index(label)] = 1.0
    out = ((1.0 - READ_SHARE) * p + READ_SHARE * target).astype(np.float32)
    return out, ["emoji only: " + " ".join(read.emoji)]


def corrected(classes: Sequence[str], p: F32, text: str,
              hits: dict[str, list[str]], singled: Sequence[str] = ()) -> tuple[F32, list[str]]:
    """``p`` (sentiment probabilities over ``classes``) after the cues of ``text``, and notes.

    ``hits``: the Italian cues of ``text`` (``cues.italian_cues``; empty for other languages);
    ``singled``: the phrases that single a thing out by a quality (``Understander`` passes those of
    posts that the complaint label does not read as complaints).
    """
    out = p.astype(np.float32)
    notes: list[str] = []
    neg, pos = list(classes).index("negative"), list(classes).index("positive")
    for turned, note in ((denied_problems(text), "a problem denied: "), (singled, "singled out: ")):
        if turned and "complaint" not in hits and out[neg] > out[pos]:
            out = out.copy()
            out[neg], out[pos] = out[pos], out[neg]
            notes.append(note + ", ".join(turned))
            break
    fired = [c for c in _CUE_CLASS if c in hits]
    if fired:
        logits = np.log(np.clip(out, 1e-6, 1.0))
        for cue in fired:
            logits[list(classes).index(_CUE_CLASS[cue])] += SENTIMENT_CUE_LOGIT
            notes.append(f"Italian {cue if cue == TAKEN_BACK else cue + ' cue'}: " + ", ".join(hits[cue]))
        e = np.exp(logits - logits.max())
        out = (e / e.sum()).astype(np.float32)
    return out, notes
