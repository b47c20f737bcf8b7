"""Publishers built from the config: ``[[publish.accounts]]`` entries, one publisher per account,
and a pool that sends each approved reply through its own account's publisher.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import msgspec

from reale.clock import Clock
from reale.desk.approval import ApprovedReply
from reale.desk.records import Publication
from reale.errors import ConfigError, PublishError
from reale.publish.base import Account, Publisher, PublishGate, Sleep
from reale.publish.bluesky import BlueskyPublisher
from reale.publish.mastodon import MastodonPublisher
from reale.publish.ratelimit import RateLimiter
from reale.publish.x import XPublisher

PUBLISHERS: dict[str, type[Publisher]] = {
    "bluesky": BlueskyPublisher, "mastodon": MastodonPublisher, "x": XPublisher,
}
DEFAULT_URLS = {"bluesky": "https://bsky.social", "x": "https://api.x.com"}


def accounts_from_config(extra: Mapping[str, Any], env: Mapping[str, str]) -> tuple[Account, ...]:
    """Parse ``[[publish.accounts]]`` from ``Config.extra``; secrets come from ``env`` (the CLI
    passes ``os.environ``) by each account's ``secret_env``."""
    section = extra.get("publish") or {}
    unknown = sorted(set(section) - {"accounts"}) if isinstance(section, Mapping) else ["?"]
    if unknown:  # a typo such as [[publish.account]] would silently leave every reply a dry run
        raise ConfigError(f"[publish]: unknown key {unknown[0]!r}; accounts go in "
                          "[[publish.accounts]] (docs/publishing.md)")
    raw = section.get("accounts") or []
    if not isinstance(raw, list):
        raise ConfigError(f"publish.accounts must be a list of [[publish.accounts]] tables, "
                          f"got {raw!r:.60}")
    accounts = []
    for i, entry in enumerate(raw):
        try:
            acc = msgspec.convert(entry, Account)
        except msgspec.ValidationError as exc:
            raise ConfigError(f"publish.accounts[{i}]: {exc}") from exc
        if acc.network not in PUBLISHERS:
            raise ConfigError(f"publish.accounts[{i}] ({acc.name}): network must be one of "
                              f"{', '.join(PUBLISHERS)}, not {acc.network!r}")
        url = acc.url or DEFAULT_URLS.get(acc.network, "")
        if not url:
            raise ConfigError(f"publish.accounts[{i}] ({acc.name}): set url (the instance)")
        secret = env.get(acc.secret_env, "") if acc.secret_env else acc.secret
        if not acc.dry_run and not secret:
            raise ConfigError(f"publish.accounts[{i}] ({acc.name}): dry_run is off but "
                              f"{acc.secret_env or 'secret_env'} is not set")
        accounts.append(msgspec.structs.replace(acc, url=url, secret=secret))
    names = [a.name for a in accounts]
    if len(set(names)) != len(names):
        raise ConfigError(f"publish.accounts: names must be unique, got {names}")
    return tuple(accounts)


def publisher_for(account: Account, *, gate: PublishGate, clock: Clock,
                  limiter: RateLimiter | None = None, sleep: Sleep | None = None,
                  transport: httpx.AsyncBaseTransport | None = None) -> Publisher:
    """The publisher of one account's network."""
    cls = PUBLISHERS.get(account.network)
    if cls is None:
        raise ConfigError(f"no publisher for network {account.network!r}")
    return cls(account, gate=gate, clock=clock, limiter=limiter, sleep=sleep, transport=transport)


class PublisherPool:
    """Every configured account's publisher, sharing one rate limiter; routes by account."""

    def __init__(self, accounts: tuple[Account, ...], *, gate: PublishGate, clock: Clock,
                 sleep: Sleep | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        limiter = RateLimiter(clock)
        self._gate = gate
        self._by_name = {a.name: publisher_for(a, gate=gate, clock=clock, limiter=limiter,
                                               sleep=sleep, transport=transport) for a in accounts}

    @property
    def accounts(self) -> list[str]:
        return sorted(self._by_name)

    async def publish(self, approved: ApprovedReply) -> Publication:
        """Verify, then publish through the reply's own account."""
        approved = self._gate.verify(approved)
        publisher = self._by_name.get(approved.reply.account)
        if publisher is None:
            raise PublishError(f"no publishing account named {approved.reply.account!r}: "
                               f"configured are {', '.join(self.accounts) or 'none'}",
                               code="pub.no_account",
                               values={"account": repr(approved.reply.account),
                                       "known": ", ".join(self.accounts) or "–"})
        return await publisher.publish(approved)

    async def aclose(self) -> None:
        for publisher in self._by_name.values():
            await publisher.aclose()


__all__ = ["PUBLISHERS", "PublisherPool", "accounts_from_config", "publisher_for"]
