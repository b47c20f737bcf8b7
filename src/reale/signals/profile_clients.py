"""HTTP clients (httpx, async) that fetch author profiles in the networks' batch sizes.

A rate-limit answer (HTTP 429) is returned as ``retry_after`` so the cache can back off; any
other failure raises :class:`reale.errors.SourceError` whose ``reason`` says how (for metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote

import httpx
import msgspec

from reale.config import SourceConfig
from reale.errors import DecodeError, SourceError
from reale.retry_after import retry_after
from reale.signals.profiles import (
    Profile,
    parse_bluesky_profiles,
    parse_mastodon_account,
    parse_x_users,
)


class FetchResult(msgspec.Struct, frozen=True, kw_only=True):
    profiles: list[Profile] = []
    missing: list[str] = []  # ids the network says do not exist
    retry_after: float | None = None  # set when the network asked us to slow down
    requests: int = 1


class ProfileClient(Protocol):
    network: str
    batch_size: int

    async def fetch(self, ids: Sequence[str], now: float) -> FetchResult: ...


def _retry_after(resp: httpx.Response, now: float) -> float:
    """Seconds to wait after a 429 (see :func:`reale.retry_after.retry_after`)."""
    return retry_after(resp.headers, now)


async def _get(http: httpx.AsyncClient, url: str, what: str, **kw: object) -> httpx.Response:
    try:
        return await http.get(url, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise SourceError(f"{what}: request to {url} failed: {exc}",
                          reason="unreachable") from exc


def _check(resp: httpx.Response, what: str) -> None:
    if resp.status_code >= 400:
        raise SourceError(f"{what}: HTTP {resp.status_code} from {resp.request.url}: "
                          f"{resp.text[:200]!r}", reason=f"http_{resp.status_code // 100}xx")


class BlueskyProfiles:
    """``app.bsky.actor.getProfiles``: up to 25 actors (DIDs or handles) per request."""

    network = "bluesky"
    batch_size = 25

    def __init__(self, http: httpx.AsyncClient, base_url: str = "https://public.api.bsky.app") -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/xrpc/app.bsky.actor.getProfiles"

    async def fetch(self, ids: Sequence[str], now: float) -> FetchResult:
        resp = await _get(self.http, self.url, "bluesky profiles",
                          params=[("actors", i) for i in ids[: self.batch_size]])
        if resp.status_code == 429:
            return FetchResult(retry_after=_retry_after(resp, now))
        _check(resp, "bluesky profiles")
        try:
            found = parse_bluesky_profiles(resp.content, fetched_at=now)
        except DecodeError as exc:
            raise SourceError(str(exc), reason="bad_payload") from exc
        got = {p.id for p in found} | {p.handle for p in found}
        return FetchResult(profiles=found, missing=[i for i in ids if i not in got])


class MastodonProfiles:
    """``GET /api/v1/accounts/:id`` on the instance the ids come from (one account per request)."""

    network = "mastodon"
    batch_size = 1

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str = "") -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def fetch(self, ids: Sequence[str], now: float) -> FetchResult:
        found: list[Profile] = []
        missing: list[str] = []
        for i in ids:
            resp = await _get(self.http, f"{self.base}/api/v1/accounts/{quote(i, safe='')}", "mastodon account",
                              headers=self.headers)
            if resp.status_code == 429:
                return FetchResult(profiles=found, missing=missing,
                                   retry_after=_retry_after(resp, now), requests=len(ids))
            if resp.status_code in (404, 410):
                missing.append(i)
                continue
            _check(resp, "mastodon account")
            try:
                found.append(parse_mastodon_account(resp.content, fetched_at=now))
            except DecodeError as exc:
                raise SourceError(str(exc), reason="bad_payload") from exc
        return FetchResult(profiles=found, missing=missing, requests=len(ids))


class XProfiles:
    """``GET /2/users?ids=…&user.fields=public_metrics,created_at``: up to 100 ids per request."""

    network = "x"
    batch_size = 100

    def __init__(self, http: httpx.AsyncClient, token: str, base_url: str = "https://api.x.com") -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/2/users"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def fetch(self, ids: Sequence[str], now: float) -> FetchResult:
        params = {"ids": ",".join(ids[: self.batch_size]), "user.fields": "public_metrics,created_at"}
        resp = await _get(self.http, self.url, "x users", params=params, headers=self.headers)
        if resp.status_code == 429:
            return FetchResult(retry_after=_retry_after(resp, now))
        _check(resp, "x users")
        try:
            found, missing = parse_x_users(resp.content, fetched_at=now)
        except DecodeError as exc:
            raise SourceError(str(exc), reason="bad_payload") from exc
        return FetchResult(profiles=found, missing=missing)


def clients_for(sources: Sequence[SourceConfig], http: httpx.AsyncClient) -> dict[str, ProfileClient]:
    """Profile lookups for the networks a config's ``[[sources]]`` listen to (the public AppView
    for Bluesky, the source's instance and token for Mastodon, its token and API address (``url``,
    default ``https://api.x.com``) for X): what ``reale run`` and the Kafka ``stages`` role both
    fetch with."""
    out: dict[str, ProfileClient] = {}
    for s in sources:
        if s.kind == "jetstream":
            out["bluesky"] = BlueskyProfiles(http)
        elif s.kind == "mastodon" and s.url:
            out["mastodon"] = MastodonProfiles(http, s.url, s.token)
        elif s.kind == "x" and s.token:
            out["x"] = XProfiles(http, s.token, s.url) if s.url else XProfiles(http, s.token)
    return out
