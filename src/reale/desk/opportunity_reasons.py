"""Why an opportunity is worth a person's time, in plain words in the team's language.

The kind comes first, then the features that moved the score most, then what feedback learned and
the realness pre-read when giving what is asked would not read as genuine. Each reason is kept as
a language-free :class:`ReasonCode` (a key and its raw values) so a reader can render it in
another language later (:func:`render_reason`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from reale.desk import phrases
from reale.desk.situation import Verdict

if TYPE_CHECKING:
    from reale.desk.opportunity import OpportunityInput

MIN_CONTRIBUTION = 0.2  # log-odds; smaller contributions are not worth a line

Arg = str | int | float | None


class ReasonCode(msgspec.Struct, frozen=True, array_like=True):
    """One reason without words: a key of ``phrases.OPPORTUNITY_REASONS`` and its raw values
    (shares, counts, names), formatted when rendered in a language."""

    key: str
    args: dict[str, Arg] = {}


def _reach_code(inp: OpportunityInput) -> ReasonCode | None:
    if inp.reach_percentile is not None and inp.reach_percentile >= 0.9:
        return ReasonCode("reach_rank", {"top": 1 - inp.reach_percentile})
    tier = inp.reach_tier
    if tier is None and inp.author_followers is not None:
        f = inp.author_followers
        tier = "nano" if f < 10_000 else "micro" if f < 100_000 else "macro" if f < 1_000_000 else "mega"
    if tier is None or tier == "nano":
        return None
    return ReasonCode("reach_tier", {"tier": tier, "followers": inp.author_followers})


def _growth_code(inp: OpportunityInput) -> ReasonCode:
    v, n = inp.cascade_velocity, inp.cascade_predicted_size
    if v and n:
        return ReasonCode("growing", {"v": v, "n": n})
    if v:
        return ReasonCode("growing_now", {"v": v})
    return ReasonCode("expected", {"n": n or 0})


def _code(name: str, inp: OpportunityInput) -> ReasonCode | None:
    if name == "addressed":
        handle = "@" + inp.brand_handle.lstrip("@") if inp.brand_handle else inp.brand
        return ReasonCode("addressed", {"handle": handle})
    if name == "reach":
        return _reach_code(inp)
    if name in ("velocity", "size"):
        return _growth_code(inp)
    if name == "repeat":
        return ReasonCode("repeat", {"n": inp.author_recent_complaints + 1})
    if name == "negativity":
        return ReasonCode("negative")
    return None  # intent, complaint and moment are said by the kind line


def reason_codes(inp: OpportunityInput, kind: str, contributions: dict[str, float],
                 verdict: Verdict | None, decisions: int, *,
                 unaddressed: bool = False) -> tuple[ReasonCode, ...]:
    """The reasons, most important first, without repeats, in no language yet; ``unaddressed``:
    the post neither addresses nor names the brand (said right after the kind, whatever its
    weight: it is a fact about the post)."""
    codes = [ReasonCode("moment", {"moment": inp.moment or ""}) if kind == "moment"
             else ReasonCode(kind)]
    if unaddressed:
        codes.append(ReasonCode("unaddressed", {"brand": inp.brand}))
    if kind != "moment" and inp.moment:
        codes.append(ReasonCode("moment", {"moment": inp.moment}))
    for name in sorted(contributions, key=lambda n: -contributions[n]):
        if contributions[name] >= MIN_CONTRIBUTION:
            code = _code(name, inp)
            if code and code not in codes:
                codes.append(code)
    if inp.relevance < 0.7:
        codes.append(ReasonCode("relevance", {"r": inp.relevance}))
    if decisions:
        codes.append(ReasonCode("learned", {"n": decisions}))
    if kind == "appeal" and verdict is not None and verdict.verdict != "genuine":
        codes.append(ReasonCode("realness", {"verdict": verdict.verdict, "risk": verdict.risk}))
    return tuple(codes)


def _arg(key: str, name: str, value: Arg, lang: str) -> str:
    if isinstance(value, str) or value is None:
        if name == "verdict" and isinstance(value, str):
            return phrases.VERDICT_WORDS[lang].get(value, value)
        return "?" if value is None else value
    if name in ("top", "risk"):
        return phrases.fmt_pct(value, lang)
    if name == "v":
        return phrases.fmt_num(value, lang)
    if name == "r":
        r = f"{value:.2f}"
        return r.replace(".", ",") if lang == "it" else r
    if key == "repeat":
        return phrases.ordinal(int(value), lang)
    return phrases.fmt_int(value, lang)


def render_reason(code: ReasonCode, lang: str) -> str:
    """One reason in ``lang`` (English or Italian; anything else reads English). An unknown key
    (a reason from a later release) reads as the key itself."""
    lang = phrases.team_lang(lang)
    template = phrases.OPPORTUNITY_REASONS[lang].get(code.key)
    if template is None:
        return code.key
    args = {name: _arg(code.key, name, value, lang) for name, value in code.args.items()}
    args.setdefault("ordinal", args.get("n", ""))
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):
        return code.key


def render_reasons(codes: tuple[ReasonCode, ...], lang: str) -> tuple[str, ...]:
    """The reasons in ``lang``, without repeated lines."""
    lines: list[str] = []
    for code in codes:
        line = render_reason(code, lang)
        if line not in lines:
            lines.append(line)
    return tuple(lines)


def opportunity_reasons(inp: OpportunityInput, kind: str, contributions: dict[str, float],
                        verdict: Verdict | None, decisions: int, lang: str, *,
                        unaddressed: bool = False) -> tuple[str, ...]:
    """The reasons, most important first, without repeats, in ``lang``."""
    return render_reasons(reason_codes(inp, kind, contributions, verdict, decisions,
                                       unaddressed=unaddressed), lang)


__all__ = ["ReasonCode", "opportunity_reasons", "reason_codes", "render_reason",
           "render_reasons"]
