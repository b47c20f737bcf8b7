"""Writing and approving a reply: compose (save, submit, or approve and send in one step), approve,
send, send back with a comment, withdraw. Each action checks the role here and the approval
workflow checks it again; nothing is sent without a recorded approval.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from reale.desk.approval import EDITABLE
from reale.desk.one_reply import LIVE
from reale.desk.records import Publication, Reply, Target
from reale.desk.roles import Role
from reale.publish.limits import fits, limit_for, text_length
from reale.web import queries
from reale.web.records import OpportunityRecord
from reale.web.routing import Ctx, Done, HTTPProblem
from reale.web.views.common import opportunity_or_404
from reale.web.views.queue import mark_handled


def _reply(ctx: Ctx, reply_id: str) -> Reply:
    reply = ctx.services.repo.get_reply(reply_id) if len(reply_id) <= 64 else None
    if reply is None:
        raise HTTPProblem(404, key="err.no_reply", id=repr(reply_id))
    return reply


def _opportunity_of(ctx: Ctx, reply: Reply) -> OpportunityRecord | None:
    found = ctx.services.store.query("SELECT key FROM opportunities WHERE id = ?",
                                     (reply.opportunity_id,))
    return queries.get_opportunity(ctx.services.store, found[0][0]) if found else None


def _back(reply: Reply, rec: OpportunityRecord | None) -> str:
    return f"/queue/{rec.key}" if rec is not None else "/queue"


def _text(ctx: Ctx) -> str:
    return ctx.form.get("text", "").replace("\r\n", "\n")


def _draft(ctx: Ctx, rec: OpportunityRecord, text: str, further: bool) -> Reply:
    s = ctx.services
    user = ctx.require(Role.RESPONDER)
    account = s.account_for(rec.brand, rec.network)
    target = Target(network=account.network, uri=rec.post_uri, root_uri=rec.root_uri,
                    author_handle=rec.author_handle)
    return s.workflow.draft(user.name, brand=rec.brand, account=account.name, target=target,
                            text=text, lang=rec.language or "en", kind=rec.kind,
                            opportunity_id=rec.id, post_created_at=rec.created_at or None,
                            further=further)


async def _send(ctx: Ctx, reply: Reply, rec: OpportunityRecord | None) -> Publication:
    """Approve and send (or send an approved reply), then mark the opportunity handled."""
    s = ctx.services
    user = ctx.require(Role.APPROVER)
    if reply.state == "approved":
        approved = await run_in_threadpool(s.workflow.approved_reply, reply.id)
        publication = await s.publisher.publish(approved)
    else:
        publication = await s.workflow.approve_and_send(user.name, reply.id, s.publisher)
    if rec is not None:
        note = "reply rehearsed in dry run" if publication.state == "dry_run" else "reply published"
        await run_in_threadpool(mark_handled, ctx, rec, note)
    return publication


def _sent_message(pub: Publication) -> str:
    return "dry_run" if pub.state == "dry_run" else "sent"


async def compose(ctx: Ctx) -> Done:
    """Write the opportunity's reply: ``action`` save, submit or send (approve and send)."""
    rec = await run_in_threadpool(opportunity_or_404, ctx)
    action = ctx.form.get("action", "save")
    if action not in ("save", "submit", "send"):
        raise HTTPProblem(400, key="err.reply_action")
    user = ctx.require(Role.APPROVER if action == "send" else Role.RESPONDER)
    if rec.status == "deleted":  # a stale page: its author deleted the post since
        raise HTTPProblem(409, key="err.post_gone_reply")
    text = _text(ctx)
    if not text.strip():  # the client's mistake (400), not a conflict with the desk's state
        raise HTTPProblem(400, key="err.reply_empty")
    if action != "save":
        _check_length(ctx, rec, text)
    reply = await run_in_threadpool(_write, ctx, rec, text, ctx.form.get("reply_id", ""))
    if action == "submit" and reply.state in ("draft", "sent_back"):
        reply = await run_in_threadpool(ctx.services.workflow.submit, user.name, reply.id)
    if action == "send":
        pub = await _send(ctx, reply, rec)
        return Done(f"/queue/{rec.key}", _sent_message(pub), _pub(reply, pub))
    return Done(f"/queue/{rec.key}", "submitted" if action == "submit" else "saved",
                {"reply": reply.id, "state": reply.state})


def _check_length(ctx: Ctx, rec: OpportunityRecord, text: str) -> None:
    """A reply the network would refuse as too long is not submitted or sent (a draft may be)."""
    account = ctx.services.account_for(rec.brand, rec.network)
    limit = account.max_characters or limit_for(account.network)
    if not fits(account.network, text, limit):
        raise HTTPProblem(400, key="err.reply_long", n=text_length(account.network, text),
                          network=account.network, most=limit)


def _write(ctx: Ctx, rec: OpportunityRecord, text: str, reply_id: str) -> Reply:
    s = ctx.services
    user = ctx.require(Role.RESPONDER)
    current = _reply(ctx, reply_id) if reply_id else None
    if current is not None and current.opportunity_id != rec.id:
        raise HTTPProblem(400, key="err.reply_elsewhere")
    if current is not None and current.state == "published":  # a stale page: never send it twice
        raise HTTPProblem(409, key="err.reply_published", id=current.id)
    if current is None or current.state not in (*EDITABLE, "approved"):
        with s.lock:  # the check and the new draft together: a double submit makes one reply
            return _draft(ctx, rec, text, _check_last_reply(ctx, rec))
    if text.strip() and text.strip() != current.text:
        return s.workflow.edit(user.name, current.id, text)
    return current


def newest_reply_id(ctx: Ctx, rec: OpportunityRecord) -> str:
    """The id of the opportunity's newest reply ("" when none): what a page saw last."""
    replies = ctx.services.repo.replies(brand=rec.brand, opportunity_id=rec.id, limit=1000)
    return max(replies, key=lambda r: (r.created_at, r.id)).id if replies else ""


def _check_last_reply(ctx: Ctx, rec: OpportunityRecord) -> bool:
    """Whether a new reply may be written, and if it is a further one (docs/web.md, "One answer
    per post"). A form that says which reply its page saw last (``last_reply``, "" for none) is
    refused when a reply was written since: the same form posted twice (a double click), or two
    people answering at once. When a reply is already approved or published, a new one must
    mean it: ``another=1``, or a ``last_reply`` naming the newest reply; else 409."""
    seen = ctx.form.get("last_reply")
    if seen is not None and seen != newest_reply_id(ctx, rec):
        raise HTTPProblem(409, key="err.reply_since")
    another = ctx.form.get("another", "") in ("1", "true", "on", "yes")
    live = live_reply(ctx, rec)
    if live is not None and not another and not seen:
        raise HTTPProblem(409, key="err.reply_exists", id=live.id, state=live.state)
    return another or live is not None


def live_reply(ctx: Ctx, rec: OpportunityRecord) -> Reply | None:
    """The opportunity's first reply that is approved or published (None when none is)."""
    replies = ctx.services.repo.replies(brand=rec.brand, opportunity_id=rec.id, limit=1000)
    live = [r for r in replies if r.state in LIVE]
    return min(live, key=lambda r: (r.created_at, r.id)) if live else None


def _pub(reply: Reply, pub: Publication) -> dict[str, str]:
    return {"reply": reply.id, "publication": pub.state, "remote_uri": pub.remote_uri}


def _moved(ctx: Ctx, reply: Reply, message: str, state: str) -> Done:
    """Back to the reply's opportunity, saying what was done and the reply's state now."""
    return Done(_back(reply, _opportunity_of(ctx, reply)), message,
                {"reply": reply.id, "state": state})


def approve(ctx: Ctx) -> Done:
    user = ctx.require(Role.APPROVER)
    reply = _reply(ctx, ctx.path("reply_id"))
    approved = ctx.services.workflow.approve(user.name, reply.id, ctx.form.get("comment", ""))
    return _moved(ctx, reply, "approved", approved.reply.state)


async def send(ctx: Ctx) -> Done:
    ctx.require(Role.APPROVER)
    reply = await run_in_threadpool(_reply, ctx, ctx.path("reply_id"))
    rec = await run_in_threadpool(_opportunity_of, ctx, reply)
    pub = await _send(ctx, reply, rec)
    return Done(_back(reply, rec), _sent_message(pub), _pub(reply, pub))


def send_back(ctx: Ctx) -> Done:
    user = ctx.require(Role.APPROVER)
    reply = _reply(ctx, ctx.path("reply_id"))
    new = ctx.services.workflow.send_back(user.name, reply.id, ctx.form.get("comment", ""))
    return _moved(ctx, reply, "sent_back", new.state)


def submit(ctx: Ctx) -> Done:
    user = ctx.require(Role.RESPONDER)
    reply = _reply(ctx, ctx.path("reply_id"))
    new = ctx.services.workflow.submit(user.name, reply.id)
    return _moved(ctx, reply, "submitted", new.state)


def withdraw(ctx: Ctx) -> Done:
    user = ctx.require(Role.RESPONDER)
    reply = _reply(ctx, ctx.path("reply_id"))
    new = ctx.services.workflow.withdraw(user.name, reply.id, ctx.form.get("comment", ""))
    return _moved(ctx, reply, "withdrawn", new.state)


__all__ = ["approve", "compose", "send", "send_back", "submit", "withdraw"]
