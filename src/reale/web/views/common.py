"""Helpers the pages share: filters from the query string, periods, and the JSON shapes of a post,
a reply with its decisions, and an opportunity in full.
"""

from __future__ import annotations

from typing import Any

import msgspec

from reale.desk.opportunity_reasons import render_reasons
from reale.desk.opportunity_rules import ResponseTargets
from reale.desk.records import Decision, Publication, Reply
from reale.events import Post
from reale.store.retention import erased_days
from reale.web import queries
from reale.web.payloads import MAX_TEXT, opportunity_payload, post_url, safe_href
from reale.web.records import OpportunityRecord
from reale.web.routing import Ctx, HTTPProblem

KINDS = ("mention", "opportunity", "moment", "appeal", "praise", "complaint", "question")
LANGS = ("en", "it", "es", "fr", "de", "pt")
SENTIMENTS = ("positive", "neutral", "negative", "mixed")
PERIODS = {"day": (86_400.0, 3600.0), "week": (7 * 86_400.0, 6 * 3600.0),
           "month": (30 * 86_400.0, 86_400.0)}


def choice(ctx: Ctx, name: str, allowed: tuple[str, ...] | list[str]) -> str:
    """A query parameter if it is one of ``allowed``, ``""`` when absent or empty (no filter);
    any other value is a 400 that lists the choices (never a silent "no filter")."""
    value = ctx.query(name)
    if value and value not in allowed:
        raise HTTPProblem(400, key="err.one_of", name=name, allowed=", ".join(allowed),
                          got=repr(value[:40]))
    return value


def brand_filter(ctx: Ctx, name: str = "brand") -> str:
    """The brand a page is filtered on ("" when the parameter is absent or empty).

    A brand the desk does not know is a 404 (JSON ``{"error": …}`` on API paths, the error page
    in a browser), never a silent "no filter" that would show every other brand's rows.
    """
    value = ctx.query(name)
    if not value or value in ctx.services.brand_names() or _stored_brand(ctx, value):
        return value
    known = ", ".join(ctx.services.brand_names()) or "none configured"
    raise HTTPProblem(404, key="err.no_brand_known", name=repr(value), known=known)


def _stored_brand(ctx: Ctx, value: str) -> bool:
    # brands seen in the store but absent from the config are still filterable
    return bool(ctx.services.store.query("SELECT 1 FROM mentions WHERE brand = ? LIMIT 1", (value,)))


def period(ctx: Ctx) -> tuple[str, float, float, float]:
    """The chosen period (``day``, ``week``, ``month``): name, since, until, bucket width."""
    name = choice(ctx, "period", tuple(PERIODS)) or "week"
    span, bucket = PERIODS[name]
    until = (int(ctx.now // bucket) + 1) * bucket
    return name, until - span, until, bucket


def post_payload(post: Post | None) -> dict[str, Any] | None:
    if post is None:
        return None
    return {"uri": post.uri, "network": post.network,
            "author": post.author.handle or post.author.id, "name": post.author.display_name,
            "followers": post.author.followers, "text": post.text[:MAX_TEXT],
            "created_at": post.created_at, "lang": post.langs[0] if post.langs else "",
            "url": post_url(post.uri), "deleted": post.deleted_at is not None,
            "erased_days": erased_days(post),
            "links": [u for u in (safe_href(x) for x in post.links[:5]) if u]}


def decision_payload(d: Decision) -> dict[str, Any]:
    return {"id": d.id, "action": d.action, "actor": d.actor, "role": d.role, "at": d.at,
            "comment": d.comment}


def reply_payload(reply: Reply, history: list[Decision],
                  publication: Publication | None) -> dict[str, Any]:
    return {"id": reply.id, "state": reply.state, "text": reply.text, "lang": reply.lang,
            "account": reply.account, "network": reply.target.network,
            "created_by": reply.created_by, "created_at": reply.created_at,
            "updated_at": reply.updated_at,
            "history": [decision_payload(d) for d in history],
            "publication": None if publication is None else {
                "state": publication.state, "network": publication.network,
                "account": publication.account, "at": publication.at,
                "remote_uri": publication.remote_uri, "remote_url": safe_href(publication.remote_uri),
                "request": publication.request}}


def targets(ctx: Ctx) -> ResponseTargets:
    q = ctx.services.queue
    return q.targets if q is not None else ctx.services.targets


def ranked(ctx: Ctx, rec: OpportunityRecord) -> dict[str, Any]:
    """An opportunity card with its priority now: score × (1 + age / the kind's target)."""
    tg = targets(ctx)
    target = tg.target(rec.kind) if rec.kind in ("appeal", "praise", "complaint", "question",
                                                  "moment") else tg.moment
    age = max(0.0, ctx.now - (rec.created_at or rec.updated_at))
    out = opportunity_payload(rec)
    if rec.reason_codes:  # in the viewer's language; older rows keep the words they were stored in
        out["reasons"] = list(render_reasons(rec.reason_codes, ctx.lang))
    realness = rec.realness_in.get(ctx.lang, rec.realness) if rec.realness else None
    out.update(priority=round(rec.score * (1 + age / target), 4), age=age, target=target,
               overdue=age > target, posts=rec.posts,
               realness=msgspec.to_builtins(realness) if realness else None,
               network=rec.network, root_uri=rec.root_uri, decided_by=rec.decided_by,
               decided_at=rec.decided_at, relevance=rec.relevance,
               obvious_action=rec.obvious_action)
    return out


def opportunity_or_404(ctx: Ctx) -> OpportunityRecord:
    key = ctx.path("key")
    rec = queries.get_opportunity(ctx.services.store, key) if len(key) <= 64 else None
    if rec is None:
        raise HTTPProblem(404, key="err.no_opportunity", key_=repr(key))
    return rec


def replies_of(ctx: Ctx, rec: OpportunityRecord) -> list[dict[str, Any]]:
    repo = ctx.services.repo
    found = repo.replies(brand=rec.brand, opportunity_id=rec.id, limit=1000)
    found.sort(key=lambda r: (r.created_at, r.id))  # the last is the newest (replies.py)
    return [reply_payload(r, repo.decisions(r.id), repo.get_publication(r.id)) for r in found]


__all__ = ["KINDS", "LANGS", "PERIODS", "SENTIMENTS", "brand_filter", "choice",
           "decision_payload", "opportunity_or_404", "period", "post_payload", "ranked",
           "replies_of", "reply_payload", "targets"]
