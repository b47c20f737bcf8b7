"""Alerts: the outbox seen from the desk, as ``reale alerts`` shows it in the terminal: what is
waiting, held for quiet hours or dead-lettered (with its last error), and a way for an admin to
send a dead delivery again once the channel is fixed.
"""

from __future__ import annotations

from typing import Any

from reale.alerts.admin import delivery_dict, delivery_title
from reale.alerts.outbox import STATES, Outbox
from reale.desk.roles import Role
from reale.web.deleted import NOT_SENT
from reale.web.routing import Ctx, Done, HTTPProblem, Page
from reale.web.views.common import brand_filter

SHOWN = ("dead", "pending", "held")  # the default view: what still needs someone or something
LIMIT = 200


def _outbox(ctx: Ctx) -> Outbox:
    return Outbox(ctx.services.store)  # type: ignore[arg-type]  # the Store is its Database


def alerts(ctx: Ctx) -> Page:
    state = ctx.query("state")
    if state and state not in (*STATES, "all"):
        raise HTTPProblem(400, key="err.alert_state", allowed=", ".join((*STATES, "all")))
    states = STATES if state == "all" else (state,) if state else SHOWN
    brand = brand_filter(ctx, "brand") or None
    outbox = _outbox(ctx)
    rows = outbox.list(states, brand=brand, limit=LIMIT)
    items: list[dict[str, Any]] = [delivery_dict(d) for d in rows]
    titles = {d.id: delivery_title(d, ctx.lang) for d in rows}  # the page's words; the twin's stay
    errors = {d.id: (ctx.t("alerts.not_sent_deleted"), ctx.lang) if d.last_error == NOT_SENT
              else (d.last_error, "en") for d in rows}  # the desk's own words, else a channel's
    items.sort(key=lambda d: (SHOWN.index(d["state"]) if d["state"] in SHOWN else 9, d["id"]))
    return Page("alerts.html", {"state": state, "brand": brand or "", "counts": outbox.counts(),
                                "items": items, "brands": ctx.services.brand_names(),
                                "states": list(STATES), "admin": ctx.can(Role.ADMIN)},
                title=ctx.t("alerts.title"), view={"titles": titles, "errors": errors})


def retry(ctx: Ctx) -> Done:
    """An admin puts a dead (or pending) delivery back at the head of its lane."""
    ctx.require(Role.ADMIN)
    ref = ctx.path("delivery")
    outbox = _outbox(ctx)
    if outbox.get(ref) is None:
        raise HTTPProblem(404, key="err.no_delivery", id=repr(ref))
    row = outbox.requeue(ref, ctx.now)  # an AlertError (not dead or pending) becomes a 400
    return Done("/alerts", "alert_retry", {"id": row.id, "state": row.state})


__all__ = ["alerts", "retry"]
