"""The simulator's own Bluesky AppView: ``app.bsky.actor.getProfiles`` for its authors, as an ASGI
app. The demo points the real profile client at it (in process, over httpx's ASGI transport)."""

from __future__ import annotations

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reale.simulate.engine import Simulator


def appview(sim: Simulator) -> Starlette:
    """An ASGI app answering getProfiles from ``sim``'s author directory."""

    async def get_profiles(request: Request) -> Response:
        actors = request.query_params.getlist("actors")[:25]
        found = [p for p in (sim.profile(a) for a in actors) if p is not None]
        return Response(msgspec.json.encode({"profiles": found}), media_type="application/json")

    return Starlette(routes=[Route("/xrpc/app.bsky.actor.getProfiles", get_profiles)])
