"""Settings: brands and their watch-queries (with a live preview of what a query would have caught
in the last hour, parse errors shown where they are), the team and its roles, network accounts.
"""

from __future__ import annotations

import importlib
from typing import Any

from reale.config import BrandConfig
from reale.desk.roles import Role, parse_role
from reale.errors import DeskError, QueryError
from reale.web import queries
from reale.web.accounts import LANGS
from reale.web.error_words import say
from reale.web.routing import Ctx, Done, HTTPProblem, Page, problem
from reale.web.views.common import post_payload

MAX_QUERY = 2_000
PREVIEW_POSTS = 5_000


def _match_module() -> Any | None:
    """``reale.match`` with ``parse_query`` and ``Matcher``, or None while it is not installed."""
    try:
        module = importlib.import_module("reale.match")
    except ImportError:
        return None
    ok = hasattr(module, "parse_query") and hasattr(module, "Matcher")
    return module if ok else None


def settings(ctx: Ctx) -> Page:
    s = ctx.services
    added: dict[str, list[dict[str, Any]]] = {}
    for qid, brand, query, by, at in queries.watch_queries(s.store):
        added.setdefault(brand, []).append({"id": qid, "query": query, "by": by, "at": at})
    brands = [{"name": b.name, "handles": list(b.handles), "hashtags": list(b.hashtags),
               "keywords": list(b.keywords), "queries": list(b.queries),
               "competitors": list(b.competitors), "language": b.language,
               "added": added.get(b.name, [])} for b in s.brands]
    admin = ctx.can(Role.ADMIN)
    return Page("settings.html", {
        "brands": brands,
        "team": [{"name": u.name, "role": u.role, "lang": u.lang, "disabled": u.disabled}
                 for u in s.accounts.users()],
        "accounts": [{"name": a.name, "network": a.network, "handle": a.handle, "url": a.url,
                      "dry_run": a.dry_run} for a in s.publish_accounts
                     if not a.name.startswith("dry-run-")],
        "roles": [r.value for r in Role], "languages": list(LANGS),
        "match_available": _match_module() is not None, "admin": admin,
    }, title=ctx.t("settings.title"))


def preview(ctx: Ctx) -> dict[str, Any]:
    """What a watch-query would have caught among the posts stored in the last hour."""
    text = ctx.form.get("query", "")
    brand = ctx.form.get("brand", "") or "preview"
    if len(text) > MAX_QUERY:
        return {"ok": False, "error": say("err.query_size", "en", most=MAX_QUERY),
                "message": say("err.query_size", ctx.lang, most=MAX_QUERY),
                "message_lang": ctx.lang}
    match = _match_module()
    if match is None:
        return {"ok": False, "available": False, "error": say("err.no_match", "en"),
                "message": say("err.no_match", ctx.lang), "message_lang": ctx.lang}
    try:
        match.parse_query(text)
    except QueryError as exc:  # "error" stays the parser's English; "message" is the viewer's
        message, message_lang = problem(400, exc).said(ctx.lang)
        return {"ok": False, "available": True, "error": str(exc).split("\n")[0],
                "code": exc.code, "message": message.split("\n")[0],
                "message_lang": message_lang, "position": exc.position,
                "expected": exc.expected, "query": text}
    matcher = match.Matcher.from_brands([BrandConfig(name=brand, queries=(text,))])
    posts = queries.recent_posts(ctx.services.store, ctx.now - 3600, PREVIEW_POSTS)
    hits = [p for p in posts if matcher.match(p)]
    return {"ok": True, "available": True, "count": len(hits), "scanned": len(posts),
            "examples": [post_payload(p) for p in hits[:10]]}


def add_query(ctx: Ctx) -> Done:
    user = ctx.require(Role.ADMIN)
    brand, text = ctx.form.get("brand", ""), ctx.form.get("query", "").strip()
    if ctx.services.brand(brand) is None:
        raise HTTPProblem(400, key="err.no_brand_config", name=repr(brand))
    if not text or len(text) > MAX_QUERY:
        raise HTTPProblem(400, key="err.query_size", most=MAX_QUERY)
    match = _match_module()
    if match is not None:
        match.parse_query(text)  # a QueryError becomes a 400 with its position
    with ctx.services.store.transaction() as tx:
        tx.execute("INSERT INTO watch_queries (brand, query, created_by, created_at)"
                   " VALUES (?, ?, ?, ?)", (brand, text, user.name, ctx.now))
    return Done("/settings", "query", {"brand": brand, "query": text})


def remove_query(ctx: Ctx) -> Done:
    ctx.require(Role.ADMIN)
    try:
        qid = int(ctx.path("query_id"))
    except ValueError:
        raise HTTPProblem(404, key="err.no_query") from None
    with ctx.services.store.transaction() as tx:
        if tx.execute("DELETE FROM watch_queries WHERE id = ?", (qid,)) != 1:
            raise HTTPProblem(404, key="err.no_watch_query", id=qid)
    return Done("/settings", "query", {"removed": qid})


def add_user(ctx: Ctx) -> Done:
    """An admin adds a person (or resets their password and role)."""
    admin = ctx.require(Role.ADMIN)
    name, role = ctx.form.get("name", ""), ctx.form.get("role", "viewer")
    parse_role(role)
    s = ctx.services
    s.accounts.add(name, ctx.form.get("password", ""), "viewer", ctx.form.get("lang", ""))
    s.workflow.add_member(admin.name, name, role)  # the workflow checks the admin again
    s.sessions.end_all(name)
    return Done("/settings", "user", {"name": name, "role": role})


def change_user(ctx: Ctx) -> Done:
    """An admin changes someone's role, or disables / enables their account."""
    admin = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    s = ctx.services
    if s.accounts.get(name) is None:
        raise HTTPProblem(404, key="err.no_user", name=repr(name))
    if name == admin.name:
        raise DeskError("change your own role or account from another admin's session",
                        code="user.self")
    if "role" in ctx.form:
        s.workflow.add_member(admin.name, name, ctx.form["role"])
    if "disabled" in ctx.form:
        s.accounts.set_disabled(name, ctx.form["disabled"] in ("1", "true", "on"))
    s.sessions.end_all(name)
    return Done("/settings", "user", {"name": name})


def set_language(ctx: Ctx) -> Done:
    user = ctx.require(Role.VIEWER)
    lang = ctx.form.get("lang", "")
    if lang not in LANGS:
        raise HTTPProblem(400, key="err.language", allowed=", ".join(LANGS))
    ctx.services.accounts.set_lang(user.name, lang)
    back = ctx.form.get("next", "/live")
    return Done(back if back.startswith("/") and not back.startswith("//") else "/live")


__all__ = ["add_query", "add_user", "change_user", "preview", "remove_query", "set_language",
           "settings"]
