"""What each shipped head is trained on: sources, label mapping, hyper-parameters (chosen on val).

Pure data, read by ``scripts/train.py`` and the benchmarks. The hyper-parameters were picked on the
validation splits (see docs/understand.md for the table); only the fusion weight is re-picked by
every training run, on the first validation set of the task. A ``tuned`` task (complaint) instead
picks its settings and fusion weight by cross-validation on its training rows, every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SENTIMENT = ("negative", "neutral", "positive")
EMOTIONS = ("anger", "fear", "joy", "optimism", "sadness")
ACTS = ("appeal", "expression", "other", "question")

# Tweet Act's seven speech acts mapped to what Reale asks of a post: an *appeal* is a request or a
# suggestion to someone; an expression becomes praise or a complaint once sentiment is known.
SPEECH_ACT_MAP = {"request": "appeal", "suggestion": "appeal", "question": "question",
                  "expression": "expression", "statement": "other", "threat": "other", "other": "other"}


@dataclass(frozen=True)
class Source:
    """One labelled set: ``file`` empty means the folder's train/val files, else a held-out split."""

    folder: str
    file: str = ""
    label_field: str = ""  # read the label from this extra field (as a string) instead of "label"
    label_map: dict[str, str] = field(default_factory=dict)  # unmapped labels are kept as they are
    drop: tuple[str, ...] = ()  # labels whose rows are left out
    dedup_val: bool = False  # drop validation rows whose text is also in training
    balanced: bool = False  # score this validation set with class-balanced weights


@dataclass(frozen=True)
class Task:
    head: str
    classes: tuple[str, ...]
    sources: tuple[Source, ...]
    ngram_c: float
    emb_c: float
    metric: str = "macro_f1"  # which figure picks the fusion weight (on the first source's val)
    lexicon: bool = False  # read the lexicon columns (VADER, Italian cues): kept where val improved
    # choose the Cs, NB weighting, sentence-vector weight and fusion weight by cross-validation on
    # the training rows (reale.understand.selection) instead of ngram_c, emb_c and validation
    tuned: bool = False
    # a tuned task's embedding view reads standardised features (``selection.STANDARDISED``)
    standardise: bool = False


_IT_SENT = Source("sentiment/it", drop=("mixed",), balanced=True)
_FEEL_IT_POLARITY = Source("emotion/it", "feel-it.jsonl", label_map={
    "joy": "positive", "anger": "negative", "sadness": "negative", "fear": "negative"})

TASKS: tuple[Task, ...] = (
    Task("sentiment-en", SENTIMENT, (Source("sentiment/en", dedup_val=True), _IT_SENT),
         ngram_c=3.0, emb_c=1.0, metric="macro_recall", lexicon=True),
    # FEEL-IT's joy as positive and its anger, sadness and fear as negative: Italian tweets that are
    # not about politics (SENTIPOLC val, balanced macro-F1 71.0 → 71.8 before the cue corrections)
    Task("sentiment-it", SENTIMENT, (_IT_SENT, _FEEL_IT_POLARITY), ngram_c=10.0, emb_c=1.0, lexicon=True),
    Task("emotion", EMOTIONS, (Source("emotion/it", "feel-it.jsonl"), Source("emotion/en")),
         ngram_c=10.0, emb_c=3.0),
    Task("irony", ("ironic", "not_ironic"), (Source("irony/en"),), ngram_c=1.0, emb_c=0.3),
    # trained apart: joined with the English set, it pulls English irony from 67 to 54 macro-F1
    Task("irony-it", ("ironic", "not_ironic"),
         (Source("sentiment/it", label_field="ironic", label_map={"True": "ironic", "False": "not_ironic"}),),
         ngram_c=1.0, emb_c=0.3),
    Task("offensive", ("not_offensive", "offensive"), (Source("offensive/en"),), ngram_c=1.0, emb_c=0.3),
    # settings by inner CV on the training rows (nested 10-fold CV 84.1; docs/understand.md); lexicon:
    # 85.8 → 86.5 held out, but 84.0 → 83.9 by 10-fold CV (and no gain on a standardised embedding)
    Task("complaint", ("complaint", "not_complaint"), (Source("complaints/en", "train.jsonl"),),
         ngram_c=10.0, emb_c=0.3, tuned=True),
    # the same rows with the embedding standardised, its C chosen by inner CV too; served to English
    # posts only (nested 10-fold CV 84.1 → 85.3, docs/understand.md): on non-English posts, read by
    # the embedding alone, standardising weighs columns that carry English rather than meaning
    Task("complaint-en", ("complaint", "not_complaint"), (Source("complaints/en", "train.jsonl"),),
         ngram_c=10.0, emb_c=0.003, tuned=True, standardise=True),
    Task("acts", ACTS, (Source("speech-acts/en", "train.jsonl", label_map=SPEECH_ACT_MAP),),
         ngram_c=10.0, emb_c=1.0),
)

# The overload path: word n-grams only, no embedding (see Understander's fast mode). Italian posts
# read their own head (a joint one scores 56 on Italian, an Italian-only one 66).
FAST_TASKS: tuple[Task, ...] = (
    Task("sentiment-fast", SENTIMENT, (Source("sentiment/en", dedup_val=True), _IT_SENT),
         ngram_c=1.0, emb_c=0.0, metric="macro_recall"),
    Task("sentiment-fast-it", SENTIMENT, (_IT_SENT,), ngram_c=3.0, emb_c=0.0),
)


def task(head: str) -> Task:
    for t in (*TASKS, *FAST_TASKS):
        if t.head == head:
            return t
    raise KeyError(head)
