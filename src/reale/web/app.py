"""``create_app``: the desk as a Starlette application, built from injected collaborators so that
``reale serve``, ``reale demo`` and the tests assemble it the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from reale import __version__
from reale.alerts.config import AlertsConfig
from reale.clock import Clock, SystemClock
from reale.config import BrandConfig
from reale.desk.approval import ApprovalWorkflow, SendsApproved
from reale.desk.opportunity_rules import ResponseTargets
from reale.desk.queue import OpportunityQueue
from reale.publish.base import Account
from reale.publish.factory import PublisherPool
from reale.store import Store
from reale.web.accounts import Accounts
from reale.web.hub import LiveHub
from reale.web.openapi import openapi
from reale.web.ratelimit import LoginLimiter
from reale.web.render import environment, error_page, render
from reale.web.rollup import Rollups
from reale.web.routing import json_response, routes, unmatched
from reale.web.security import SecurityHeaders
from reale.web.services import DraftSource, MomentsSource, Services, merge_accounts
from reale.web.sessions import Sessions, Signer
from reale.web.settings import WebSettings, check_accounts
from reale.web.table import SPECS

SECRET_SNAPSHOT = "web.secret"


def cookie_secret(store: Store) -> bytes:
    """The key that signs session cookies: made once and kept in the store, so sessions survive
    a restart and every desk process on the same store agrees."""
    secret = store.get_snapshot(SECRET_SNAPSHOT)
    if secret is None:
        store.put_snapshot(SECRET_SNAPSHOT, secrets.token_bytes(32))
        secret = store.get_snapshot(SECRET_SNAPSHOT)
    assert secret is not None
    return secret


def hasher(settings: WebSettings) -> PasswordHasher:
    return PasswordHasher(time_cost=settings.argon2_time_cost,
                          memory_cost=settings.argon2_memory_kib,
                          parallelism=settings.argon2_parallelism)


def create_app(store: Store, *, workflow: ApprovalWorkflow,
               publisher: SendsApproved | None = None,
               accounts: Sequence[Account] = (),
               queue: OpportunityQueue | None = None,
               drafters: Mapping[str, DraftSource] | None = None,
               moments: MomentsSource | None = None,
               hub: LiveHub | None = None,
               brands: Sequence[BrandConfig] = (),
               clock: Clock | None = None,
               settings: WebSettings | None = None,
               alerts: AlertsConfig | None = None,
               targets: ResponseTargets | None = None) -> Starlette:
    """The web desk.

    ``store`` holds everything the pages read (migrated, with the 0003 tables); ``workflow`` is
    the approval workflow (its repository must be safe to use from worker threads, e.g.
    :class:`reale.desk.store_repository.StoreDeskRepository`). ``publisher`` sends approved
    replies (default: a :class:`PublisherPool` of ``accounts`` plus one dry-run account per
    network); ``accounts`` are the configured network accounts (shown in Settings, chosen per
    brand). ``queue`` (optional) is the runner's in-memory queue, told about decisions;
    ``drafters`` maps a brand to its drafter (default: templates only); ``moments`` gives live
    moment alerts not yet stored; ``hub`` is where the runner publishes live events; ``alerts``
    is the config's ``[alerts]`` (its channels and rules, which the Rules page edits);
    ``targets`` are the response targets and ``max_age`` of the queue page (default: ``queue``'s,
    else the built-in ones).
    """
    clock = clock or SystemClock()
    settings = settings or WebSettings()
    all_accounts = merge_accounts(accounts)
    check_accounts(settings, (a.name for a in all_accounts), (b.name for b in brands))
    if publisher is None:
        publisher = PublisherPool(all_accounts, gate=workflow, clock=clock)
    services = Services(
        store=store, workflow=workflow,
        accounts=Accounts(store, workflow.repository, hasher(settings)),
        sessions=Sessions(store, clock, lifetime=settings.session_hours * 3600,
                          idle=settings.idle_hours * 3600),
        limiter=LoginLimiter(clock, per_user=settings.login_user_attempts,
                             per_ip=settings.login_ip_attempts, window=settings.login_window),
        hub=hub or LiveHub(queue_size=settings.live_queue, max_batch=settings.live_batch,
                           interval=settings.live_interval),
        clock=clock, settings=settings, signer=Signer(cookie_secret(store)),
        publisher=publisher, publish_accounts=all_accounts, brands=tuple(brands), queue=queue,
        targets=targets or (queue.targets if queue is not None else ResponseTargets()),
        drafters=dict(drafters or {}), moments=moments, templates=environment(),
        rollups=Rollups(store), alerts=alerts)
    document = openapi(SPECS, version=__version__)

    async def openapi_json(request: Request) -> Response:
        return json_response(document)

    async def favicon(request: Request) -> Response:  # browsers ask for it unprompted
        return RedirectResponse("/static/favicon.svg", status_code=308)

    table: list[BaseRoute] = [*routes(SPECS, services, render, error_page),
                              Route("/openapi.json", openapi_json, name="openapi"),
                              Route("/favicon.ico", favicon, name="favicon"),
                              Mount("/static", StaticFiles(directory=str(static_dir())),
                                    name="static")]
    fallback = unmatched(services, error_page)
    app = Starlette(routes=table, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: fallback, 405: fallback,
                                        500: fallback})
    app.state.services = services
    app.state.openapi = document
    return app


def static_dir() -> Path:
    return Path(str(resources.files("reale.web").joinpath("static")))


__all__ = ["cookie_secret", "create_app"]
