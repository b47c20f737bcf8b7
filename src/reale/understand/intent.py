"""Intent as a combination of heads: what a post wants from the brand.

    complaint = C = min(1, P(complaint) · (½ + P(negative)))
    appeal    = (1 − C) · P(act = appeal)          request or suggestion
    question  = (1 − C) · P(act = question)
    praise    = (1 − C) · (P(act = expression) + [P(positive) − P(neutral) ≥ m] · P(act = other)) · P(positive)
    other     = the rest (less an undecided statement's share; the scores are then renormalised)

Praise is a positive post that neither asks nor questions: Tweet Act's statements ("the night
photos are unreal") praise as much as its expressions ("love it!"), but only where the sentiment
head reads positive clearly above neutral (margin m = ``STATEMENT_MARGIN``): a neutral statement
with some warmth ("catch him this Friday night") read as praise otherwise (English sentiment
validation, neutral posts read as praise 4 % → 10 % when statements started to count, 8.3 % now).

The complaint head was trained on tweets sent to customer-care accounts, where most posts are
complaints, so it leans towards "complaint" for any post addressed to a brand; weighing it by the
sentiment head's P(negative) keeps a neutral product question a question. Chosen on the
validation splits (speech acts → intent macro-F1 0.640 → 0.666, complaint-as-intent F1 on the
complaints validation split 0.795 → 0.820; see docs/understand.md).

Italian cue patterns (``reale.understand.cues``) add log-odds to the act or the complaint first.
A polite ask in English or Italian (``reale.understand.asks``: "asking nicely", "could you send
me…?", "mi regalate…?") makes the act's question share part of the appeal and adds ``ASK_LOGIT``
to it; the question mark it is worded with no longer counts as an Italian question cue.
Where the speech-act head read only the embedding (no act n-grams for the language), an appeal
needs words of asking (a polite ask or an Italian appeal cue); a request for information ("could
you please tell me if…") adds to the question; a denied problem ("zero problemi") turns the heads'
negativity around and halves the complaint head. A thing singled out by a quality ("the only ones
that taste like real coffee") turns it around too and praises as a praise cue does; a post that
waits to see ("vediamo se @brand risponde 😂") gives its praise share to other. A push for
someone else ("rispondete a Sara, non è l'unica") asks nothing for the writer: its appeal share
goes to other (and it is a complaint cue: ``reale.understand.pushes``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reale.understand.asks import ASK_COMPLAINT_SHARE, ASK_LOGIT
from reale.understand.cues import CUE_LOGIT
from reale.understand.evaluative import TAKEN_BACK
from reale.understand.heads import F32

DENIED_COMPLAINT_SHARE = 0.5  # the complaint head's weight when the post denies the problem it read
# How far P(positive) must exceed P(neutral) for a statement to praise: the margin that maximises
# intent macro-F1 on the speech acts' held-out rows (0.0: 67.35, 0.1: 67.41, 0.15: 67.28, 0.2:
# 67.21, 0.3: 67.01); neutral English validation posts read as praise 9.6 % → 8.3 % (0.2: 7.4 %,
# 0.3: 6.7 %, at the cost of positive posts read as praise: 671 → 658, 633, 610 of 927). Measured
# with the model file before sentiment-it learned from FEEL-IT; with it, 0.0–0.1 give 67.35–67.41.
STATEMENT_MARGIN = 0.1


def _shift(p: F32, index: int, amount: float) -> F32:
    logits = np.log(np.clip(p, 1e-6, 1.0))
    logits[index] += amount
    e = np.exp(logits - logits.max())
    out: F32 = (e / e.sum()).astype(np.float32)
    return out


def complaint_weight(p_complaint: float, p_negative: float) -> float:
    """The complaint intent's share: the complaint head's probability weighed by negativity."""
    return min(1.0, p_complaint * (0.5 + p_negative))


def _move(act_classes: Sequence[str], acts: F32, source: str, target: str) -> F32:
    """``acts`` with ``source``'s share added to ``target``'s."""
    si, ti = list(act_classes).index(source), list(act_classes).index(target)
    out = acts.copy()
    out[ti], out[si] = out[ti] + out[si], 0.0
    return out


def _asks_and_acts(act_classes: Sequence[str], acts: F32, asks: Sequence[str],
                   italian: dict[str, list[str]], acts_from_embedding: bool) -> F32:
    """The acts after the words of asking, or their absence, have had their say."""
    if asks:  # a polite ask worded as a question is a request: the question's share joins the appeal
        acts = _move(act_classes, acts, "question", "appeal")
        if acts_from_embedding:  # the words of asking decide between a request and a statement
            acts = _move(act_classes, acts, "other", "appeal")
        return _shift(acts, list(act_classes).index("appeal"), ASK_LOGIT)
    if acts_from_embedding and "appeal" not in italian:
        # The embedding alone reads many Italian statements as requests ("Il Mela 12 fa delle foto
        # incredibili"); an appeal needs words of asking: a polite ask or an Italian appeal cue.
        return _move(act_classes, acts, "appeal", "other")
    return acts


def _logistic_shift(p: float, amount: float) -> float:
    return float(1 / (1 + np.exp(-(np.log(p / max(1 - p, 1e-6)) + amount))))


def _evaluated(act_classes: Sequence[str], acts: F32, p_positive: float, p_neutral: float,
               italian: dict[str, list[str]], singled: bool, why: list[str]) -> tuple[F32, float, float]:
    """The acts, P(positive) and P(neutral) after a praise cue (a thing singled out praises as a
    praise word does) or praise taken back; the Italian cue is noted in ``why``."""
    if "praise" in italian or singled:
        acts = _shift(acts, list(act_classes).index("expression"), CUE_LOGIT)
        shifted = _logistic_shift(p_positive, CUE_LOGIT)
        if "praise" in italian:
            why.append("Italian praise cue: " + ", ".join(italian["praise"]))
    elif TAKEN_BACK in italian:  # "non è stato eccezionale": the praise word's mirror image
        shifted = _logistic_shift(p_positive, -CUE_LOGIT)
        why.append("Italian praise taken back: " + ", ".join(italian[TAKEN_BACK]))
    else:
        return acts, p_positive, p_neutral
    p_neutral *= (1.0 - shifted) / max(1.0 - p_positive, 1e-6)  # neutral keeps its share of the rest
    return acts, shifted, p_neutral


def combine(act_classes: Sequence[str], acts: F32, p_complaint: float, p_positive: float,
            italian: dict[str, list[str]], p_negative: float = 0.5,
            asks: Sequence[str] = (), complaint_from_embedding: bool = False, *,
            info: Sequence[str] = (), denied: Sequence[str] = (), acts_from_embedding: bool = False,
            singled: Sequence[str] = (), waiting: Sequence[str] = (), pushes: Sequence[str] = (),
            ) -> tuple[dict[str, float], list[str]]:
    """Intent scores (summing to 1) and the cue notes that moved them.

    ``complaint_from_embedding``: the complaint head read the post through the shared embedding
    only (an Italian post without an Italian complaint cue). ``acts_from_embedding``: so did the
    speech-act head (any language but English). ``info``: phrases asking for information
    (``asks.information_requests``); ``denied``: problems denied (``litotes.denied_problems``);
    ``singled``: a thing singled out by a quality (``distinction.singled_out``); ``waiting``: the
    post waits to see (``waiting.wait_and_see``); ``pushes``: the post tells the brand to answer
    someone else (``pushes.pushes_for_others``): no appeal, the writer asks nothing for themself.
    """
    why = []
    p_neutral = max(0.0, 1.0 - p_positive - p_negative)
    if "complaint" in italian:  # "…le uniche che arrivano rotte, vergogna": the complaint says what it is
        singled = ()
    if denied and "complaint" not in italian:
        # "zero problemi": the negativity the heads read is the problem's, which the post denies.
        p_negative, p_positive = min(p_negative, p_positive), max(p_negative, p_positive)
        p_complaint *= DENIED_COMPLAINT_SHARE
        why.append("a problem denied: " + ", ".join(denied))
    elif singled:
        # "the only ones that taste like real coffee": the heads read the others' exclusion as negativity.
        p_negative, p_positive = min(p_negative, p_positive), max(p_negative, p_positive)
        why.append("singled out: " + ", ".join(singled))
    if asks and complaint_from_embedding:
        # With no Italian complaint data the head leans "complaint" for anything addressed to a
        # brand; a polite ask with no complaint cue is the request it says it is ("mi prestate
        # una macchina? ...la mia è stata sfondata": the damage is not the brand's doing).
        p_complaint *= ASK_COMPLAINT_SHARE
        why.append("polite ask and no Italian complaint cue: the complaint head counts half")
    acts = _asks_and_acts(act_classes, acts, asks, italian, acts_from_embedding)
    if pushes and not asks:  # "rispondete a Sara": an action for another customer, not for the writer
        acts = _move(act_classes, acts, "appeal", "other")
        why.append("pushes the brand to answer someone else: " + ", ".join(pushes))
    if asks:
        why.append("polite ask: " + ", ".join(asks))
    if info and not asks:
        acts = _shift(acts, list(act_classes).index("question"), CUE_LOGIT)
        why.append("asks for information: " + ", ".join(info))
    for cls in ("question", "appeal"):
        if cls == "question" and asks:
            continue  # "mi regalate un bouquet?": the question is how the request is worded
        if cls in italian:
            acts = _shift(acts, list(act_classes).index(cls), CUE_LOGIT)
            why.append(f"Italian {cls} cue: " + ", ".join(italian[cls]))
    acts, p_positive, p_neutral = _evaluated(act_classes, acts, p_positive, p_neutral, italian,
                                             bool(singled), why)
    a = dict(zip(act_classes, (float(v) for v in acts), strict=True))
    complaint = complaint_weight(p_complaint, p_negative)
    rest = 1.0 - complaint
    scores = {
        "appeal": rest * a["appeal"],
        "complaint": complaint,
        "question": rest * a["question"],
        # A positive post that neither asks nor questions praises, be it worded as an expression
        # ("love it!") or as a statement ("the night photos are unreal"), as Tweet Act tells apart;
        # a post with a polite ask is asking, whatever else the act head heard in it.
        "praise": rest * a["expression"] * p_positive,
    }
    # A positive statement praises when it reads clearly more positive than neutral or carries an
    # Italian praise word (the Italian head, trained on politics, reads product praise flat); one
    # that does neither is undecided between praise and other: its share is left out and the
    # scores renormalised (given to other alone, it outweighed borderline complaints:
    # complaint-as-intent F1 82.7 → 82.3).
    statement = 0.0 if asks else rest * a["other"] * p_positive
    undecided = 0.0
    if p_positive - p_neutral >= STATEMENT_MARGIN or "praise" in italian or singled:
        scores["praise"] += statement
    else:
        undecided = statement
    if waiting and "praise" not in italian:  # "vediamo se @volta risponde 😂": no verdict yet
        scores["praise"], undecided = 0.0, 0.0
        why.append("waits to see: " + ", ".join(waiting))
    scores["other"] = max(0.0, 1.0 - sum(scores.values()) - undecided)
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()}, why
