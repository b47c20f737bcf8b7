"""HTML rendering: one Jinja environment (autoescaping always on, so post text, author names and
links from the networks are shown, never interpreted; direction overrides a post opens are closed
where it ends), the filters pages share, and error pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.responses import HTMLResponse, Response

from reale.desk.roles import Role
from reale.web import queries
from reale.web.i18n import STRINGS, translator
from reale.web.payloads import safe_href
from reale.web.routing import Ctx, HTTPProblem, Page, error_json

NAV = (("live", "/live"), ("queue", "/queue"), ("brands", "/brands"), ("moments", "/moments"),
       ("reports", "/reports"), ("alerts", "/alerts"), ("settings", "/settings"))


_EMBED = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF (U+202C)
_ISOLATE = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI (U+2069)


def close_bidi(text: str) -> str:
    """``text`` with the direction embeddings, overrides and isolates it leaves open closed at its
    end, so a name or a post holding a right-to-left override (U+202E) cannot reverse the desk's
    own words that follow it on the line (``@name · Fiori`` shown as ``@name · iroiF``).

    >>> close_bidi("mallory\u202eevil") == "mallory\u202eevil\u202c"
    True
    """
    if not any(c in _EMBED or c in _ISOLATE for c in text):
        return text
    stack: list[str] = []
    for c in text:
        if c in _EMBED or c in _ISOLATE:
            stack.append(c)
        elif c == "\u202c" and stack and stack[-1] in _EMBED:
            stack.pop()
        elif c == "\u2069" and any(o in _ISOLATE for o in stack):
            while stack.pop() not in _ISOLATE:
                pass
    return text + "".join("\u2069" if o in _ISOLATE else "\u202c" for o in reversed(stack))


def _finalize(value: Any) -> Any:
    """Every ``{{ … }}``: text gets its open directions closed (then escaped as always)."""
    return close_bidi(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def environment() -> Environment:
    env = Environment(loader=PackageLoader("reale.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"],
                      finalize=_finalize)
    env.filters["when"] = _in_lang(when)
    env.filters["day"] = _in_lang(day)
    env.filters["num"] = _in_lang(num)
    env.filters["pct"] = _in_lang(pct)
    env.filters["duration"] = _in_lang(duration)
    env.filters["href"] = safe_href
    return env


def _in_lang(fmt: Callable[..., str]) -> Callable[..., str]:
    """A filter that writes in the page's language (the ``lang`` every page is rendered with)."""

    @pass_context
    def filtered(context: Context, value: Any, *args: Any) -> str:
        return fmt(value, *args, lang=context.get("lang", "en"))

    return filtered


def _utc(ts: float, fmt: str) -> str:
    """A time in UTC; a stored time beyond the calendar (years 1 to 9999) shows as seconds."""
    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime(fmt)
    except (ValueError, OverflowError, OSError):
        return f"{float(ts):.0f} s"


def when(ts: float | None, lang: str = "en") -> str:
    """A moment in UTC: ``2026-05-28 19:46 UTC``; in Italian ``28/05/2026 19:46 UTC``."""
    return "" if ts is None else _utc(ts, "%d/%m/%Y %H:%M UTC" if lang == "it" else "%Y-%m-%d %H:%M UTC")


def day(ts: float | None, lang: str = "en") -> str:
    return "" if ts is None else _utc(ts, "%d/%m/%Y" if lang == "it" else "%Y-%m-%d")


def _italian(text: str, lang: str) -> str:
    """Digits grouped and decimals marked the reader's way: 2,000,000.5 -> 2.000.000,5 in Italian."""
    return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text


def num(value: Any, lang: str = "en") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return _italian(f"{value:,.1f}", lang)
    return _italian(f"{int(value):,}", lang)


def pct(value: float | None, digits: int = 0, lang: str = "en") -> str:
    return "–" if value is None else _italian(f"{100 * float(value):.{digits}f}%", lang)


def duration(seconds: float | None, lang: str = "en") -> str:
    """A span of time for reading: 45 s, 12 min, 2.1 h, 3.0 d (in Italian 2,1 h, 3,0 g)."""
    if seconds is None:
        return "–"
    s = max(0.0, float(seconds))
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 86_400:
        return _italian(f"{s / 3600:.1f} h", lang)
    return _italian(f"{s / 86_400:.1f} " + ("g" if lang == "it" else "d"), lang)


def ago(seconds: float, lang: str) -> str:
    t = translator(lang)
    s = max(0, int(seconds))
    if s < 60:
        span = f"{s} s"
    elif s < 3600:
        span = f"{s // 60} min"
    elif s < 86_400:
        span = f"{s // 3600} h"
    else:
        span = f"{s // 86_400} d" if lang == "en" else f"{s // 86_400} g"
    return t("common.ago", t=span)


def ago_at(ts: float, now: float, lang: str) -> Markup:
    """How long ago ``ts`` was (``20 min fa``) as a ``<time>`` whose absolute moment, in the
    viewer's language, is read by a screen reader and seen on hover, but not shown on the page:
    ``<time datetime="2026-05-28T20:26:00Z" title="…">20 min fa<span class="visually-hidden">
    (28/05/2026 20:26 UTC)</span></time>``."""
    absolute = when(ts, lang)
    stamp = _utc(ts, "%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}" title="{}">{}<span class="visually-hidden"> ({})</span>'
                  "</time>").format(stamp, absolute, ago(now - float(ts), lang), absolute)


def _queue_count(ctx: Ctx) -> int:
    """What the queue page shows: open opportunities younger than the queue's ``max_age``."""
    from reale.web.views.common import targets  # the views import this module

    return queries.count_open(ctx.services.store, since=ctx.now - targets(ctx).max_age)


def render(ctx: Ctx, page: Page, status: int = 200) -> Response:
    """A page's template with what every page shares (user, nav, language, CSRF token)."""
    env = ctx.services.templates
    done = ctx.query("done")
    section = page.template.split("/")[0].split(".")[0]
    now = ctx.now
    html = env.get_template(page.template).render(
        **page.data, **page.view, page=page, t=ctx.t, lang=ctx.lang, user=ctx.user,
        role=ctx.role.value if ctx.role else "", can=ctx.can, nav=NAV, section=section,
        can_respond=ctx.can(Role.RESPONDER), can_approve=ctx.can(Role.APPROVER),
        can_admin=ctx.can(Role.ADMIN),
        csrf=ctx.session.csrf if ctx.session else "", now=now,
        ago=lambda ts: ago_at(float(ts), now, ctx.lang) if ts else "",
        done=f"done.{done}" if f"done.{done}" in STRINGS else "",
        queue_count=_queue_count(ctx) if ctx.user else 0, path=ctx.request.url.path)
    return HTMLResponse(html, status_code=status)


# the 403s that are about a role; a stale CSRF token or a reply without an approval is not
ROLE_REFUSALS = frozenset({"err.role", "desk.role_low", "desk.not_on_team"})


def error_page(ctx: Ctx, exc: HTTPProblem) -> Response:
    if ctx.wants_json or (ctx.request.method != "GET" and "text/html" not in \
            ctx.request.headers.get("accept", "")):
        return error_json(exc, ctx.lang)
    title = {403: "common.forbidden" if exc.key in ROLE_REFUSALS else "common.refused",
             404: "common.not_found"}.get(exc.status, "common.error")
    message, said_in = exc.said_html(ctx.lang)
    page = Page("error.html", {"status": exc.status, "message": message, "heading": title,
                               "message_lang": said_in})
    try:
        return render(ctx, page, exc.status)
    except Exception:  # the error page must never fail: fall back to plain JSON
        return error_json(exc, ctx.lang)


__all__ = ["NAV", "ago", "ago_at", "close_bidi", "environment", "error_page", "render"]
