"""Reports: mentions and opportunities of a period as CSV (spreadsheet-safe: a text cell that
a spreadsheet would run as a formula gets a leading ``'``; numeric columns stay numbers) or JSON,
streamed in pages so a long period never loads into memory at once. An opportunity's reasons are
in the reader's language, or ``lang``; so is the marker that stands in the ``text`` cell of a
post its author deleted (docs/deletions.md).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import msgspec
from starlette.responses import StreamingResponse

from reale.desk.analytics import records_from_repository, response_report
from reale.desk.opportunity_rules import KINDS
from reale.events import Post
from reale.store import Store
from reale.store import rows as store_rows
from reale.store.deletes import tombstones
from reale.store.retention import erased_days
from reale.web import queries
from reale.web.expired import EXPIRED
from reale.web.i18n import LANGS, translator
from reale.web.payloads import reasons_in
from reale.web.routing import Ctx, HTTPProblem, Page
from reale.web.views.common import brand_filter, targets

PAGE = 2_000
MAX_DAYS = 366
MAX_REPLIES = 1_000  # the newest replies a report reads for its response times (~65 ms)
MENTION_COLUMNS = ("created_at", "brand", "network", "uri", "author", "lang", "sentiment",
                   "intent", "text", "query", "matched_at")
OPP_COLUMNS = ("created_at", "brand", "kind", "score", "status", "verdict", "author", "lang",
               "text", "reasons", "post_uri", "decided_by", "decided_at", "key")
# columns whose values Reale computes as numbers: written as numbers (a post dated before 1970
# has a negative ``created_at``), never prefixed; anything else in them is treated as text
NUMERIC_COLUMNS = frozenset({"matched_at", "created_at", "score", "decided_at"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list (CSV injection)
_ENC = msgspec.json.Encoder()


def span(ctx: Ctx) -> tuple[float, float, str, str]:
    """The period from ``from``/``to`` (YYYY-MM-DD, UTC days, ``to`` inclusive); last 7 days."""
    today = datetime.fromtimestamp(ctx.now, UTC).date()
    try:
        start = date.fromisoformat(ctx.query("from")) if ctx.query("from") \
            else today - timedelta(days=6)
        end = date.fromisoformat(ctx.query("to")) if ctx.query("to") else today
    except ValueError:
        raise HTTPProblem(400, key="err.dates") from None
    if end < start or (end - start).days > MAX_DAYS:
        raise HTTPProblem(400, key="err.period", days=MAX_DAYS)
    since = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    until = datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp() + 86_400
    return since, until, start.isoformat(), end.isoformat()


def reports(ctx: Ctx) -> Page:
    since, until, start, end = span(ctx)
    brand = brand_filter(ctx)
    s = ctx.services
    where, params = "{at} >= ? AND {at} < ?", [since, until]  # type: str, list[Any]
    if brand:
        where, params = where + " AND brand = ?", [*params, brand]
    mentions = s.store.query(f"SELECT COUNT(*) FROM mentions WHERE {where.format(at='post_at')}",
                             tuple(params))
    opps = s.store.query("SELECT COUNT(*) FROM opportunities WHERE "
                         + where.format(at="created_at"), tuple(params))
    return Page("reports.html", {"from": start, "to": end, "brand": brand,
                                 "brands": s.brand_names(),
                                 "counts": {"mentions": int(mentions[0][0]),
                                            "opportunities": int(opps[0][0])},
                                 "counted_by": {"mentions": "created_at",
                                                "opportunities": "created_at"},
                                 "response": response_times(ctx, since, until, brand)},
                title=ctx.t("reports.title"), view={"this_from": start, "this_to": end,
                      "mention_columns": MENTION_COLUMNS,
                      "opportunity_columns": OPP_COLUMNS})


def response_times(ctx: Ctx, since: float, until: float, brand: str) -> dict[str, Any]:
    """First response (post → published) and time to approval of the replies begun in the
    period, overall, per kind against its target, and per person (docs/approval.md)."""
    tg = targets(ctx)
    records = [r for r in records_from_repository(ctx.services.repo, brand=brand or None,
                                                  limit=MAX_REPLIES)
               if since <= (r.drafted_at or r.post_at or 0.0) < until]
    report = response_report(records, {k: tg.target(k) / 60 for k in KINDS})
    return msgspec.to_builtins(report)  # type: ignore[no-any-return]


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will show as text (no =, +, -, @, tab or CR formulas)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(column: str, value: Any) -> str:
    """A CSV cell of ``column``: a finite number in a numeric column as it is (``-3600.0``
    stays a number), every other value through :func:`safe_cell`."""
    if column in NUMERIC_COLUMNS and isinstance(value, int | float) \
            and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    return safe_cell(value)


def deleted_marker(lang: str | None) -> str:
    """What the ``text`` cell of a deleted post says, in ``lang`` (English without one)."""
    return translator(lang or "en")("export.deleted")


def _text_of(post: Post, gone: str, say: Callable[..., str]) -> str:
    """A post's text cell: the post's words, or why they are not kept."""
    if post.deleted_at is not None:
        return gone
    days = erased_days(post)
    return post.text if days is None else say("export.erased", days=days)


def mention_rows(store: Store, since: float, until: float, brand: str, lang: str | None = None
                 ) -> Iterator[dict[str, Any]]:
    """The period's mentions by their post's time (``created_at``, like opportunities), oldest
    first; ``matched_at`` says when Reale matched each one. A deleted post's text is the
    marker in ``lang``."""
    gone, say = deleted_marker(lang), translator(lang or "en")
    after: tuple[float, str, str] = (since - 1, "", "")
    while True:
        sql = ("SELECT m.post_at, m.brand, m.post_uri, m.query, p.raw, l.lang, l.sentiment,"
               " l.intent, m.matched_at FROM mentions m JOIN posts p ON p.uri = m.post_uri"
               " LEFT JOIN labels l ON l.post_uri = m.post_uri WHERE m.post_at < ?"
               " AND (m.post_at > ? OR (m.post_at = ? AND (m.brand > ? OR"
               " (m.brand = ? AND m.post_uri > ?)))) AND m.post_at >= ?"
               + (" AND m.brand = ?" if brand else "") +
               " ORDER BY m.post_at, m.brand, m.post_uri LIMIT ?")
        params: list[Any] = [until, after[0], after[0], after[1], after[1], after[2], since]
        found = store.query(sql, (*params, *([brand] if brand else []), PAGE), timeout=10.0)
        for at, b, uri, query, raw, lang, sentiment, intent, matched in found:
            post = store_rows.decode_post(raw)
            yield {"created_at": at, "brand": b, "network": post.network, "uri": uri,
                   "author": post.author.handle or post.author.id,
                   "lang": lang or (post.langs[0] if post.langs else ""),
                   "sentiment": sentiment or "", "intent": intent or "",
                   "text": _text_of(post, gone, say),
                   "query": query, "matched_at": matched}
        if len(found) < PAGE:
            return
        after = (found[-1][0], found[-1][1], found[-1][2])


def report_language(ctx: Ctx) -> str:
    """The language of a report's words: ``lang`` if asked (en, it), else the reader's."""
    asked = ctx.query("lang")
    if asked and asked not in LANGS:
        raise HTTPProblem(400, key="err.report_lang", allowed=", ".join(LANGS),
                          got=repr(asked[:20]))
    return asked or ctx.lang


def opportunity_rows(store: Store, since: float, until: float, brand: str, lang: str | None = None
                     ) -> Iterator[dict[str, Any]]:
    """The period's opportunities, their reasons in ``lang`` (as stored without one); the text
    of one on a deleted post is the marker in ``lang``."""
    records = queries.opportunities(store, brand=brand or None, status=None, since=since,
                                    until=until, limit=100_000, timeout=10.0)
    with store.reading() as tx:
        deleted = tombstones(tx, [rec.post_uri for rec in records])
    gone, expired = deleted_marker(lang), translator(lang or "en")("export.expired")
    for rec in records:
        yield {"created_at": rec.created_at, "brand": rec.brand, "kind": rec.kind,
               "score": rec.score, "status": rec.status, "verdict": rec.verdict,
               "author": rec.author_handle, "lang": rec.language,
               "text": gone if rec.post_uri in deleted else (
                   expired if rec.status == EXPIRED and not rec.text else rec.text),
               "reasons": " | ".join(reasons_in(rec, lang)), "post_uri": rec.post_uri,
               "decided_by": rec.decided_by, "decided_at": rec.decided_at, "key": rec.key}


def _csv(rows: Iterator[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for i, row in enumerate(rows, start=1):
        writer.writerow([cell(c, row[c]) for c in columns])
        if i % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _json(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    yield b"["
    for i, row in enumerate(rows):
        yield (b"," if i else b"") + _ENC.encode(row) + b"\n"
    yield b"]\n"


def attachment(name: str) -> str:
    """A ``Content-Disposition`` for a download named ``name``: an ASCII ``filename`` every
    client reads, and the name in UTF-8 as ``filename*`` (RFC 6266) for a brand such as
    ``Čokolada`` (a header must be Latin-1: a non-Latin-1 name failed the export)."""
    name = "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
    ascii_name = "".join(c if c.isascii() else "_" for c in name)
    if ascii_name == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def export(ctx: Ctx, what: str, fmt: str) -> StreamingResponse:
    since, until, start, end = span(ctx)
    brand = brand_filter(ctx)
    store = ctx.services.store
    columns: tuple[str, ...]
    lang = report_language(ctx)
    if what == "mentions":
        rows, columns = mention_rows(store, since, until, brand, lang), MENTION_COLUMNS
    else:
        rows = opportunity_rows(store, since, until, brand, lang)
        columns = OPP_COLUMNS
    headers = {"Content-Disposition": attachment(
        f"reale-{what}-{start}-{end}{'-' + brand if brand else ''}.{fmt}")}
    if fmt == "csv":
        return StreamingResponse(_csv(rows, columns), media_type="text/csv; charset=utf-8",
                                 headers=headers)
    return StreamingResponse(_json(rows), media_type="application/json", headers=headers)


def mentions_csv(ctx: Ctx) -> StreamingResponse:
    return export(ctx, "mentions", "csv")


def mentions_json(ctx: Ctx) -> StreamingResponse:
    return export(ctx, "mentions", "json")


def opportunities_csv(ctx: Ctx) -> StreamingResponse:
    return export(ctx, "opportunities", "csv")


def opportunities_json(ctx: Ctx) -> StreamingResponse:
    return export(ctx, "opportunities", "json")


__all__ = ["NUMERIC_COLUMNS", "attachment", "cell", "mentions_csv", "mentions_json", "opportunities_csv", "opportunities_json",
           "report_language", "reports", "safe_cell"]
