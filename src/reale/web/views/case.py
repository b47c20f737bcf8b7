"""Case history: one opportunity's whole story (the post, its cascade, why the desk raised it, the
decisions with who and when, the published reply, the aftermath), as a page, a JSON twin, and
exports as a self-contained HTML file, a PDF and a JSON file.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from reale.web import queries
from reale.web.pdf import case_pdf
from reale.web.render import ago
from reale.web.routing import Ctx, Page, json_response
from reale.web.security import EXPORT_CSP
from reale.web.views.common import opportunity_or_404, ranked, replies_of
from reale.web.views.queue import conversation_of


def _timeline(opp: dict[str, Any], replies: list[dict[str, Any]],
              decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"at": opp["created_at"], "what": "posted",
                                     "actor": opp["author"], "role": "author", "comment": ""}]
    for r in replies:
        for d in r["history"]:
            events.append({"at": d["at"], "what": d["action"], "actor": d["actor"],
                           "role": d["role"], "comment": d["comment"], "reply": r["id"]})
        pub = r["publication"]
        if pub is not None:
            events.append({"at": pub["at"], "what": pub["state"], "actor": pub["account"],
                           "role": "account", "comment": pub["remote_uri"], "reply": r["id"]})
    for d in decisions:
        events.append({"at": d["at"], "what": d["action"], "actor": d["actor"], "role": d["role"],
                       "comment": d["comment"]})
    events.sort(key=lambda e: float(e["at"]))  # stable: same-time events keep their order
    return events


def case_data(ctx: Ctx) -> dict[str, Any]:
    s = ctx.services
    rec = opportunity_or_404(ctx)
    opp = ranked(ctx, rec)
    replies = replies_of(ctx, rec)
    decisions = [msgspec.to_builtins(d) for d in queries.decisions(s.store, rec.key)]
    published = next((r for r in reversed(replies) if r["publication"] is not None), None)
    aftermath = queries.aftermath_for(s.store, rec.key)
    return {
        "opportunity": opp, "conversation": conversation_of(ctx, rec), "replies": replies,
        "decisions": decisions, "published": published,
        "aftermath": msgspec.to_builtins(aftermath) if aftermath else None,
        "timeline": _timeline(opp, replies, decisions), "generated_at": ctx.now,
    }


def case(ctx: Ctx) -> Page:
    data = case_data(ctx)
    return Page("case.html", data, title=ctx.t("case.title"))


def _download(body: bytes, media: str, name: str, csp: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if csp:
        headers["Content-Security-Policy"] = csp
    return Response(body, media_type=media, headers=headers)


def export_html(ctx: Ctx) -> Response:
    """A self-contained HTML file: inline styles, no scripts, nothing fetched."""
    data = case_data(ctx)
    html = ctx.services.templates.get_template("case_export.html").render(
        **data, t=ctx.t, lang=ctx.lang, now=ctx.now,
        ago=lambda ts: ago(ctx.now - float(ts), ctx.lang) if ts else "")
    return _download(html.encode("utf-8"), "text/html; charset=utf-8",
                     f"case-{data['opportunity']['key']}.html", EXPORT_CSP)


def export_pdf(ctx: Ctx) -> Response:
    data = case_data(ctx)
    return _download(case_pdf(data, ctx.t, ctx.lang), "application/pdf",
                     f"case-{data['opportunity']['key']}.pdf")


def export_json(ctx: Ctx) -> Response:
    data = case_data(ctx)
    response = json_response(data)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="case-{data["opportunity"]["key"]}.json"'
    return response


__all__ = ["case", "case_data", "export_html", "export_json", "export_pdf"]
