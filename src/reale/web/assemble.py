"""Build the desk's web app from a config: the store, the approval workflow on it, the network
accounts, per-brand drafters. Used by ``reale serve`` and ``reale users`` (and ``reale demo``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from starlette.applications import Starlette

from reale.alerts.config import AlertsConfig, parse_alerts_config
from reale.clock import Clock, SystemClock
from reale.config import Config
from reale.desk.approval import ApprovalWorkflow
from reale.desk.drafts import Drafter, draft_settings
from reale.desk.guard import DraftGuard, guard_brand, guard_settings
from reale.desk.llm import llm_config
from reale.desk.opportunity_rules import response_targets_from_config
from reale.desk.queue import OpportunityQueue
from reale.desk.store_repository import StoreDeskRepository
from reale.publish.factory import accounts_from_config
from reale.signals.moment_scope import MomentAlert
from reale.store import Store
from reale.web.accounts import Accounts
from reale.web.app import create_app, hasher
from reale.web.hub import LiveHub
from reale.web.services import DraftSource, merge_accounts
from reale.web.settings import WebSettings, check_accounts, web_settings


def accounts_of(store: Store, settings: WebSettings) -> Accounts:
    """The desk's users on a store (for ``reale users``)."""
    return Accounts(store, StoreDeskRepository(store), hasher(settings))


def check_web_config(config: Config, env: Mapping[str, str]) -> WebSettings:
    """Everything about ``config`` the desk would refuse at start ([web], [[publish.accounts]],
    [web.accounts]), checked before a command starts anything else (``reale run --serve``
    starts its sources only after this). Raises :class:`reale.errors.ConfigError`."""
    settings = web_settings(config.extra, config.team_language)
    accounts = merge_accounts(accounts_from_config(config.extra, env))
    check_accounts(settings, (a.name for a in accounts), (b.name for b in config.brands))
    return settings


def app_from_config(config: Config, store: Store, env: Mapping[str, str], *,
                    hub: LiveHub | None = None, clock: Clock | None = None,
                    queue: OpportunityQueue | None = None,
                    moments: Callable[[float | None], Sequence[MomentAlert]] | None = None,
                    alerts: AlertsConfig | None = None) -> Starlette:
    """The web desk of ``config`` on ``store`` (``env`` gives the network accounts' secrets;
    ``alerts``, the alert channels and rules its Rules page edits, default the config's)."""
    clock = clock or SystemClock()
    settings = web_settings(config.extra, config.team_language)
    workflow = ApprovalWorkflow(StoreDeskRepository(store), clock=clock)
    drafts = draft_settings(config.extra)
    llm = llm_config(config.extra, env)  # [desk.llm]: a model drafts first when configured
    allowed = guard_settings(config.extra)  # [desk.guard]: what a model draft may promise
    drafters: dict[str, DraftSource] = {
        b.name: Drafter(brand=b.name, settings=drafts, llm=llm,
                        guard=DraftGuard(guard_brand(b), allowed)) for b in config.brands}
    return create_app(store, workflow=workflow, accounts=accounts_from_config(config.extra, env),
                      drafters=drafters, hub=hub, brands=config.brands, clock=clock,
                      settings=settings, queue=queue, moments=moments,
                      alerts=alerts or _alerts(config),
                      targets=response_targets_from_config(config.extra))


def _alerts(config: Config) -> AlertsConfig | None:
    raw = config.extra.get("alerts")
    return parse_alerts_config(raw) if raw else None


__all__ = ["accounts_of", "app_from_config", "check_web_config"]
