"""Counts of the author profile cache's work: profiles asked for (and how many of them were stale
refreshes), fetched, not found, requests sent, failures by reason and rounds that waited on a rate
limit. Plain numbers; the runners' Prometheus metrics read them on each scrape."""

from __future__ import annotations

# what is counted, keyed (what, network, reason); reason is "" except for "failures"
REQUESTED = "requested"  # queued for a fetch: unknown, or known but older than the ttl
STALE = "stale"  # of those, the ones known but stale (a refresh)
FETCHED = "fetched"  # profiles a network returned
NOT_FOUND = "not_found"  # ids a network says do not exist
REQUESTS = "requests"  # HTTP requests sent
FAILURES = "failures"  # requests that failed, by reason (rate_limited, unreachable, http_5xx, ...)
WAITS = "waits"  # fetch rounds with profiles queued and no token (rate limit, Retry-After, back-off)
KINDS = (REQUESTED, STALE, FETCHED, NOT_FOUND, REQUESTS, FAILURES, WAITS)


class ProfileStats:
    """Monotonic counters; one writer thread, any number of readers (``get`` copies).

    >>> s = ProfileStats()
    >>> s.count(FAILURES, "bluesky", "rate_limited"); s.count(FETCHED, "bluesky", n=25)
    >>> s.get()[(FETCHED, "bluesky", "")], s.total(FAILURES)
    (25, 1)
    """

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, str], int] = {}

    def count(self, what: str, network: str, reason: str = "", n: int = 1) -> None:
        key = (what, network, reason)
        self._counts[key] = self._counts.get(key, 0) + n

    def get(self) -> dict[tuple[str, str, str], int]:
        return dict(self._counts)  # one C-level copy: safe against a writer in another thread

    def total(self, what: str, network: str | None = None) -> int:
        return sum(n for (w, net, _), n in self.get().items()
                   if w == what and (network is None or net == network))
