"""The safety read of a moment a brand could join: is it tragic, violent or divisive? From its
terms (lexicons), and from the sentiment and emotion of its posts (an injected labeller; the
default is a small lexicon scorer), to a verdict: safe, caution or avoid, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

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


def _term_hits(name: str, keywords: Sequence[str], texts: Sequence[str]) -> tuple[list[str], float]:
    """Lexicon words among the moment's terms, and the share of its posts containing one."""
    lex = lexicon(name)
    found = dict.fromkeys(lex.hits([w for k in keywords for w in k.split()]))  # and bigrams' words
    with_hit = 0
    for text in texts:
        hits = lex.hits(text_words(text, hashtags=True)[:64])
        with_hit += bool(hits)
        found.update(dict.fromkeys(hits))
    return list(found)[:8], with_hit / len(texts) if texts else 0.0


def safety_read(keywords: Sequence[str], texts: Sequence[str], labeller: Labeller | None = None,
                config: SafetyConfig | None = None) -> SafetyRead:
    """Read a moment from its keywords (the term, co-occurring terms) and sample posts."""
    cfg = config or SafetyConfig()
    labels = (labeller or lexicon_labeller)(list(texts)) if texts else []
    tragic, tragic_share = _term_hits("tragic", keywords, texts)
    violent, violent_share = _term_hits("violent", keywords, texts)
    divisive, divisive_share = _term_hits("divisive", keywords, texts)
    fear, anger = _share(labels, "emotion", "fear"), _share(labels, "emotion", "anger")
    sadness, negative = _share(labels, "emotion", "sadness"), _share(labels, "sentiment", "negative")
    key_hit = [k for k in keywords[:3] if k in lexicon("tragic") or k in lexicon("violent")]
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
