"""Everything a request handler may use, injected once by :func:`reale.web.create_app`: the store,
the approval workflow, the queue, the publishers, the drafters, the live hub, the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reale.alerts.config import AlertsConfig
from reale.clock import Clock
from reale.config import BrandConfig
from reale.desk.approval import ApprovalWorkflow, SendsApproved
from reale.desk.drafts import Draft, Drafter, DraftRequest
from reale.desk.guard import DraftGuard, guard_brand
from reale.desk.opportunity_rules import ResponseTargets
from reale.desk.queue import OpportunityQueue
from reale.desk.repository import DeskRepository
from reale.publish.base import Account
from reale.signals.moment_scope import MomentAlert
from reale.store import Store
from reale.web.accounts import Accounts
from reale.web.hub import LiveHub
from reale.web.ratelimit import LoginLimiter
from reale.web.sessions import Sessions, Signer
from reale.web.settings import WebSettings

MomentsSource = Callable[[float | None], Sequence[MomentAlert]]


class DraftSource(Protocol):
    def propose(self, req: DraftRequest, recent: Sequence[str] = ()) -> list[Draft]: ...


DRY_RUN_NETWORKS = ("bluesky", "mastodon", "x")


def dry_run_accounts() -> tuple[Account, ...]:
    """One dry-run account per network, used when no real account is configured for a post."""
    urls = {"bluesky": "https://bsky.social", "mastodon": "https://mastodon.invalid",
            "x": "https://api.x.com"}
    return tuple(Account(name=f"dry-run-{n}", network=n, url=urls[n], dry_run=True)
                 for n in DRY_RUN_NETWORKS)


@dataclass
class Services:
    store: Store
    workflow: ApprovalWorkflow
    accounts: Accounts
    sessions: Sessions
    limiter: LoginLimiter
    hub: LiveHub
    clock: Clock
    settings: WebSettings
    signer: Signer
    publisher: SendsApproved
    publish_accounts: tuple[Account, ...]
    brands: tuple[BrandConfig, ...] = ()
    queue: OpportunityQueue | None = None
    targets: ResponseTargets = field(default_factory=ResponseTargets)  # the queue's, else config's
    drafters: dict[str, DraftSource] = field(default_factory=dict)
    moments: MomentsSource | None = None
    templates: Any = None  # the Jinja environment
    rollups: Any = None  # reale.web.rollup.Rollups
    follower: Any = None  # reale.web.follow.StoreFollower when this desk follows the store
    alerts: AlertsConfig | None = None  # [alerts] of reale.toml: channels and rules (no secrets)
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def repo(self) -> DeskRepository:
        return self.workflow.repository

    def brand_names(self) -> list[str]:
        return [b.name for b in self.brands]

    def brand(self, name: str) -> BrandConfig | None:
        return next((b for b in self.brands if b.name == name), None)

    def drafter(self, brand: str) -> DraftSource:
        with self.lock:
            if brand not in self.drafters:  # the brand's entry names its handles, competitors...
                known = self.brand(brand)
                self.drafters[brand] = Drafter(
                    brand=brand, guard=DraftGuard(guard_brand(known)) if known else None)
            return self.drafters[brand]

    def account_for(self, brand: str, network: str) -> Account:
        """The account that answers for ``brand`` on ``network``: the one set in ``[web.accounts]``,
        else any configured account on that network, else a dry-run one."""
        by_name = {a.name: a for a in self.publish_accounts}
        chosen = by_name.get(self.settings.accounts.get(brand, ""))
        if chosen is not None and chosen.network == _network(network):
            return chosen
        same = [a for a in self.publish_accounts if a.network == _network(network)]
        return same[0] if same else dry_run_accounts()[DRY_RUN_NETWORKS.index(_network(network))]


def _network(network: str) -> str:
    """Simulated posts are Bluesky's wire format; anything unknown is answered as Bluesky."""
    return network if network in DRY_RUN_NETWORKS else "bluesky"


def merge_accounts(configured: Sequence[Account]) -> tuple[Account, ...]:
    names = {a.name for a in configured}
    return (*configured, *(a for a in dry_run_accounts() if a.name not in names))


def drafters_of(mapping: Mapping[str, DraftSource] | None) -> dict[str, DraftSource]:
    return dict(mapping or {})


__all__ = [
    "DraftSource",
    "MomentsSource",
    "Services",
    "drafters_of",
    "dry_run_accounts",
    "merge_accounts",
]
