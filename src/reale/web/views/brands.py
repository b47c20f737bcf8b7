"""The Brand pages: volume, sentiment and intents over time, share of voice against the brand's
competitors, top authors and moments, drawn as server-side SVG from the stored data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from reale.web import charts, queries
from reale.web.routing import Ctx, HTTPProblem, Page
from reale.web.views.common import period

SENTIMENT_CSS = {"negative": "c-neg", "neutral": "c-neu", "positive": "c-pos", "mixed": "c-mix"}
INTENT_CSS = {"complaint": "c-i1", "question": "c-i2", "appeal": "c-i3", "request": "c-i3",
              "praise": "c-i4", "other": "c-i6"}
EXTRA_CSS = ("c-i5", "c-i6")
SENTIMENT_ORDER = ["negative", "neutral", "mixed", "positive"]
INTENT_ORDER = ["complaint", "question", "appeal", "praise"]


MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "it": ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")}


def _labels(starts: list[float], bucket: float, lang: str = "en") -> list[str]:
    """The charts' x axis: hours for a day, else ``28 May`` (``28 mag`` in Italian)."""
    times = [datetime.fromtimestamp(t, UTC) for t in starts]
    if bucket < 86_400 and len(starts) <= 24:
        return [d.strftime("%H:%M") for d in times]
    months = MONTHS.get(lang, MONTHS["en"])
    return [f"{d.day:02d} {months[d.month - 1]}" for d in times]


def brands(ctx: Ctx) -> Page:
    s = ctx.services
    name, since, until, bucket = period(ctx)
    names = sorted(set(s.brand_names()) | _stored_brands(ctx))
    totals = s.rollups.totals(names, since, until, ctx.now)
    cards: list[dict[str, Any]] = []
    for brand in names:
        series = s.store.count_mentions(brand, since, until, bucket, timeout=2.0)
        values = [float(b.count) for b in series]
        cards.append({"name": brand, "mentions": totals.get(brand, 0), "series": values,
                      "open": _open(ctx, brand)})
    sparks = {c["name"]: charts.sparkline(f"sp{i}", c["series"], title=c["name"],
                                            words=(ctx.t("chart.total"), ctx.t("chart.peak")))
              for i, c in enumerate(cards)}
    return Page("brands.html", {"period": name, "since": since, "until": until, "brands": cards},
                title=ctx.t("brands.title"), view={"sparks": sparks})


def _stored_brands(ctx: Ctx) -> set[str]:
    found = ctx.services.store.query("SELECT DISTINCT brand FROM opportunities", timeout=2.0)
    return {str(r[0]) for r in found}


def _open(ctx: Ctx, brand: str) -> int:
    found = ctx.services.store.query("SELECT COUNT(*) FROM opportunities WHERE status = 'open'"
                                     " AND brand = ?", (brand,))
    return int(found[0][0]) if found else 0


def _stacks(series: dict[str, dict[int, int]], buckets: list[int], css: dict[str, str],
            order: list[str], say: Callable[[str], str] = str) -> list[charts.Series]:
    """The chart's series; ``say`` names each for the reader (its key by default)."""
    names = [n for n in order if n in series] + sorted(n for n in series if n not in order)
    return [charts.Series(say(n), [float(series[n].get(b, 0)) for b in buckets],
                          css.get(n) or EXTRA_CSS[i % len(EXTRA_CSS)])
            for i, n in enumerate(names)]


def legend(series: dict[str, dict[int, int]], css: dict[str, str], order: list[str]
           ) -> list[tuple[str, str]]:
    """``(name, css class)`` in the order the chart stacks them."""
    return [(s.name, s.css) for s in _stacks(series, [], css, order)]


def brand(ctx: Ctx) -> Page:
    s = ctx.services
    name = ctx.path("name")
    cfg = s.brand(name)
    if cfg is None and name not in _stored_brands(ctx) and not s.store.query(
            "SELECT 1 FROM mentions WHERE brand = ? LIMIT 1", (name,)):
        raise HTTPProblem(404, key="err.no_brand", name=repr(name))
    pname, since, until, bucket = period(ctx)
    volume = s.store.count_mentions(name, since, until, bucket, timeout=2.0)
    starts = [b.start for b in volume]
    buckets = [int(t // bucket) for t in starts]
    sentiment = s.rollups.label_series(name, "sentiment", since, until, bucket, ctx.now)
    intents = s.rollups.label_series(name, "intent", since, until, bucket, ctx.now)
    competitors = list(cfg.competitors) if cfg else []
    sov = s.rollups.totals([name, *competitors], since, until, ctx.now)
    prev = s.rollups.totals([name], 2 * since - until, since, ctx.now)[name]
    total = sum(b.count for b in volume)
    authors = _top_authors(ctx, name, since, until)
    data: dict[str, Any] = {
        "name": name, "period": pname, "since": since, "until": until, "bucket": bucket,
        "total": total, "previous": prev, "open": _open(ctx, name),
        "volume": [[b.start, b.count] for b in volume],
        "sentiment": {k: [[t, v.get(b, 0)] for t, b in zip(starts, buckets, strict=True)]
                      for k, v in sentiment.items()},
        "intents": {k: [[t, v.get(b, 0)] for t, b in zip(starts, buckets, strict=True)]
                    for k, v in intents.items()},
        "share_of_voice": sov, "competitors": competitors,
        "top_authors": authors,
        "moments": [{"id": m.id, "term": m.alert.term, "at": m.alert.at, "count": m.alert.count,
                     "ratio": round(m.alert.ratio, 1)}
                    for m in queries.moments(s.store, scope=name, since=since, limit=10)],
    }
    return Page("brand.html", data, title=name,
                view={"charts": _charts(ctx, data, sentiment, intents, buckets),
                      "sentiment_legend": legend(sentiment, SENTIMENT_CSS, SENTIMENT_ORDER),
                      "intent_legend": legend(intents, INTENT_CSS, INTENT_ORDER)})


def _top_authors(ctx: Ctx, brand: str, since: float, until: float) -> list[dict[str, Any]]:
    s = ctx.services
    out = []
    for network, author_id, n in s.rollups.top_authors(brand, since, until, ctx.now, limit=10):
        a = s.store.get_author(network, author_id)
        out.append({"handle": (a.handle if a else "") or author_id,
                    "name": a.display_name if a else "", "network": network,
                    "followers": a.followers if a else None, "mentions": n})
    out.sort(key=lambda x: (-x["mentions"], -(x["followers"] or -1), x["handle"]))
    return out


def _say(t: Callable[..., str], prefix: str) -> Callable[[str], str]:
    """A label's name in the reader's language, or the label itself where none is written."""
    return lambda name: t(prefix + name) if t(prefix + name) != prefix + name else name


def _charts(ctx: Ctx, data: dict[str, Any], sentiment: dict[str, dict[int, int]],
            intents: dict[str, dict[int, int]], buckets: list[int]) -> dict[str, Markup]:
    t = ctx.t
    labels = _labels([v[0] for v in data["volume"]], data["bucket"], ctx.lang)
    vol = charts.Series(t("brand.mentions"), [float(v[1]) for v in data["volume"]])
    sov = sorted(data["share_of_voice"].items(), key=lambda kv: -kv[1])
    total = sum(v for _, v in sov) or 1
    return {
        "volume": charts.line_chart("vol", [vol], labels, title=t("brand.volume"),
                                    words=(t("chart.total"), t("chart.peak"))),
        "sentiment": charts.stacked_bars(
            "sent", _stacks(sentiment, buckets, SENTIMENT_CSS, SENTIMENT_ORDER, _say(t, "sentiment.")),
            labels, title=t("brand.sentiment")) if sentiment else Markup(""),
        "intents": charts.stacked_bars(
            "int", _stacks(intents, buckets, INTENT_CSS, INTENT_ORDER, _say(t, "kind.")),
            labels, title=t("brand.intents")) if intents else Markup(""),
        "sov": charts.hbars("sov", [(k, 100.0 * v / total) for k, v in sov], unit="%",
                            title=t("brand.sov"), highlight=data["name"]),
    }


__all__ = ["brand", "brands"]
