"""``run_kafka``: start the workers of one role (``source``, ``matcher``, ``stages`` or ``all``)
in this process, each in its own thread and consumer group, until stopped or, with
``idle_exit``, until the topics stay empty that long. The lead's ``reale run --runner kafka``
and ``reale kafka worker`` both call it."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence

import httpx
import msgspec

from reale.alerts import ChannelSecrets
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.clock import Clock, SystemClock
from reale.config import Config
from reale.errors import ConfigError, RealeError
from reale.match import Matcher, QueryReloader
from reale.run.embedded import Source
from reale.run.kafka.admin import check_topics
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.conversations import ConversationStage
from reale.run.kafka.cursors import TopicCursors
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.matcher import MatcherStage
from reale.run.kafka.metrics import KafkaMetrics, watch_profile_fetcher
from reale.run.kafka.moments import MomentCountStage, MomentMergeStage
from reale.run.kafka.outbox import OutboxAlerts
from reale.run.kafka.outbox import register as register_alerts
from reale.run.kafka.profiles import ProfileExchange, ProfileFetcher, ProfileService
from reale.run.kafka.publish import Publisher, publish_sources
from reale.run.kafka.relevance import prune_models
from reale.run.kafka.services import AlertDelivery, QueryWatcher, Service
from reale.run.kafka.settings import ROLES, KafkaSettings
from reale.run.kafka.snapshots import register
from reale.run.kafka.stage import Stage
from reale.run.kafka.worker import Worker, WorkerSummary
from reale.run.learning import relevance_memory
from reale.run.pipeline import MatcherRef
from reale.run.sourcewatch import SourceWatch
from reale.run.wiring import Understanding, alerts_from_config
from reale.signals.profile_clients import ProfileClient, clients_for
from reale.signals.safety import understanding_labeller
from reale.signals.settings import signals_config
from reale.store import Store, open_store
from reale.web.data import register_writers

log = logging.getLogger("reale.run.kafka")


def stages_for(role: str, settings: KafkaSettings, config: Config, store: Store,
               clock: Clock, *, matcher: MatcherRef | None = None,
               desk: KafkaDesk | None = None,
               profiles: ProfileExchange | None = None) -> list[Stage]:
    """The consuming stages a role runs (the source role runs none). Without ``matcher`` the
    queries are compiled once; without ``desk`` the brand stage only counts and detects;
    without ``profiles`` reach uses only the follower counts the posts carry."""
    if role not in ROLES:
        raise ConfigError(f"--role {role!r}: choose one of {', '.join(ROLES)}")
    out: list[Stage] = []
    if role in ("matcher", "moments", "all") and matcher is None:
        static = Matcher.from_brands(config.brands)
        matcher = lambda: static  # noqa: E731
    if role in ("matcher", "all"):
        assert matcher is not None
        out.append(MatcherStage(settings, matcher))
    if role in ("stages", "all"):
        out.append(BrandStage(settings, store, clock, group=settings.group("brands"),
                              snapshot_interval=settings.snapshot_interval,
                              signals=signals_config(config.extra), desk=desk,
                              profiles=profiles))
        out.append(ConversationStage(settings, store, clock,
                                     group=settings.group("conversations"),
                                     grace=settings.grace,
                                     snapshot_interval=settings.snapshot_interval, desk=desk))
    if role in ("moments", "all"):
        assert matcher is not None
        out.extend(moment_stages(settings, config, store, clock, desk, matcher))
    return out


def moment_stages(settings: KafkaSettings, config: Config, store: Store, clock: Clock,
                  desk: KafkaDesk | None, matcher: MatcherRef | None = None) -> list[Stage]:
    """Whole-stream moments: term counts per posts partition (with the brands each post
    mentions, by ``matcher``), merged per term; the safety read labels example posts with the
    understanding models when the desk has them."""
    signals = signals_config(config.extra)
    understanding = desk.understanding if desk is not None else None
    labeller = understanding_labeller(understanding.label) if understanding else None
    return [MomentCountStage(settings, store, clock, signals=signals,
                             snapshot_interval=settings.snapshot_interval, matcher=matcher),
            MomentMergeStage(settings, store, clock, signals=signals,
                             snapshot_interval=settings.snapshot_interval, desk=desk,
                             labeller=labeller)]


class RoleParts(msgspec.Struct, kw_only=True):
    """What a role needs beyond its consumers (see :func:`role_parts`)."""

    matcher: MatcherRef | None = None
    desk: KafkaDesk | None = None
    profiles: ProfileExchange | None = None
    services: list[Service] = []


def role_parts(role: str, config: Config, store: Store, clock: Clock, *,
               alert_secrets: Mapping[str, ChannelSecrets] | None = None,
               profile_clients: Mapping[str, ProfileClient] | None = None) -> RoleParts:
    """What a role needs beyond its consumers, as the embedded runner has it: hot-reloaded
    watch-queries (when the config came from a file), the desk with alert delivery, and author
    profiles fetched for the networks of the config's sources (or ``profile_clients``)."""
    parts = RoleParts()
    if role in ("matcher", "moments", "all") and config.path:
        reloader = QueryReloader(config.path, clock=clock, interval=config.reload_interval)
        parts.matcher = lambda: reloader.matcher
        parts.services.append(QueryWatcher(reloader))
    if role in ("stages", "moments", "all"):
        alerts = alerts_from_config(config.extra)
        understanding = Understanding(config.brands, relevance_memory(config.extra))
        rules = LiveRules(alerts, RuleStore(store)) if alerts is not None else None
        parts.desk = KafkaDesk(config, clock, understanding=understanding, alerts=alerts,
                               rules=rules)
        if parts.desk.alerts is not None:
            parts.services.append(AlertDelivery(parts.desk.alerts, store, clock,
                                                secrets=alert_secrets))
    if role in ("stages", "all"):
        service = profile_service(config, store, clock, profile_clients)
        if service is not None:
            parts.profiles = service.fetcher.exchange
            parts.services.append(service)
    return parts


def profile_service(config: Config, store: Store, clock: Clock,
                    clients: Mapping[str, ProfileClient] | None = None) -> ProfileService | None:
    """The stages role's profile fetcher, with the clients ``reale run`` builds from the
    config's ``[[sources]]`` (None when no source's network has profiles to fetch)."""
    http = None
    if clients is None:
        http = httpx.AsyncClient(timeout=10.0)
        clients = clients_for(config.sources, http)
    if not clients:
        return None
    fetcher = ProfileFetcher(store, clock, signals_config(config.extra).profiles, clients,
                             ProfileExchange())
    return ProfileService(fetcher, http=http)


def config_sources(config: Config, store: Store, prefix: str = "") -> list[Source]:
    """The clients of the config's ``[[sources]]`` (live or replay), with cursors in the store
    under keys of the topics' ``prefix`` (:mod:`reale.run.kafka.cursors`)."""
    from reale.sources.factory import build_sources

    cursors = TopicCursors(store, prefix)
    out: list[Source] = []
    for s in config.sources:
        out.extend(build_sources(s, cursor_store=cursors, brands=config.brands))
    return out


def run_kafka(config: Config, *, bootstrap: str, store_url: str | None = None, role: str = "all",
              settings: KafkaSettings | None = None, sources: Sequence[Source] | None = None,
              metrics: KafkaMetrics | None = None, clock: Clock | None = None,
              idle_exit: float | None = None, install_signals: bool = True,
              ready: Callable[[list[Worker]], None] | None = None,
              alert_secrets: Mapping[str, ChannelSecrets] | None = None,
              profile_clients: Mapping[str, ProfileClient] | None = None) -> list[WorkerSummary]:
    """Run one role against the broker at ``bootstrap`` and the store at ``store_url``
    (``profile_clients``: instead of those built from the config's sources)."""
    if role in ("matcher", "all") and not config.brands:
        # It would read and commit every post and store no mention: the stream lost for good.
        raise ConfigError(f"the {role} role has no brands to watch: pass --config reale.toml "
                          "with [[brands]] (a matcher without them would mark every post as "
                          "read and store nothing)")
    if role == "source" and sources is None and not config.sources:
        raise ConfigError("the source role has nothing to publish: pass --config reale.toml "
                          "with [[sources]], or --replay FILE")
    s = (settings or KafkaSettings()).validate()
    if s.bootstrap != bootstrap:
        s = msgspec.structs.replace(s, bootstrap=bootstrap).validate()
    check_topics(s)  # the broker answers and the topics exist, else a clear error, not a hang
    clock = clock or SystemClock()
    metrics = metrics or KafkaMetrics(role)
    if config.metrics_port:
        metrics.serve(config.metrics_host, config.metrics_port)
    store = open_store(store_url or config.store)
    store.keep_text_days = config.keep_text_days  # the roles that write prune as they write
    if store.url.startswith("sqlite"):
        log.warning("the store is SQLite: only processes on this machine share it; workers on "
                    "other machines, and their `reale serve`, need the shared PostgreSQL "
                    "(--store postgresql://…)", extra={"fields": {"store": store.url}})
    register(store)
    register_writers(store)
    register_alerts(store)
    services: list[Service] = []
    desk: KafkaDesk | None = None
    try:
        parts = role_parts(role, config, store, clock, alert_secrets=alert_secrets,
                           profile_clients=profile_clients)
        services, desk = parts.services, parts.desk
        if desk is not None:
            desk.degraded = metrics.degraded
        for service in services:
            if isinstance(service, ProfileService):
                watch_profile_fetcher(metrics, service.fetcher)
        if desk is not None and role in ("stages", "all"):
            prune(store, s.group("brands"), config, metrics)
        stages = stages_for(role, s, config, store, clock, matcher=parts.matcher,
                            desk=parts.desk, profiles=parts.profiles)
        workers = [Worker(s, st, store, metrics=metrics, clock=clock,
                          client_id=f"reale-{st.name}") for st in stages]
        if install_signals:
            _on_signals(workers)
        if ready is not None:
            ready(workers)
        failures: list[str] = []
        threads = [threading.Thread(target=_run_worker, args=(w, idle_exit, workers, failures),
                                    name=w.stage.name, daemon=True) for w in workers]
        for t in threads:
            t.start()
        for service in services:
            service.start()
        if role in ("source", "all"):
            src = list(sources) if sources is not None else config_sources(config, store, s.prefix)
            publisher = Publisher(s, metrics=metrics, clock=clock)
            watch = source_watch(config, store, clock, metrics)
            names = [getattr(x, "source_id", "") or type(x).__name__ for x in src]
            log.info("sources started", extra={"fields": {"sources": names}})
            try:
                n = asyncio.run(_publish(publisher, src, watch, workers, install_signals))
            finally:
                publisher.close()
            if install_signals:
                _on_signals(workers)  # the event loop's close put the default handlers back
            log.info("sources done", extra={"fields": {"published": n}})
        for t in threads:
            while t.is_alive():
                t.join(0.5)  # wakes up for signals
        if failures:  # a non-zero exit, so a supervisor restarts the process
            raise RealeError(f"the Kafka worker stopped on an error: {'; '.join(failures)}")
        return [w.summary for w in workers]
    finally:
        for service in services:
            service.stop()
        if desk is not None:
            desk.close()  # models being learned off the batch path: not needed any more
        store.close()


def source_watch(config: Config, store: Store, clock: Clock, metrics: KafkaMetrics) -> SourceWatch:
    """The source role's watch, as the embedded runner's: lag and skipped counts on /metrics,
    and with alert channels, ``source`` alerts (down, lagging) enqueued in the store's outbox
    for the stages role's alert delivery, routed by the rules in force."""
    watch = SourceWatch(metrics=metrics)
    alerts = alerts_from_config(config.extra)
    if alerts is not None and alerts.channels:
        live = LiveRules(alerts, RuleStore(store))
        watch.notify.append(OutboxAlerts(alerts, store, clock, live.current).raise_source_alert)
        watch.configure(alerts)
    return watch


def prune(store: Store, group: str, config: Config, metrics: KafkaMetrics) -> list[str]:
    """The saved relevance models of brands no longer in the config, deleted (counted in
    ``reale_kafka_relevance_models_pruned`` and logged)."""
    gone = prune_models(store, group, {b.name for b in config.brands})
    if gone:
        metrics.models_pruned.labels(group).inc(len(gone))
        log.info("relevance models pruned", extra={"fields": {"group": group, "brands": gone}})
    return gone


async def _publish(publisher: Publisher, sources: Sequence[Source], watch: SourceWatch,
                   workers: list[Worker], install_signals: bool) -> int:
    """The sources published until they end, or until SIGTERM or SIGINT, which stop this
    process's workers too (a paced replay or a quiet stream is interrupted where it waits)."""
    stop = asyncio.Event()
    if install_signals and threading.current_thread() is threading.main_thread():
        def on_signal() -> None:
            stop.set()
            for w in workers:
                w.stop()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)
    return await publish_sources(publisher, sources, watch=watch, stop=stop)


def _run_worker(worker: Worker, idle_exit: float | None, workers: list[Worker],
                failures: list[str]) -> None:
    """One worker's thread: an error it cannot go on from is logged as a JSON line (with its
    traceback in ``error``) and stops the process's other workers, so the process exits non-zero
    as a whole instead of going on with a stage missing."""
    try:
        worker.run(idle_exit)
    except Exception as exc:
        log.error("worker failed", exc_info=True, extra={"fields": {"stage": worker.stage.name}})
        failures.append(f"{worker.stage.name}: {exc}")
        for w in workers:
            w.stop()


def _on_signals(workers: list[Worker]) -> None:
    def stop(signum: int, frame: object) -> None:
        for w in workers:
            w.stop()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
