"""Reading a situation: what the realness check sees in it before weighing anything.

Pure functions from a :class:`Situation` to a :class:`Reading`: the cues found in the texts, the
inferred value and visibility, the author's reach, history and amplification, each in [0, 1].
"""

from __future__ import annotations

import math

import msgspec

from reale.desk import cues
from reale.desk.realness_rules import RealnessWeights
from reale.desk.situation import Situation
from reale.desk.value import Valuation, infer_value

GIVING_KINDS = frozenset({"gift", "discount", "invite"})
BIG_ACCOUNT = 100_000  # an amplifier this big brings its own audience
MAX_ANALYSED_CHARS = 5_000  # cues are read from the first part of a long text


class Reading(msgspec.Struct, kw_only=True):
    """What the check read from a situation (cue hits quoted back in the reasons)."""

    lang: str
    kind: str  # the effective action: a reply that promises a gift is a gift
    asks: list[str]
    exchanges: list[str]  # what the author offers in return ("prometto recensione")
    demands: list[str]
    praise: list[str]
    complaint: list[str]
    question: bool
    disclosures: list[str]
    remedies: list[str]
    promises: list[str]
    valuation: Valuation
    public: float  # 1 public, 0 private, 0.5 unknown
    followers: int | None
    tier: str | None
    percentile: float | None
    reach: float
    n_close: int
    n_loud: int
    n_big: int
    bandwagon: float
    posts_about: int | None
    history: float  # +1 first contact … -1 long-time customer; 0 unknown
    partner: bool
    ask_level: float
    exchange: float  # 1 when the author asks and offers something in return: a deal
    care: str | None  # "complaint" or "question" when the author needs help
    remedy: float
    spontaneous: float
    disclosed: float
    value_norm: float
    given: float  # value given beyond any remedy, in [0, 1]


def tier_of(followers: int) -> str:
    """Industry tiers: nano < 10k ≤ micro < 100k ≤ macro < 1M ≤ mega."""
    if followers < 10_000:
        return "nano"
    if followers < 100_000:
        return "micro"
    return "macro" if followers < 1_000_000 else "mega"


def reach_of(followers: int | None, percentile: float | None) -> float:
    """Absolute reach (log scale: 1k → 0, 1M → 1), averaged with the rank among mentioners."""
    absolute = 0.33 if followers is None else min(1.0, max(0.0, (math.log10(followers + 1) - 3) / 3))
    if percentile is None:
        return absolute
    relative = min(1.0, max(0.0, (percentile - 0.5) / 0.5))
    return relative if followers is None else (absolute + relative) / 2


def history_of(posts_about: int | None) -> float:
    if posts_about is None:
        return 0.0
    if posts_about <= 1:
        return 1.0
    return max(-1.0, 1.0 - 2.0 * (posts_about - 1) / 9.0)


def _visibility(kind: str, public: bool | None) -> float:
    if public is not None:
        return 1.0 if public else 0.0
    if kind == "dm":
        return 0.0
    return 1.0 if kind in ("reply", "like", "repost") else 0.5


def _remedy(r_kind: str, care: str | None, remedies: list[str], demands: list[str]) -> float:
    if care is None or r_kind in ("like", "repost"):
        return 0.0
    if r_kind in ("reply", "dm"):
        return 1.0
    if remedies:
        return 1.0
    return 0.0 if demands else 0.5


def _care(s: Situation, complaint: list[str], demands: list[str], question: bool,
          asks: bool, repairs: bool) -> str | None:
    """Whether the author needs help: a complaint (said by the caller's model, found by the
    lexicon, or implied by a brand that apologises or repairs), or a question."""
    said = s.context.complaint
    if said or (said is None and (complaint or demands)):
        return "complaint"
    if said is None and repairs and not asks:
        return "complaint"
    return "question" if question and not asks else None


def _amplification(s: Situation) -> tuple[int, int, int, float]:
    close = sum(1 for a in s.context.amplifiers if a.close_to_author)
    loud = len(s.context.amplifiers) - close
    big = sum(1 for a in s.context.amplifiers if (a.followers or 0) >= BIG_ACCOUNT)
    effective = loud + 0.25 * close + 2 * big
    return close, loud, big, 1.0 - math.exp(-effective / 8.0)


def read(s: Situation, w: RealnessWeights) -> Reading:
    """Read everything the weights will need from a situation."""
    post = cues.normalise(s.post.text[:MAX_ANALYSED_CHARS])
    act = cues.normalise(s.action.text[:MAX_ANALYSED_CHARS])
    lang = (s.post.lang or cues.guess_language(s.post.text[:MAX_ANALYSED_CHARS])).lower()[:2]
    addressed = cues.addresses(post, s.brand.handle, s.brand.name)
    goods_asks = cues.find_asks(post)
    judged_ask = bool(s.context.ask) and not goods_asks  # an appeal no lexicon verb names
    asks = goods_asks or (cues.find("need", post) if addressed else [])
    demands = cues.find("demand", post)
    exchanges = cues.find_exchanges(post) if asks or judged_ask else []  # a price only means something with an ask
    complaint = cues.find("complaint", post)
    question = addressed and "?" in post  # a question the brand can answer is put to the brand
    praise = cues.find("praise", post)
    promises = cues.find("promise", act) if s.action.kind in ("reply", "dm") else []
    kind = s.action.kind
    if promises:
        kind = "discount" if cues.has("discount_promise", act) else "gift"
    elif s.action.kind in ("reply", "dm") and cues.has("discount_promise", act):
        kind, promises = "discount", cues.find("discount_promise", act)
    lent = cues.has("loan", act) or (not act and cues.has("loan", post))
    if s.action.value_eur is not None:
        valuation = Valuation(float(s.action.value_eur), "given")
    else:
        valuation = infer_value(kind, act, post, lent=lent, products=s.brand.products)
    remedies = cues.find("remedy", act)
    care = _care(s, complaint, demands, question, bool(asks) or judged_ask,
                 cues.has("repair", act))
    remedy = _remedy(kind, care, remedies, demands)
    value_norm = min(1.0, math.log10(1 + valuation.eur) / math.log10(1 + w.value_full_eur))
    partner = bool(s.context.partner)
    followers = s.post.author.followers
    close, loud, big, bandwagon = _amplification(s)
    disclosures = cues.find("disclosure", post) + cues.find("disclosure", act)
    return Reading(
        lang="it" if lang == "it" else "en", kind=kind, asks=asks, exchanges=exchanges,
        demands=demands, praise=praise,
        complaint=complaint, question=question, disclosures=disclosures, remedies=remedies,
        promises=promises, valuation=valuation, public=_visibility(s.action.kind, s.action.public),
        followers=followers, tier=None if followers is None else tier_of(followers),
        percentile=s.context.reach_percentile,
        reach=reach_of(followers, s.context.reach_percentile),
        n_close=close, n_loud=loud, n_big=big, bandwagon=bandwagon,
        posts_about=s.context.author_posts_about_brand,
        history=history_of(s.context.author_posts_about_brand), partner=partner,
        ask_level=1.0 if goods_asks or judged_ask else (0.8 if asks or demands else 0.0),
        exchange=1.0 if exchanges else 0.0,
        care=care, remedy=remedy,
        spontaneous=1.0 if praise and not (asks or demands or complaint or partner) else 0.0,
        disclosed=1.0 if disclosures else 0.0, value_norm=value_norm,
        given=value_norm * (1.0 - remedy),
    )


__all__ = ["GIVING_KINDS", "Reading", "history_of", "reach_of", "read", "tier_of"]
