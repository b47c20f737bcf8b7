"""The Moments page: bursts detected per brand and across the whole stream, each with its rate
against the baseline, example posts and (for whole-stream moments) the safety read.
"""

from __future__ import annotations

from typing import Any

import msgspec

from reale.web import queries
from reale.web.payloads import moment_payload
from reale.web.records import MomentRecord
from reale.web.routing import Ctx, Page
from reale.web.safety_words import safety_reason
from reale.web.views.common import brand_filter, period


def _detail(record: MomentRecord, lang: str) -> dict[str, Any]:
    a = record.alert
    out = moment_payload(record)
    out.update(window_seconds=a.window_seconds, baseline_per_min=round(a.baseline_per_min, 3),
               current_per_min=round(a.current_per_min, 3), log10_p=round(a.log10_p, 1),
               safety=msgspec.to_builtins(a.safety) if a.safety else None,
               safety_reasons=[safety_reason(r, lang) for r in a.safety.reasons] if a.safety else [])
    return out


def moments(ctx: Ctx) -> Page:
    s = ctx.services
    pname, since, _, _ = period(ctx)
    scope = "*" if ctx.query("scope") == "*" else brand_filter(ctx, "scope")
    found = {m.id: m for m in queries.moments(s.store, scope=scope or None, since=since,
                                              limit=200, timeout=2.0)}
    if s.moments is not None:  # live alerts not yet stored
        for alert in s.moments(since):
            if not scope or alert.scope == scope:
                record = MomentRecord.of(alert)
                found.setdefault(record.id, record)
    items = sorted(found.values(), key=lambda m: (-m.alert.at, m.id))[:200]
    return Page("moments.html", {"period": pname, "scope": scope, "brands": s.brand_names(),
                                 "items": [_detail(m, ctx.lang) for m in items]},
                title=ctx.t("moments.title"))


__all__ = ["moments"]
