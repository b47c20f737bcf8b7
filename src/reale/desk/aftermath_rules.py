"""The backlash test: are bad reactions (negative, mocking, accusing) more frequent and a larger
share since the brand acted than in the conversation's own baseline? Parameters are data
(``[desk.aftermath]``); docs/desk.md explains each.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import msgspec

from reale.desk import phrases
from reale.desk.settings import desk_section
from reale.desk.tail_tests import binomial_sf, poisson_sf
from reale.errors import ConfigError

if TYPE_CHECKING:
    from reale.desk.aftermath import AftermathStatus


class AftermathParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the aftermath watch decides that a backlash is happening."""

    alpha: float = 0.01  # both tail probabilities must be under this
    min_count: int = 5  # never alert on fewer bad reactions than this
    min_ratio: float = 1.5  # the bad share must be at least this many times the baseline's
    prior_bad: float = 1.0  # Beta prior of the baseline share: 1 bad in 5 reactions…
    prior_good: float = 4.0  # …before any reaction is seen
    prior_rate_per_hour: float = 1.0  # Gamma prior of the baseline rate: 1 bad reaction an hour…
    prior_hours: float = 1.0  # …worth one hour of observation
    window: float = 3600.0  # seconds: also test the latest hour alone, so a late surge shows
    follow_for: float = 259_200.0  # follow a conversation for three days after acting
    realert_after: float = 3600.0  # a new alert for the same watch needs this much time…
    evidence: int = 50  # bad reactions kept per watch
    shown: int = 5  # posts quoted in an alert

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ConfigError("[desk.aftermath] alpha must be between 0 and 1")
        if self.min_count < 1 or self.evidence < 1 or self.shown < 1:
            raise ConfigError("[desk.aftermath] min_count, evidence and shown must be ≥ 1")
        if min(self.prior_bad, self.prior_good, self.prior_rate_per_hour, self.prior_hours) <= 0:
            raise ConfigError("[desk.aftermath] priors must be > 0")
        if min(self.window, self.follow_for) <= 0 or self.realert_after < 0 or self.min_ratio < 1:
            raise ConfigError("[desk.aftermath] window, follow_for must be > 0 and min_ratio ≥ 1")


class Evidence(msgspec.Struct, frozen=True, kw_only=True):
    """A reaction that shows the backlash."""

    uri: str
    author: str
    text: str
    created_at: float
    cues: tuple[str, ...] = ()
    accusation: bool = False
    mockery: bool = False
    negative: bool = False


class BacklashAlert(msgspec.Struct, frozen=True, kw_only=True):
    """Bad reactions rose above the conversation's baseline after the brand acted."""

    kind: str = "backlash"
    watch_id: str
    brand: str
    raised_at: float
    message: str  # in the team's language
    count: int  # bad reactions in the tested period
    reactions: int  # all reactions in the tested period
    share_before: float
    share_after: float
    rate_before: float  # bad reactions per hour
    rate_after: float
    p_value: float  # the larger of the two tail probabilities
    top_cues: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    # the message in each language ((lang, message) pairs): an alert channel reads its own
    said: tuple[tuple[str, str], ...] = ()

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (the team's own where it was not said in ``lang``)."""
        return dict(self.said).get(lang, self.message)


MESSAGES = {
    "en": "backlash: {k} accusing, mocking or negative reactions since the brand acted "
          "({share} of reactions; before: {before}){cues}",
    "it": "contraccolpo: {k} reazioni di accusa, scherno o negative da quando il brand ha agito "
          "({share} delle reazioni; prima: {before}){cues}",
}


def _significant(k: int, n: int, span: float, p0: float, rate0: float,
                 p: AftermathParams) -> float | None:
    if k < p.min_count or n == 0 or k / n < p.min_ratio * p0:
        return None
    p_share = binomial_sf(k, n, p0)
    p_rate = poisson_sf(k, rate0 * span)
    worst = max(p_share, p_rate)
    return worst if worst < p.alpha else None


NO_BASELINE = {"en": "no reactions", "it": "nessuna reazione"}


def _message(k: int, share: float, before: tuple[int, int], evidence: list[Evidence],
             lang: str) -> tuple[str, tuple[str, ...]]:
    counts = Counter(c for e in evidence for c in e.cues)
    top = tuple(c for c, _ in counts.most_common(3))
    cues = f": {phrases.quote(list(top), lang, limit=3)}" if top else ""
    bad, n = before
    base = phrases.fmt_pct(bad / n, lang) if n else NO_BASELINE[lang]
    text = MESSAGES[lang].format(k=k, share=phrases.fmt_pct(share, lang), before=base, cues=cues)
    return text, top


def backlash_test(s: AftermathStatus, recent: list[tuple[float, bool]], evidence: list[Evidence],
                  now: float, p: AftermathParams, lang: str) -> BacklashAlert | None:
    """Test the whole period since acting and the latest window; an alert if either passes."""
    if s.acted_at is None:
        return None
    b = s.before
    p0 = (b.bad + p.prior_bad) / (b.n + p.prior_bad + p.prior_good)
    base_span = max(0.0, s.acted_at - s.followed_since)
    rate0 = (b.bad + p.prior_rate_per_hour * p.prior_hours) / (base_span + 3600 * p.prior_hours)
    since = max(60.0, now - s.acted_at)
    periods = [(s.after.bad, s.after.n, since),
               (sum(bad for _, bad in recent), len(recent), min(since, p.window))]
    for k, n, span in periods:
        p_value = _significant(k, n, span, p0, rate0, p)
        if p_value is None:
            continue
        shown = sorted(evidence, key=lambda e: (e.accusation, e.mockery, e.negative, e.created_at),
                       reverse=True)[: p.shown]
        said = {code: _message(k, k / n, (b.bad, b.n), evidence, code) for code in MESSAGES}
        message, top = said.get(lang, said["en"])
        return BacklashAlert(
            said=tuple((code, m) for code, (m, _) in said.items()),
            watch_id=s.watch_id, brand=s.brand, raised_at=now, message=message, count=k,
            reactions=n, share_before=round(p0, 4), share_after=round(k / n, 4),
            rate_before=round(rate0 * 3600, 3), rate_after=round(k / span * 3600, 3),
            p_value=p_value, top_cues=top, evidence=tuple(shown))
    return None


def aftermath_params_from_config(extra: dict[str, Any]) -> AftermathParams:
    """Read ``[desk.aftermath]`` from ``Config.extra``."""
    return desk_section(extra, "aftermath", AftermathParams)


__all__ = ["AftermathParams", "BacklashAlert", "Evidence", "aftermath_params_from_config",
           "backlash_test"]
