"""Logging in and out. The login form carries a CSRF token bound to a cookie (double submit);
attempts are rate-limited per user name and per address; the session cookie is HttpOnly,
SameSite=Lax, and Secure over https.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from reale.web.render import render
from reale.web.routing import Ctx, HTTPProblem, Page, json_response
from reale.web.sessions import COOKIE, LOGIN_CSRF_COOKIE


def _next(value: str) -> str:
    """Only a path on this site (never ``//host`` or a scheme) may be the place to go next."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/live"


def _secure(ctx: Ctx) -> bool:
    setting = ctx.services.settings.secure_cookies
    return ctx.request.url.scheme == "https" if setting is None else setting


def login_page(ctx: Ctx, error: str = "", status: int = 200) -> Response:
    token = ctx.request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    data: dict[str, Any] = {"csrf": token, "next": _next(ctx.query("next", "/live")),
                            "error": error}
    if ctx.wants_json:
        response = json_response(data if not error else {"error": error}, status=status)
    else:
        page = Page("login.html", {"login_csrf": token, "next": data["next"], "error": error},
                    title=ctx.t("login.title"))
        response = render(ctx, page, status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=_secure(ctx), path="/login")
    return response


def login_form(ctx: Ctx) -> Response:
    if ctx.user is not None and not ctx.wants_json:
        return RedirectResponse(_next(ctx.query("next", "/live")), status_code=303)
    return login_page(ctx)


async def login(ctx: Ctx) -> Response:
    s = ctx.services
    name, password = ctx.form.get("user", "")[:64], ctx.form.get("password", "")
    ip = ctx.request.client.host if ctx.request.client else "unknown"
    wait = s.limiter.check(name, ip)
    if wait > 0:
        refused = login_page(ctx, ctx.t("login.limited", s=int(wait) + 1), 429)
        refused.headers["Retry-After"] = str(int(wait) + 1)
        return refused
    user = await run_in_threadpool(s.accounts.authenticate, name, password)
    if user is None or not user.role:
        s.limiter.failed(name, ip)
        return login_page(ctx, ctx.t("login.failed"), 401)
    s.limiter.succeeded(name)
    token, session = await run_in_threadpool(s.sessions.create, user.name)
    target = _next(ctx.form.get("next", "/live"))
    if ctx.wants_json:
        response: Response = json_response({"user": user.name, "role": user.role,
                                             "csrf": session.csrf})
    else:
        response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, s.signer.sign(token), max_age=int(s.sessions.lifetime),
                        httponly=True, samesite="lax", secure=_secure(ctx), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def logout(ctx: Ctx) -> Response:
    token = ctx.services.signer.unsign(ctx.request.cookies.get(COOKIE))
    if token:
        ctx.services.sessions.end(token)
    response: Response = json_response({"ok": True}) if ctx.wants_json else \
        RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def me(ctx: Ctx) -> Response:
    if ctx.user is None or ctx.session is None:
        raise HTTPProblem(401, key="err.login_first")
    return json_response({"user": ctx.user.name, "role": ctx.user.role, "lang": ctx.lang,
                          "csrf": ctx.session.csrf})


__all__ = ["login", "login_form", "logout", "me"]
