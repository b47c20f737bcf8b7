"""The Queue: open opportunities ranked by score and age against each kind's response target; and
one opportunity opened: the post, why it is here, how an answer would read, the conversation, the
drafts and the reply being written.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import msgspec

from reale.desk.drafts import DraftRequest
from reale.desk.guard import describe
from reale.desk.roles import Role
from reale.errors import RealeError
from reale.publish.limits import limit_for
from reale.web import queries
from reale.web.i18n import translator
from reale.web.records import OPEN, OpportunityDecision, OpportunityRecord
from reale.web.routing import Ctx, Done, HTTPProblem, Page
from reale.web.views.common import (
    brand_filter,
    opportunity_or_404,
    post_payload,
    ranked,
    replies_of,
    targets,
)

ACTIVE = ("draft", "submitted", "sent_back", "approved")
log = logging.getLogger("reale.web")


def queue(ctx: Ctx) -> Page:
    s = ctx.services
    brand = brand_filter(ctx)
    max_age = targets(ctx).max_age
    recs = queries.opportunities(s.store, brand=brand or None, status=OPEN,
                                 since=ctx.now - max_age, limit=500, timeout=2.0)
    items = sorted((ranked(ctx, r) for r in recs), key=lambda x: (-x["priority"], x["key"]))[:100]
    older = queries.count_open(s.store, brand=brand or None, before=ctx.now - max_age)
    return Page("queue.html", {"items": items, "brand": brand, "brands": s.brand_names(),
                               "older": older, "max_age": max_age,
                               "older_reports": _older_reports(ctx, brand, max_age)},
                title=ctx.t("queue.title"))


def _older_reports(ctx: Ctx, brand: str, max_age: float) -> str:
    """The Reports page over the year from the oldest open opportunity the queue no longer shows
    (Reports counts opportunities by their post's day)."""
    oldest = queries.oldest_open(ctx.services.store, brand=brand or None, before=ctx.now - max_age)
    if oldest is None:
        return ""
    start = datetime.fromtimestamp(oldest, UTC)
    end = datetime.fromtimestamp(min(ctx.now, oldest + 365 * 86_400), UTC)
    query = {"from": start.date().isoformat(), "to": end.date().isoformat()}
    return "/reports?" + urlencode({**query, **({"brand": brand} if brand else {})})


def conversation_of(ctx: Ctx, rec: OpportunityRecord) -> dict[str, Any]:
    conv = ctx.services.store.conversation(rec.root_uri, limit=200, timeout=2.0)
    counts: dict[str, int] = {}
    for i in conv.interactions:
        counts[i.kind] = counts.get(i.kind, 0) + 1
    post = ctx.services.store.get_post(rec.post_uri)
    return {"root": post_payload(conv.root), "post": post_payload(post),
            "replies": [post_payload(p) for p in conv.replies[:50]],
            "reply_count": len(conv.replies), "interactions": counts}


def _drafts(ctx: Ctx, rec: OpportunityRecord, lang: str) -> list[dict[str, Any]]:
    s = ctx.services
    req = DraftRequest(kind=rec.kind, text=rec.text, lang=lang, author_handle=rec.author_handle,
                       network=s.account_for(rec.brand, rec.network).network, brand=rec.brand,
                       opportunity_id=rec.id)
    drafter = s.drafter(rec.brand)
    try:
        if getattr(drafter, "uses_model", False):  # this view runs on a worker thread: no loop
            recent = s.repo.recent_texts(rec.brand)
            drafts = asyncio.run(drafter.propose_async(req, recent))  # type: ignore[attr-defined]
        else:
            with s.lock:
                drafts = drafter.propose(req, s.repo.recent_texts(rec.brand))
    except RealeError as exc:  # drafts are a help: the page works without them
        log.warning("no drafts for %s: %s", rec.key, exc)
        return []
    # what the draft guard found, in the team's words (a model draft stripped or flagged, or the
    # reasons the model draft this one stands in for was blocked)
    return [{**msgspec.to_builtins(d), "guard_notes": [describe(f, ctx.lang) for f in d.guard]}
            for d in drafts]


def opportunity(ctx: Ctx) -> Page:
    s = ctx.services
    rec = opportunity_or_404(ctx)
    labels = queries.labels_for(s.store, [rec.post_uri]).get(rec.post_uri)
    lang = (labels.lang if labels else "") or rec.language
    replies = replies_of(ctx, rec)
    current = next((r for r in reversed(replies) if r["state"] in ACTIVE), None)
    account = s.account_for(rec.brand, rec.network)
    data = {
        "opportunity": ranked(ctx, rec), "labels": msgspec.to_builtins(labels) if labels else None,
        "conversation": conversation_of(ctx, rec),
        "drafts": _drafts(ctx, rec, lang) if ctx.can(Role.RESPONDER) and current is None else [],
        "replies": replies, "current": current,
        "last_reply": replies[-1]["id"] if replies else "",  # a form posted twice is refused
        # a reply already approved or published: the composer writes another one, and says so
        "answered": any(r["state"] in ("approved", "published") for r in replies),
        "account": {"name": account.name, "network": account.network, "dry_run": account.dry_run,
                    "limit": account.max_characters or limit_for(account.network)},
        "decisions": [msgspec.to_builtins(d) for d in queries.decisions(s.store, rec.key)],
    }
    return Page("opportunity.html", data, title=rec.author_handle or rec.brand)


# how an opportunity was closed, as "this opportunity was already … by rita" says it
CLOSED_EN = {"irrelevant": "dismissed as irrelevant", "not_worth": "dismissed as not worth it"}


def dismiss(ctx: Ctx) -> Done:
    """Dismiss an opportunity as irrelevant or not worth it (the desk learns from both)."""
    s = ctx.services
    user = ctx.require(Role.RESPONDER)
    reason = ctx.form.get("reason", "")
    if reason not in ("irrelevant", "not_worth"):
        raise HTTPProblem(400, key="err.dismiss_reason")
    rec = opportunity_or_404(ctx)
    if rec.status == "deleted":  # a stale page: its author deleted the post; nobody decided it
        raise HTTPProblem(409, key="err.post_gone")
    if rec.status != OPEN:  # a stale page: never file an answered case as irrelevant, and learn it
        raise HTTPProblem(409, key="err.already_decided",
                          status_=(CLOSED_EN.get(rec.status, rec.status),
                                   translator("it")(f"status.{rec.status}")),
                          who=(rec.decided_by or "someone", rec.decided_by or "qualcuno"))
    queries.decide(s.store, OpportunityDecision(
        opportunity_key=rec.key, action=reason, actor=user.name, role=user.role, at=ctx.now,
        comment=ctx.form.get("comment", "")[:1000]))
    if s.queue is not None:
        with s.lock:
            s.queue.resolve(rec.id, reason)  # type: ignore[arg-type]
    return Done("/queue", "dismissed", {"key": rec.key, "status": reason})


def mark_handled(ctx: Ctx, rec: OpportunityRecord, comment: str) -> None:
    """After a reply went out (or was rehearsed in dry run): the opportunity is handled."""
    s = ctx.services
    user = ctx.require(Role.RESPONDER)
    queries.decide(s.store, OpportunityDecision(opportunity_key=rec.key, action="handled",
                                                actor=user.name, role=user.role, at=ctx.now,
                                                comment=comment))
    if s.queue is not None:
        with s.lock:
            s.queue.resolve(rec.id, "handled")


__all__ = ["conversation_of", "dismiss", "mark_handled", "opportunity", "queue"]
