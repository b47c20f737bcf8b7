"""The Live page: the newest mentions, then new ones as they arrive over server-sent events
(``/live/stream``), filtered by brand, kind, language and sentiment on the server.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

from starlette.responses import StreamingResponse

from reale.web import queries
from reale.web.hub import Filters, sse_stream
from reale.web.payloads import mention_payload
from reale.web.routing import Ctx, Page
from reale.web.views.common import KINDS, LANGS, SENTIMENTS, brand_filter, choice


def _filters(ctx: Ctx) -> dict[str, str]:
    return {"brand": brand_filter(ctx), "kind": choice(ctx, "kind", KINDS),
            "lang": choice(ctx, "lang", LANGS), "sentiment": choice(ctx, "sentiment", SENTIMENTS)}


def live(ctx: Ctx) -> Page:
    f = _filters(ctx)
    s = ctx.services
    kind = f["kind"] if f["kind"] not in ("mention", "opportunity", "moment") else ""
    rows = [] if f["kind"] == "moment" else queries.feed(
        s.store, brand=f["brand"] or None, lang=f["lang"] or None,
        sentiment=f["sentiment"] or None, kind=kind or None, limit=s.settings.page_limit,
        timeout=2.0)
    if f["kind"] == "opportunity":
        rows = [r for r in rows if r.opportunity is not None]
    query = urlencode({k: v for k, v in f.items() if v})
    return Page("live.html", {
        "filters": f,
        "items": [mention_payload(r.mention, r.labels, r.opportunity, ctx.lang) for r in rows],
        "brands": s.brand_names(), "kinds": list(KINDS), "langs": list(LANGS),
        "sentiments": list(SENTIMENTS), "stream": "/live/stream" + (f"?{query}" if query else ""),
        "max_rows": s.settings.live_rows}, title=ctx.t("live.title"))


async def stream(ctx: Ctx) -> StreamingResponse:
    """Batches of live events (``event: batch``, data ``{"events": [...], "dropped": n}``)."""
    f = _filters(ctx)
    hub = ctx.services.hub
    sub = hub.subscribe(Filters(**f), lang=ctx.lang)  # cards in the reader's language
    # Batching and heartbeats pace a network connection: real time, not the desk's clock.
    body = sse_stream(hub, sub, asyncio.sleep, time.monotonic)
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


__all__ = ["live", "stream"]
