"""Intent as a combination of heads: what a post wants from the brand.

    complaint = C = min(1, P(complaint) · (½ + P(negative)))
    appeal    = (1 − C) · P(act = appeal)          request or suggestion
    question  = (1 − C) · P(act = question)
    praise    = (1 − C) · P(act = expression) · P(positive)
    other     = the rest

The complaint head was trained on tweets sent to customer-care accounts, where most posts are
complaints, so it leans towards "complaint" for any post addressed to a brand; weighing it by the
sentiment head's P(negative) keeps a neutral product question a question. Chosen on the
validation splits (speech acts → intent macro-F1 0.640 → 0.666, complaint-as-intent F1 on the
complaints validation split 0.795 → 0.820; see docs/understand.md).

Italian cue patterns (``reale.understand.cues``) add log-odds to the act or the complaint first.
A polite ask in English or Italian (``reale.understand.asks``: "asking nicely", "could you send
me…?", "mi regalate…?") makes the act's question share part of the appeal and adds ``ASK_LOGIT``
to it; the question mark it is worded with no longer counts as an Italian question cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reale.understand.asks import ASK_COMPLAINT_SHARE, ASK_LOGIT
from reale.understand.cues import CUE_LOGIT
from reale.understand.heads import F32


def _shift(p: F32, index: int, amount: float) -> F32:
    logits = np.log(np.clip(p, 1e-6, 1.0))
    logits[index] += amount
    e = np.exp(logits - logits.max())
    out: F32 = (e / e.sum()).astype(np.float32)
    return out


def complaint_weight(p_complaint: float, p_negative: float) -> float:
    """The complaint intent's share: the complaint head's probability weighed by negativity."""
    return min(1.0, p_complaint * (0.5 + p_negative))


def combine(act_classes: Sequence[str], acts: F32, p_complaint: float, p_positive: float,
            italian: dict[str, list[str]], p_negative: float = 0.5,
            asks: Sequence[str] = (), complaint_from_embedding: bool = False,
            ) -> tuple[dict[str, float], list[str]]:
    """Intent scores (summing to 1) and the cue notes that moved them.

    ``complaint_from_embedding``: the complaint head read the post through the shared embedding
    only (an Italian post without an Italian complaint cue).
    """
    why = []
    if asks and complaint_from_embedding:
        # With no Italian complaint data the head leans "complaint" for anything addressed to a
        # brand; a polite ask with no complaint cue is the request it says it is ("mi prestate
        # una macchina? ...la mia è stata sfondata": the damage is not the brand's doing).
        p_complaint *= ASK_COMPLAINT_SHARE
        why.append("polite ask and no Italian complaint cue: the complaint head counts half")
    if asks:  # a polite ask worded as a question is a request: the question's share joins the appeal
        qi, ai = list(act_classes).index("question"), list(act_classes).index("appeal")
        acts = acts.copy()
        acts[ai], acts[qi] = acts[ai] + acts[qi], 0.0
        acts = _shift(acts, ai, ASK_LOGIT)
        why.append("polite ask: " + ", ".join(asks))
    for cls in ("question", "appeal"):
        if cls == "question" and asks:
            continue  # "mi regalate un bouquet?": the question is how the request is worded
        if cls in italian:
            acts = _shift(acts, list(act_classes).index(cls), CUE_LOGIT)
            why.append(f"Italian {cls} cue: " + ", ".join(italian[cls]))
    if "praise" in italian:
        acts = _shift(acts, list(act_classes).index("expression"), CUE_LOGIT)
        p_positive = float(1 / (1 + np.exp(-(np.log(p_positive / max(1 - p_positive, 1e-6)) + CUE_LOGIT))))
        why.append("Italian praise cue: " + ", ".join(italian["praise"]))
    a = dict(zip(act_classes, (float(v) for v in acts), strict=True))
    complaint = complaint_weight(p_complaint, p_negative)
    rest = 1.0 - complaint
    scores = {
        "appeal": rest * a["appeal"],
        "complaint": complaint,
        "question": rest * a["question"],
        "praise": rest * a["expression"] * p_positive,
    }
    scores["other"] = max(0.0, 1.0 - sum(scores.values()))
    return scores, why
