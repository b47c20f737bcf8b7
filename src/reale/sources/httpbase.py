"""What the HTTP streaming clients (Mastodon SSE, X) share: an injected ``httpx.AsyncClient``,
bearer auth that never reaches a log, and the mapping of HTTP statuses to retry or give up."""

from __future__ import annotations

import math
from typing import Any

import httpx

from reale.errors import SourceError
from reale.retry_after import retry_after
from reale.sources.stream import FatalSourceError, StreamClient
from reale.sources.text import id_number


class RateLimited(SourceError):
    """HTTP 429: wait ``retry_after`` seconds before reconnecting."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HttpStreamClient(StreamClient):
    """A :class:`StreamClient` whose connections are HTTP requests made with ``httpx``."""

    def __init__(self, source_id: str, *, token: str = "",
                 http: httpx.AsyncClient | None = None, read_timeout: float = 90.0,
                 **kw: Any) -> None:
        super().__init__(source_id, **kw)
        self._token = token  # never logged: errors and logs name URLs only
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(15.0, read=read_timeout), follow_redirects=True)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def check_status(self, response: httpx.Response, what: str) -> None:
        """Raise the right error for a non-2xx response (401/403/400/404 are fatal)."""
        code = response.status_code
        if code < 300:
            return
        if code == 429:
            raise RateLimited(f"{what}: HTTP 429 rate limited", self._retry_after(response))
        if code in (400, 401, 403, 404, 422):
            hint = " (check the token)" if code in (401, 403) else ""
            raise FatalSourceError(f"{self.source_id}: {what}: HTTP {code}{hint}")
        raise SourceError(f"{what}: HTTP {code}")

    def _retry_after(self, response: httpx.Response) -> float:
        return retry_after(response.headers, self.clock.now())

    def _extra_delay(self, exc: BaseException) -> float:
        return exc.retry_after if isinstance(exc, RateLimited) else 0.0

    def _describe_error(self, exc: BaseException) -> str:
        text = str(exc)
        if self._token:
            text = text.replace(self._token, "***")
        return f"{type(exc).__name__}: {text[:200]}"

    async def aclose(self) -> None:
        await super().aclose()
        if self._own_http:
            await self.http.aclose()


def snowflake_ms(value: str) -> int:
    """Milliseconds since the epoch inside an X (22-bit) snowflake id; 0 if it is no numeric id
    (one that ``int`` reads wrong or not at all would otherwise stop the stream)."""
    number = id_number(value)
    return (number >> 22) + 1288834974657 if number is not None else 0


def ceil_minutes(ms: float) -> int:
    return max(1, math.ceil(ms / 60_000))
