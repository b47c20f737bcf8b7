"""The safety read of a moment a brand could join: is it tragic, violent or divisive? From its
terms (lexicons), and from the sentiment and emotion of its posts (an injected labeller; the
default is a small lexicon scorer), to a verdict: safe, caution or avoid, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from reale.signals.figurative import literal_hits
from reale.signals.lexicons import lexicon
from reale.signals.terms import words as text_words

Labeller = Callable[[Sequence[str]], list[dict[str, str]]]
EMOTIONS = ("anger", "fear", "sadness", "joy")


class SafetyConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    avoid_text_share: float = 0.2  # share of posts with tragic or violent words that means avoid
    avoid_fear_anger: float = 0.4  # share of fearful or angry posts that means avoid
    caution_fear_anger: float = 0.2
    caution_negative: float = 0.5
    caution_sadness: float = 0.3
    caution_divisive_share: float = 0.2
    # drop figurative uses of tragic and violent words ("my phone died", "I'm dead 😂", "the app
    # crashed", "che disastro" about a delivery): see reale.signals.figurative
    figurative_rules: bool = True


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


def _share(labels: list[dict[str, str]], key: str, value: str) -> float:
    return sum(1 for x in labels if x.get(key) == value) / len(labels) if labels else 0.0


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
    if fear + anger >= cfg.avoid_fear_anger:
        avoid.append(f"{fear + anger:.0%} of its posts are fearful or angry")
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
                      anger_share=anger, sadness_share=sadness)
