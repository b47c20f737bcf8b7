"""The safety read of a moment a brand could join: is it tragic, violent or divisive? From its
terms (lexicons), and from the sentiment, emotion and crisis reading of its posts (an injected
labeller: the understanding models where they are loaded, else a small lexicon scorer with no
crisis reading), to a verdict: safe, caution or avoid, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

import msgspec

from reale.signals.figurative import literal_hits
from reale.signals.lexicons import lexicon
from reale.signals.terms import words as text_words

Labeller = Callable[[Sequence[str]], list[dict[str, str]]]
EMOTIONS = ("anger", "fear", "sadness", "joy")
CONFIDENT = 0.6  # a model's sentiment or emotion counts from this probability
# The understanding models' labels the safety read uses: the rest (language aside, which every
# batch reads) are never computed for it
SAFETY_TASKS = ("sentiment", "emotion", "crisis")


class BatchLabel(Protocol):
    """The understanding models' batch labeller, asked for some of its labels only
    (``reale.run.wiring.Understanding.label``, ``Understander.annotate_batch``)."""

    def __call__(self, texts: list[str], langs: list[Sequence[str] | None], *, fast: bool,
                 tasks: Collection[str]) -> Sequence[Any]: ...


class SafetyConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    avoid_text_share: float = 0.2  # share of posts with tragic or violent words that means avoid
    avoid_fear_anger: float = 0.4  # share of fearful or angry posts that means avoid
    caution_fear_anger: float = 0.2
    caution_negative: float = 0.5
    caution_sadness: float = 0.3
    caution_divisive_share: float = 0.2
    # mean P(crisis talk) of its posts (the understanding models' crisis label) that means avoid,
    # and caution: on the simulator's scenarios an earthquake's posts average 0.8-0.9, a stadium
    # blackout's 0.2-0.3, a snowballing product complaint's under 0.1
    avoid_crisis: float = 0.5
    caution_crisis: float = 0.35
    # drop figurative uses of tragic and violent words ("my phone died", "I'm dead 😂", "the app
    # crashed", "che disastro" about a delivery): see reale.signals.figurative
    figurative_rules: bool = True
    # the "same story" link (reale.signals.moment_links): a whole-stream moment alerted within
    # link_window seconds of one that reads avoid on its own inherits avoid when link_share of
    # its posts (at least link_min_posts) also carry that moment's term, or, for a term new to
    # the stream (seen at most link_new_per_hour before its burst: a town's name), when
    # link_named_posts of its posts carry that term beside tragic or violent words
    link_window: float = 1800.0
    link_share: float = 0.6
    link_min_posts: int = 2
    link_named_posts: int = 1
    link_new_per_hour: float = 6.0
    # one tragedy, one alert (reale.signals.moment_fold): a whole-stream moment that reads avoid
    # when first raised joins the avoid moment it is linked to, or else the latest one that read
    # avoid on its own within link_window, as one of its names ("also"), instead of alerting
    fold_avoid: bool = True


class SafetyRead(msgspec.Struct, frozen=True, kw_only=True):
    verdict: str  # "safe", "caution" or "avoid"
    reasons: tuple[str, ...]
    tragic_terms: tuple[str, ...] = ()
    violent_terms: tuple[str, ...] = ()
    divisive_terms: tuple[str, ...] = ()
    posts: int = 0
    negative_share: float = 0.0
    fear_share: float = 0.0
    anger_share: float = 0.0
    sadness_share: float = 0.0
    crisis: float | None = None  # mean P(crisis talk) of its posts; None without the models
    # the moment whose verdict this read inherits (its term), when the moment is part of that
    # moment's story (reale.signals.moment_links); "" for a moment read on its own
    linked_to: str = ""


def lexicon_labeller(texts: Sequence[str]) -> list[dict[str, str]]:
    """The default labeller: sentiment and dominant emotion from cue words (en, it)."""
    out = []
    for text in texts:
        words = text_words(text, hashtags=True)[:64]
        pos = len(lexicon("positive").hits(words))
        neg = len(lexicon("negative").hits(words))
        sentiment = "positive" if pos > neg else "negative" if neg > pos else "neutral"
        scores = {e: len(lexicon(e).hits(words)) for e in EMOTIONS}
        best = max(EMOTIONS, key=lambda e: scores[e])
        out.append({"sentiment": sentiment, "emotion": best if scores[best] else "none"})
    return out


def understanding_labeller(label: BatchLabel, confident: float = CONFIDENT,
                           tasks: Collection[str] = SAFETY_TASKS) -> Labeller:
    """The safety read's labeller from the understanding models' batch labeller, asked for
    ``tasks`` only (``label(texts, langs, fast=False, tasks=tasks)``): each post's P(crisis
    talk), and its sentiment and emotion where the model gives them at least ``confident``
    probability (the emotion model always names one of four emotions: a joke read as 0.4
    "anger" is no sign of an angry crowd)."""

    def sure(value: Any, scores: Any) -> str:
        if not value or not isinstance(scores, dict) or scores.get(value, 0.0) < confident:
            return ""
        return str(value)

    def labeller(texts: Sequence[str]) -> list[dict[str, str]]:
        out = label(list(texts), [None] * len(texts), fast=False, tasks=tasks)
        rows = []
        for u in out:
            crisis = getattr(u, "crisis_score", None)
            rows.append({"sentiment": sure(getattr(u, "sentiment", None),
                                           getattr(u, "sentiment_scores", None)),
                         "emotion": sure(getattr(u, "emotion", None),
                                         getattr(u, "emotion_scores", None)),
                         "crisis": "" if crisis is None else f"{float(crisis):.4f}"})
        return rows

    return labeller


def _share(labels: list[dict[str, str]], key: str, value: str) -> float:
    return sum(1 for x in labels if x.get(key) == value) / len(labels) if labels else 0.0


def _crisis(labels: list[dict[str, str]]) -> float | None:
    """Mean P(crisis talk) over the posts the labeller read it for (None: it read none)."""
    values = []
    for x in labels:
        try:
            values.append(float(x["crisis"]))
        except (KeyError, ValueError):
            continue
    return sum(values) / len(values) if values else None


def _cue_words(text: str, names: tuple[str, ...], figurative_rules: bool) -> dict[str, list[str]]:
    if figurative_rules:
        return literal_hits(text, names)
    words = text_words(text, hashtags=True)[:64]
    return {name: lexicon(name).hits(words) for name in names}


def _figurative_only(texts: Sequence[str], literal: list[dict[str, list[str]]],
                     names: tuple[str, ...]) -> set[str]:
    """Cue words the posts use, but never literally: "morto" where every post says "il mio è morto"."""
    used = {w for text in texts for ws in _cue_words(text, names, False).values() for w in ws}
    return used - {w for hits in literal for ws in hits.values() for w in ws}


def _term_hits(keywords: Sequence[str], texts: Sequence[str],
               figurative_rules: bool) -> tuple[dict[str, tuple[list[str], float]], list[str]]:
    """Per lexicon (tragic, violent, divisive): its words among the moment's terms and posts, and
    the share of its posts that use one (literally, with ``figurative_rules``); and the moment's
    top three terms that are tragic or violent words."""
    names = ("tragic", "violent", "divisive")
    found: dict[str, dict[str, None]] = {name: {} for name in names}
    with_hit = dict.fromkeys(names, 0)
    # A term is read through its posts: a co-occurring "morto" whose posts all say "il mio è
    # morto" is no tragic term. A bigram's words count too: "dead battery" is read as a phrase.
    per_text = [_cue_words(text, names, figurative_rules) for text in texts]
    skip = _figurative_only(texts, per_text, names) if figurative_rules else set()
    key_hit = []
    for i, k in enumerate(keywords):
        words = {name: [w for w in hits if w not in skip]
                 for name, hits in _cue_words(k, names, figurative_rules).items()}
        for name, hits in words.items():
            found[name].update(dict.fromkeys(hits))
        if i < 3 and (k in lexicon("tragic") or k in lexicon("violent")) and (
                words["tragic"] or words["violent"]):
            key_hit.append(k)
    for text_hits in per_text:
        for name, hits in text_hits.items():
            with_hit[name] += bool(hits)
            found[name].update(dict.fromkeys(hits))
    shares = {name: (list(found[name])[:8], with_hit[name] / len(texts) if texts else 0.0)
              for name in names}
    return shares, key_hit


def safety_read(keywords: Sequence[str], texts: Sequence[str], labeller: Labeller | None = None,
                config: SafetyConfig | None = None) -> SafetyRead:
    """Read a moment from its keywords (the term, co-occurring terms) and sample posts."""
    cfg = config or SafetyConfig()
    labels = (labeller or lexicon_labeller)(list(texts)) if texts else []
    hits, key_hit = _term_hits(keywords, texts, cfg.figurative_rules)
    (tragic, tragic_share), (violent, violent_share) = hits["tragic"], hits["violent"]
    divisive, divisive_share = hits["divisive"]
    fear, anger = _share(labels, "emotion", "fear"), _share(labels, "emotion", "anger")
    sadness, negative = _share(labels, "emotion", "sadness"), _share(labels, "sentiment", "negative")
    avoid, caution = [], []
    if key_hit:
        avoid.append(f"the moment's own terms are tragic or violent: {', '.join(key_hit)}")
    if max(tragic_share, violent_share) >= cfg.avoid_text_share:
        avoid.append(f"{max(tragic_share, violent_share):.0%} of its posts use tragic or violent "
                     f"words ({', '.join((tragic + violent)[:5])})")
    crisis = _crisis(labels)
    if crisis is not None and crisis >= cfg.avoid_crisis:
        avoid.append(f"its posts read as talk of a disaster, an attack or a deadly accident "
                     f"(crisis model: {crisis:.2f} on average)")
    elif crisis is not None and crisis >= cfg.caution_crisis:
        caution.append(f"some of its posts read as talk of a disaster or an attack (crisis "
                       f"model: {crisis:.2f} on average)")
    if fear + anger >= cfg.avoid_fear_anger and crisis is None:
        avoid.append(f"{fear + anger:.0%} of its posts are fearful or angry")
    elif fear + anger >= cfg.avoid_fear_anger:
        # with the models' crisis reading, the crisis model decides what is a tragedy: their
        # emotion head alone is no sign of one (on the simulator's stadium blackout a third of the
        # jokes read as confident "anger"); an angry crowd is still a reason for caution
        caution.append(f"{fear + anger:.0%} of its posts are fearful or angry")
    elif fear + anger >= cfg.caution_fear_anger:
        caution.append(f"{fear + anger:.0%} of its posts are fearful or angry")
    if divisive and divisive_share >= cfg.caution_divisive_share:
        caution.append(f"divisive topic ({', '.join(divisive[:5])} in {divisive_share:.0%} of posts)")
    if negative >= cfg.caution_negative:
        caution.append(f"{negative:.0%} of its posts are negative")
    if sadness >= cfg.caution_sadness:
        caution.append(f"{sadness:.0%} of its posts are sad")
    if (tragic or violent) and not avoid:
        caution.append(f"some posts mention {', '.join((tragic + violent)[:3])}")
    verdict = "avoid" if avoid else "caution" if caution else "safe"
    reasons = avoid + caution or ["no tragic, violent or divisive cues; the mood is not fearful "
                                  "or angry"]
    return SafetyRead(verdict=verdict, reasons=tuple(reasons), tragic_terms=tuple(tragic),
                      violent_terms=tuple(violent), divisive_terms=tuple(divisive),
                      posts=len(texts), negative_share=negative, fear_share=fear,
                      anger_share=anger, sadness_share=sadness, crisis=crisis)
