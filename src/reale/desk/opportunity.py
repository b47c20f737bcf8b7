"""Opportunities: a weighed mention becomes something worth a person's time, or nothing.

:func:`score_opportunity` gathers what upstream stages produced (:class:`OpportunityInput`), picks
the kind, scores it with the weights of ``[desk.weights]`` (plus what feedback learned), and says
why in the team's language, with a realness pre-read of the obvious action.
"""

from __future__ import annotations

import math
from typing import Literal

import msgspec

from reale.desk import cues
from reale.desk.opportunity_reasons import ReasonCode, reason_codes, render_reasons
from reale.desk.opportunity_rules import DeskWeights, Learned
from reale.desk.realness import DEFAULT_WEIGHTS, assess_in
from reale.desk.realness_rules import RealnessWeights
from reale.desk.situation import (
    Action,
    ActionKind,
    AuthorRef,
    BrandRef,
    Context,
    PostRef,
    Situation,
    Verdict,
)
from reale.understand.emoji import angry_only, emoji_read

OpportunityKind = Literal["appeal", "praise", "complaint", "question", "moment"]
_INTENTS: dict[str, OpportunityKind] = {
    "appeal": "appeal", "request": "appeal", "praise": "praise", "complaint": "complaint",
    "question": "question",
}
_TIER_REACH = {"nano": 0.1, "micro": 0.4, "macro": 0.7, "mega": 1.0}
NO_LEARNING = Learned()


class OpportunityInput(msgspec.Struct, frozen=True, kw_only=True):
    """What the upstream stages know about one mention (unknowns keep their defaults)."""

    brand: str
    post_uri: str
    brand_handle: str = ""
    root_uri: str = ""  # the conversation's root post; "" means the post is the root
    text: str = ""
    network: str = ""
    created_at: float = 0.0
    author_handle: str = ""
    author_followers: int | None = None
    language: str = ""  # the post's language
    intent: str = ""  # appeal|request|praise|complaint|question|other; "" unknown
    intent_confidence: float = 0.0
    sentiment: float = 0.0  # -1 negative … +1 positive
    complaint: float = 0.0  # probability that the post is a complaint
    relevance: float = 1.0  # probability that the post is about the brand
    addressed_directly: bool = False  # mentions the brand's handle or replies to it
    reach_tier: str | None = None  # nano|micro|macro|mega
    reach_percentile: float | None = None  # the author's rank among the brand's mentioners, 0-1
    cascade_velocity: float | None = None  # reshares per minute now
    cascade_predicted_size: float | None = None  # predicted final number of reshares
    moment: str | None = None  # the moment (hashtag, term) the post belongs to
    moment_score: float | None = None  # the moment's strength, 0-1
    author_recent_complaints: int = 0  # this author's earlier complaints about the brand today
    author_posts_about_brand: int | None = None
    partner: bool = False
    brand_products: dict[str, float] = {}  # the brand's price list (config), name → euros
    brand_aliases: tuple[str, ...] = ()  # the brand's other names in a post: handles, hashtags


class Opportunity(msgspec.Struct, frozen=True, kw_only=True):
    """One conversation worth a person's time (``id`` is brand + root post)."""

    id: str
    brand: str
    kind: OpportunityKind
    score: float
    reasons: tuple[str, ...]
    post_uri: str
    root_uri: str
    author_handle: str
    text: str
    language: str
    created_at: float
    updated_at: float
    features: dict[str, float]
    obvious_action: str
    realness: Verdict | None = None
    relevance: float = 1.0
    posts: int = 1
    # the author's reach as the signals read it when the post was scored (for the web desk)
    network: str = ""
    author_followers: int | None = None
    reach_tier: str | None = None
    reach_percentile: float | None = None  # 0-1 among the brand's mentioners
    # what the post was scored from: a later post of the conversation rescores it (its thread
    # grew) rather than replacing who asked (``in_conversation``)
    subject: OpportunityInput | None = None
    # the reasons without words, for a reader in another language (``render_reasons``)
    reason_codes: tuple[ReasonCode, ...] = ()
    # the realness pre-read's words in the other interface language ({"it": …} for an English
    # team), so a reader in either language reads its reasons and advice in their own
    realness_in: dict[str, Verdict] = {}


def kind_of(inp: OpportunityInput, w: DeskWeights, text: str) -> OpportunityKind | None:
    """The kind of opportunity, or None when the post is none of them."""
    if angry_only(emoji_read(text)):
        # Angry emoji alone ("@volta 😡😡😡", "Volta 🤬🤬") complain to whom they are aimed at: the
        # brand when they tag or name it; aimed at someone else or at nothing, they ask it nothing.
        return "complaint" if names_brand(inp, text) else ("moment" if inp.moment else None)
    # The intent already weighs the complaint head by how negative the post reads; a post it
    # calls a question, an appeal or praise is not overruled by the complaint head alone.
    if inp.complaint >= w.complaint_at and _INTENTS.get(inp.intent.lower(), "complaint") == "complaint":
        return "complaint"
    kind = _INTENTS.get(inp.intent.lower())
    if kind is None and inp.intent in ("", "other", "statement", "expression"):
        if cues.find_asks(text) and inp.addressed_directly:
            kind = "appeal"
        elif inp.sentiment >= 0.5 and inp.addressed_directly:
            kind = "praise"
    if kind is None and inp.moment:
        kind = "moment"
    return kind


def _reach(inp: OpportunityInput) -> float:
    if inp.reach_percentile is not None:
        return min(1.0, max(0.0, (inp.reach_percentile - 0.5) / 0.5))
    if inp.reach_tier in _TIER_REACH:
        return _TIER_REACH[inp.reach_tier]
    if inp.author_followers is not None:
        return min(1.0, max(0.0, (math.log10(inp.author_followers + 1) - 3) / 3))
    return 0.2


def features_of(inp: OpportunityInput) -> dict[str, float]:
    """The opportunity's features, each in [0, 1]."""
    v = inp.cascade_velocity or 0.0
    n = inp.cascade_predicted_size or 0.0
    return {
        "intent": min(1.0, max(0.0, inp.intent_confidence)),
        "addressed": 1.0 if inp.addressed_directly else 0.0,
        "reach": _reach(inp),
        "velocity": min(1.0, math.log1p(max(0.0, v)) / math.log1p(100)),
        "size": min(1.0, math.log10(1 + max(0.0, n)) / 4),
        "complaint": min(1.0, max(0.0, inp.complaint)),
        "negativity": min(1.0, max(0.0, -inp.sentiment)),
        "repeat": min(1.0, inp.author_recent_complaints / 3),
        "moment": min(1.0, max(0.0, inp.moment_score or (1.0 if inp.moment else 0.0))),
    }


def names_brand(inp: OpportunityInput, text: str) -> bool:
    """Whether the post addresses the brand (its handle, a reply to it) or names it (its name
    in full, one of its handles or hashtags) in normalised ``text``."""
    if inp.addressed_directly or cues.addresses(text, inp.brand_handle, inp.brand):
        return True
    return any(cues.addresses(text, "", alias) for alias in inp.brand_aliases)


def _pre_read(inp: OpportunityInput, kind: str, rw: RealnessWeights,
              langs: tuple[str, str]) -> tuple[str, dict[str, Verdict]]:
    """The obvious action and its realness verdict worded in each of ``langs``."""
    action: ActionKind = "gift" if kind == "appeal" else "reply"
    situation = Situation(
        brand=BrandRef(name=inp.brand, handle=inp.brand_handle, products=inp.brand_products),
        post=PostRef(text=inp.text[:5000], network=inp.network, lang=inp.language or None,
                     author=AuthorRef(handle=inp.author_handle, followers=inp.author_followers)),
        action=Action(kind=action, public=True),
        context=Context(author_posts_about_brand=inp.author_posts_about_brand,
                        partner=inp.partner, reach_percentile=inp.reach_percentile,
                        complaint=kind == "complaint", ask=kind == "appeal" or None),
    )
    return action, assess_in(situation, langs, rw)


def score_opportunity(inp: OpportunityInput, weights: DeskWeights, *, team_language: str = "en",
                      learned: Learned = NO_LEARNING,
                      realness_weights: RealnessWeights = DEFAULT_WEIGHTS) -> Opportunity | None:
    """Turn one mention into an opportunity with a score in [0, 1] and reasons, or None."""
    floor = weights.min_relevance if learned.relevance_floor is None else learned.relevance_floor
    if inp.relevance < floor:
        return None
    text = cues.normalise(inp.text[:5000])
    kind = kind_of(inp, weights, text)
    if kind is None:
        return None
    f = features_of(inp)
    # a topical watch-query's post that never speaks to the brand is not a complaint (an appeal,
    # praise, a question) *to* it; a moment is joined unaddressed by nature
    f["unaddressed"] = 0.0 if kind == "moment" or names_brand(inp, text) else 1.0
    d = learned.deltas
    contributions = {n: (getattr(weights, n) + d.get(n, 0.0)) * v for n, v in f.items()}
    z = weights.bias(kind) + d.get(f"bias_{kind}", 0.0) + sum(contributions.values())
    score = inp.relevance / (1.0 + math.exp(-z))
    if score < weights.min_score:
        return None
    lang = "it" if team_language.lower().startswith("it") else "en"
    other = "en" if lang == "it" else "it"
    action, verdicts = _pre_read(inp, kind, realness_weights, (lang, other))
    verdict, translated = verdicts[lang], {other: verdicts[other]}
    root = inp.root_uri or inp.post_uri
    codes = reason_codes(inp, kind, contributions, verdict, learned.decisions,
                         unaddressed=f["unaddressed"] > 0)
    return Opportunity(
        id=f"{inp.brand}|{root}", brand=inp.brand, kind=kind, score=round(score, 4),
        reasons=render_reasons(codes, lang), reason_codes=codes, realness_in=translated,
        post_uri=inp.post_uri, root_uri=root, author_handle=inp.author_handle,
        text=inp.text, language=inp.language, created_at=inp.created_at,
        updated_at=inp.created_at, features={**f, f"kind_{kind}": 1.0}, obvious_action=action,
        realness=verdict, relevance=inp.relevance, network=inp.network,
        author_followers=inp.author_followers, reach_tier=inp.reach_tier,
        reach_percentile=inp.reach_percentile, subject=inp,
    )


def in_conversation(held: Opportunity | None, new: Opportunity, weights: DeskWeights, *,
                    team_language: str = "en", learned: Learned = NO_LEARNING,
                    realness_weights: RealnessWeights = DEFAULT_WEIGHTS) -> Opportunity:
    """A later post's opportunity read as part of the conversation the queue holds: when it is
    of the same kind as the post that opened it (a friend joining the car request), the opening
    post stays the subject — its author, reach and realness pre-read — rescored with the thread's
    momentum as the later post read it. A post of another kind is returned as it is (the queue
    keeps the stronger reading)."""
    if (held is None or held.subject is None or new.subject is None or held.kind != new.kind
            or held.post_uri == new.post_uri):
        return new
    thread = msgspec.structs.replace(
        held.subject, cascade_velocity=new.subject.cascade_velocity,
        cascade_predicted_size=new.subject.cascade_predicted_size)
    again = score_opportunity(thread, weights, team_language=team_language, learned=learned,
                              realness_weights=realness_weights)
    if again is None or again.kind != held.kind:
        return held if new.score <= held.score else new
    return msgspec.structs.replace(again, updated_at=max(new.updated_at, held.updated_at))


__all__ = ["Opportunity", "OpportunityInput", "OpportunityKind", "features_of",
           "in_conversation", "kind_of", "names_brand", "score_opportunity"]
