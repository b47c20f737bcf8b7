"""Why an opportunity is worth a person's time, in plain words in the team's language.

The kind comes first, then the features that moved the score most, then what feedback learned and
the realness pre-read when giving what is asked would not read as genuine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reale.desk import phrases
from reale.desk.situation import Verdict

if TYPE_CHECKING:
    from reale.desk.opportunity import OpportunityInput

MIN_CONTRIBUTION = 0.2  # log-odds; smaller contributions are not worth a line


def _reach_line(inp: OpportunityInput, t: dict[str, str], lang: str) -> str | None:
    if inp.reach_percentile is not None and inp.reach_percentile >= 0.9:
        return t["reach_rank"].format(top=phrases.fmt_pct(1 - inp.reach_percentile, lang))
    tier = inp.reach_tier
    if tier is None and inp.author_followers is not None:
        f = inp.author_followers
        tier = "nano" if f < 10_000 else "micro" if f < 100_000 else "macro" if f < 1_000_000 else "mega"
    if tier is None or tier == "nano":
        return None
    followers = "?" if inp.author_followers is None else phrases.fmt_int(inp.author_followers, lang)
    return t["reach_tier"].format(tier=tier, followers=followers)


def _growth_line(inp: OpportunityInput, t: dict[str, str], lang: str) -> str:
    v, n = inp.cascade_velocity, inp.cascade_predicted_size
    if v and n:
        return t["growing"].format(v=phrases.fmt_num(v, lang), n=phrases.fmt_int(n, lang))
    if v:
        return t["growing_now"].format(v=phrases.fmt_num(v, lang))
    return t["expected"].format(n=phrases.fmt_int(n or 0, lang))


def _line(name: str, inp: OpportunityInput, t: dict[str, str], lang: str) -> str | None:
    if name == "addressed":
        handle = "@" + inp.brand_handle.lstrip("@") if inp.brand_handle else inp.brand
        return t["addressed"].format(handle=handle)
    if name == "reach":
        return _reach_line(inp, t, lang)
    if name in ("velocity", "size"):
        return _growth_line(inp, t, lang)
    if name == "repeat":
        return t["repeat"].format(ordinal=phrases.ordinal(inp.author_recent_complaints + 1, lang))
    if name == "negativity":
        return t["negative"]
    return None  # intent, complaint and moment are said by the kind line


def opportunity_reasons(inp: OpportunityInput, kind: str, contributions: dict[str, float],
                        verdict: Verdict | None, decisions: int, lang: str) -> tuple[str, ...]:
    """The reasons, most important first, without repeats."""
    t = phrases.OPPORTUNITY_REASONS[lang]
    lines = [t["moment"].format(moment=inp.moment or "") if kind == "moment" else t[kind]]
    if kind != "moment" and inp.moment:
        lines.append(t["moment"].format(moment=inp.moment))
    for name in sorted(contributions, key=lambda n: -contributions[n]):
        if contributions[name] >= MIN_CONTRIBUTION:
            line = _line(name, inp, t, lang)
            if line and line not in lines:
                lines.append(line)
    if inp.relevance < 0.7:
        r = f"{inp.relevance:.2f}"
        lines.append(t["relevance"].format(r=r.replace(".", ",") if lang == "it" else r))
    if decisions:
        lines.append(t["learned"].format(n=phrases.fmt_int(decisions, lang)))
    if kind == "appeal" and verdict is not None and verdict.verdict != "genuine":
        lines.append(t["realness"].format(verdict=phrases.VERDICT_WORDS[lang][verdict.verdict],
                                          risk=phrases.fmt_pct(verdict.risk, lang)))
    return tuple(lines)


__all__ = ["opportunity_reasons"]
