"""The realness check: how a brand's proposed action will read to everyone watching.

``assess(situation)`` weighs the relationship — who initiated, reach, value, visibility, history,
amplification, disclosure — into a logistic risk of reading as *transactional*, and says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec

from reale.desk import phrases
from reale.desk.realness_read import Reading, read
from reale.desk.realness_rules import RealnessWeights
from reale.desk.situation import Situation, Verdict, VerdictName

DEFAULT_WEIGHTS = RealnessWeights()
_EXPOSURE = {"repost": 1.0, "gift": 1.0, "discount": 1.0, "invite": 1.0, "reply": 0.5, "like": 0.5,
             "dm": 0.25}


class Assessment(msgspec.Struct, kw_only=True):
    """The verdict with its workings: features, their log-odds contributions, and the reading."""

    verdict: Verdict
    features: dict[str, float]
    contributions: dict[str, float]
    logit: float
    reading: Reading


def features_of(r: Reading) -> dict[str, float]:
    """The interpretable features, each in [0, 1] (history in [-1, 1])."""
    g = r.given
    gives = 1.0 if g > 0.05 else 0.0
    return {
        "value": g,
        "asked_and_given": r.ask_level * g,
        "offered_and_given": r.exchange * (1 - r.disclosed) * g,
        "in_public": r.public * g,
        "reach_x_value": r.reach * g,
        "bandwagon_x_value": r.bandwagon * g,
        "first_contact_x_value": r.history * g,
        "disclosed_x_value": r.disclosed * g,
        "partner_undisclosed": float(r.partner) * (1 - r.disclosed) * _EXPOSURE.get(r.kind, 0.5),
        "pressure": r.ask_level * r.bandwagon * r.public * gives,
        "spontaneous": r.spontaneous,
        "remedy": r.remedy,
    }


def _reason(name: str, r: Reading, w: RealnessWeights) -> str:
    t = phrases.REALNESS_REASONS[r.lang]
    lang = r.lang
    if name in ("value", "small_gift"):
        v = r.valuation
        if v.units > 1:
            return t["bulk_asked" if v.asked else "bulk_given"].format(
                n=v.units, unit=phrases.fmt_price(v.eur / v.units, lang), what=v.evidence,
                hits=phrases.quote([v.quantity], lang), value=phrases.fmt_eur(v.eur, lang))
        if v.source == "product":
            key = "product_lent" if v.lent else ("small_product" if name == "small_gift" else "product")
            return t[key].format(product=phrases.with_article(v.evidence, v.article, lang),
                                 value=phrases.fmt_eur(v.eur, lang))
        what = f" ({v.evidence})" if v.source in ("item", "asked") else ""
        what = " (stima)" if v.source == "default" and lang == "it" else (
            " (estimated)" if v.source == "default" else what)
        return t[name].format(value=phrases.fmt_eur(v.eur, lang), what=what)
    if name == "asked_and_given":
        if r.demands and not r.asks:
            return t["demanded"].format(hits=phrases.quote(r.demands, lang))
        if not r.asks:  # the caller's model said it is an ask (context.ask)
            return t["asked_judged"]
        return t["asked"].format(hits=phrases.quote(r.asks, lang))
    if name == "offered_and_given":
        return t[name].format(hits=phrases.quote(r.exchanges, lang))
    if name == "in_public":
        return t["in_public"] if r.public >= 1 else t["in_public_unknown"]
    if name == "reach_x_value":
        if r.percentile is not None and r.percentile >= 0.9:
            return t["reach_rank"].format(top=phrases.fmt_pct(1 - r.percentile, lang))
        if r.followers is None or r.tier is None:
            return t["reach_unknown"]
        return t["reach"].format(tier=phrases.TIERS[lang][r.tier],
                                 followers=phrases.fmt_int(r.followers, lang))
    if name == "bandwagon_x_value":
        return t["bandwagon"].format(n=r.n_loud + r.n_close, big=r.n_big, close=r.n_close)
    if name == "first_contact_x_value":
        return t["first_contact"] if r.history > 0 else t["long_time"].format(n=r.posts_about)
    if name == "disclosed_x_value":
        return t["disclosed"].format(hits=phrases.quote(r.disclosures, lang))
    if name == "spontaneous":
        return t["spontaneous"].format(hits=phrases.quote(r.praise, lang))
    if name == "remedy":
        if r.remedy < 1:
            return t["goodwill"]
        if r.remedies:
            return t["remedy"].format(hits=phrases.quote(r.remedies, lang))
        return t["care_reply"].format(what=phrases.CARE_WHAT[lang][r.care or "complaint"])
    return t[name]


def _reasons(r: Reading, contributions: dict[str, float], transactional: bool,
             w: RealnessWeights) -> list[str]:
    t = phrases.REALNESS_REASONS[r.lang]
    sign = 1.0 if transactional else -1.0
    chosen = sorted((n for n, c in contributions.items() if sign * c >= w.reason_min),
                    key=lambda n: -abs(contributions[n]))
    out = [_reason(n, r, w) for n in chosen]
    if r.promises and r.remedy == 0:
        out.insert(0, t["promise"].format(hits=phrases.quote(r.promises, r.lang)))
    if transactional:
        return out[: w.max_reasons]
    if r.disclosures and "disclosed_x_value" not in chosen:
        out.append(_reason("disclosed_x_value", r, w))
    if r.remedy > 0 and r.valuation.eur > 0:
        out.append(t["remedy_value"].format(value=phrases.fmt_eur(r.valuation.eur, r.lang)))
    elif r.given <= 0.05:
        out.append(t["nothing_given"])
    elif r.valuation.eur <= w.small_thank_you_eur:
        out.append(_reason("small_gift", r, w))
    elif "value" not in chosen:
        out.append(_reason("value", r, w))
    against = [n for n, c in contributions.items() if c >= w.reason_min]
    if against and 1 / (1 + math.exp(-w.bias - sum(contributions.values()))) >= w.disclose_advice_at:
        top = max(against, key=lambda n: contributions[n])
        out.append(t["but"].format(reason=_reason(top, r, w)))
    return out[: w.max_reasons]


def _advice(r: Reading, verdict: VerdictName, risk: float, f: dict[str, float],
            w: RealnessWeights) -> list[str]:
    keys: list[str] = []
    gives = r.given > 0.05
    if r.kind in ("like", "repost") and r.care == "complaint":
        keys.append("like_complaint")
    if f["partner_undisclosed"] > 0:
        keys.append("partner_label")
    if f["pressure"] > 0 and verdict == "transactional":
        keys.append("buy_silence" if r.demands else "pressure")
    if r.ask_level > 0 and (verdict == "transactional" or not gives) and r.care is None:
        keys.append("answer_in_kind")
    if f["offered_and_given"] > 0 and risk >= w.disclose_advice_at:
        keys.append("deal")
    if (gives and not r.disclosures and risk >= w.disclose_advice_at and verdict != "care"
            and (r.kind != "discount" or r.care is None)):
        keys.append("disclose")
    if verdict == "transactional" and gives and r.public > 0 and not r.partner:
        keys.append("private_help")
    if verdict == "genuine" and gives and r.valuation.eur <= w.small_thank_you_eur and not r.exchange:
        keys.append("small_thanks")
    if verdict == "genuine" and gives and r.disclosures:
        keys.append("keep_label")
    if verdict == "care":
        keys.append("answer_question" if r.care == "question" else "care_fix")
    if not keys:
        keys.append("human_voice")
    return [phrases.ADVICE[r.lang][k] for k in dict.fromkeys(keys)]


def explain(situation: Situation, weights: RealnessWeights = DEFAULT_WEIGHTS, *,
            lang: str | None = None) -> Assessment:
    """The verdict together with the features and contributions behind it. Reasons and advice
    are in the situation's language, or in ``lang`` ("en"/"it": the team's) when given; words
    quoted from the post stay as written."""
    r = read(situation, weights)
    if lang is not None:
        r.lang = _lang(lang)
    return _judge(r, weights)


def _lang(lang: str) -> str:
    return "it" if lang.lower().startswith("it") else "en"


def _judge(r: Reading, weights: RealnessWeights) -> Assessment:
    """The verdict of a reading, its reasons and advice in ``r.lang``."""
    f = features_of(r)
    contributions = {n: getattr(weights, n) * v for n, v in f.items()}
    z = weights.bias + sum(contributions.values())
    risk = 1.0 / (1.0 + math.exp(-z))
    verdict: VerdictName
    if risk >= weights.transactional_at:
        verdict = "transactional"
    elif r.care is not None and r.remedy > 0:
        verdict = "care"
    else:
        verdict = "genuine"
    v = Verdict(verdict=verdict, risk=round(risk, 4),
                reasons=_reasons(r, contributions, verdict == "transactional", weights),
                advice=_advice(r, verdict, risk, f, weights))
    return Assessment(verdict=v, features=f, contributions=contributions, logit=z, reading=r)


def assess(situation: Situation, weights: RealnessWeights = DEFAULT_WEIGHTS, *,
           lang: str | None = None) -> Verdict:
    """Judge how the proposed action will read: genuine, care or transactional, with reasons
    (in ``lang``, when given, else in the situation's language)."""
    return explain(situation, weights, lang=lang).verdict


def assess_in(situation: Situation, langs: Sequence[str],
              weights: RealnessWeights = DEFAULT_WEIGHTS) -> dict[str, Verdict]:
    """:func:`assess` worded in each of ``langs`` ("en"/"it"), from one reading of the
    situation (the reading, not the wording, is the costly part)."""
    r = read(situation, weights)
    return {lang: _judge(msgspec.structs.replace(r, lang=_lang(lang)), weights).verdict
            for lang in langs}


__all__ = ["DEFAULT_WEIGHTS", "Assessment", "assess", "assess_in", "explain", "features_of"]
