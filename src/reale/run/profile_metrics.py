"""Prometheus metrics of author profile fetching, for both runners: read from the fetching
cache's :class:`~reale.signals.profile_stats.ProfileStats` on each scrape, so the signals part
stays free of Prometheus (names in docs/running.md and docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from reale.run.metrics import Metrics
from reale.signals import profile_stats as st
from reale.signals.profile_cache import ProfileCache

# counter (without _total), what it counts, which ProfileStats kind
COUNTERS = (
    ("reale_profiles_requested", "Author profiles queued for a fetch (unknown or stale)",
     st.REQUESTED),
    ("reale_profiles_stale_refreshes", "Profiles queued because the known one was stale",
     st.STALE),
    ("reale_profiles_fetched", "Profiles a network returned", st.FETCHED),
    ("reale_profiles_not_found", "Ids a network says do not exist", st.NOT_FOUND),
    ("reale_profile_requests", "Profile requests sent to a network", st.REQUESTS),
    ("reale_profile_rate_limited_waits",
     "Fetch rounds that found profiles queued and no request left (rate limit or back-off)",
     st.WAITS),
)


class ProfileCollector(Collector):
    """The fetching cache's counts, the queue depth per network and, on Kafka, the lease, the
    profiles awaited and the fetch rounds that failed as a whole."""

    def __init__(self, cache: ProfileCache, queued: Callable[[], Mapping[str, int]],
                 lease: Callable[[], bool] | None = None,
                 awaited: Callable[[], int] | None = None,
                 failed_rounds: Callable[[], int] | None = None) -> None:
        self.cache = cache
        self.queued = queued
        self.lease = lease
        self.awaited = awaited
        self.failed_rounds = failed_rounds

    def collect(self) -> Iterable[Metric]:
        counts = self.cache.stats.get()
        networks = sorted(set(self.cache.clients) | {net for _, net, _ in counts})
        for name, doc, kind in COUNTERS:
            family = CounterMetricFamily(name, doc, labels=["network"])
            for net in networks:
                family.add_metric([net], counts.get((kind, net, ""), 0))
            yield family
        failures = CounterMetricFamily("reale_profile_failures",
                                       "Profile requests that failed, by reason",
                                       labels=["network", "reason"])
        for (kind, net, reason), n in sorted(counts.items()):
            if kind == st.FAILURES:
                failures.add_metric([net, reason], n)
        yield failures
        depth = self.queued()
        queued = GaugeMetricFamily("reale_profiles_queued", "Profiles waiting to be fetched",
                                   labels=["network"])
        for net in sorted(set(networks) | set(depth)):
            queued.add_metric([net], depth.get(net, 0))
        yield queued
        if self.lease is not None:
            yield GaugeMetricFamily("reale_profile_fetch_lease",
                                    "1 while this process holds the profile fetch lease",
                                    value=1.0 if self.lease() else 0.0)
        if self.awaited is not None:
            yield GaugeMetricFamily("reale_profiles_awaited",
                                    "Profiles this process's workers wait for", value=self.awaited())
        if self.failed_rounds is not None:
            yield CounterMetricFamily("reale_profile_rounds_failed",
                                      "Profile fetch rounds that failed as a whole (the store "
                                      "unreachable, an unexpected error)",
                                      value=self.failed_rounds())


def watch_profiles(metrics: Metrics, cache: ProfileCache) -> ProfileCollector:
    """The embedded runner's: its one cache fetches, its queue is the depth."""
    collector = ProfileCollector(cache, lambda: {n: cache.pending(n) for n in cache.clients})
    metrics.registry.register(collector)
    return collector
