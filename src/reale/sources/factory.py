"""Builds source clients from the frozen :class:`~reale.config.SourceConfig` (one config entry
may give several clients: one per Mastodon stream). The runner's only entry point to sources."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from typing import Any

from reale.clock import Clock
from reale.config import BrandConfig, SourceConfig
from reale.errors import ConfigError
from reale.sources.base import CursorStore, Sleep, Source
from reale.sources.jetstream_client import DEFAULT_URL, JetstreamClient
from reale.sources.mastodon_client import MastodonClient
from reale.sources.replay import ReplaySource
from reale.sources.xrules import plan_rules
from reale.sources.xstream_client import DEFAULT_BASE_URL, XStreamClient
from reale.sources.zstd import load_dictionary

log = logging.getLogger("reale.sources")


def check_numbers(cfg: SourceConfig) -> None:
    """A source's seconds and pace are finite and not negative (``rewind = inf`` overflowed a
    client, ``speed = nan`` replayed flat out without a word)."""
    for name in ("rewind", "speed", "max_gap"):
        value = getattr(cfg, name)
        if not math.isfinite(value) or value < 0:
            raise ConfigError(f"source {cfg.id or cfg.kind!r}: {name} must be a number >= 0, "
                              f"got {value}")


def build_sources(cfg: SourceConfig, *, cursor_store: CursorStore,
                  brands: Sequence[BrandConfig] = (), sleep: Sleep = asyncio.sleep,
                  clock: Clock | None = None) -> list[Source]:
    """The clients one ``[[sources]]`` entry asks for; raises :class:`ConfigError` if wrong."""
    check_numbers(cfg)
    common: dict[str, Any] = {"cursor_store": cursor_store, "sleep": sleep, "clock": clock}
    if cfg.rewind > 0:
        common["rewind"] = cfg.rewind
    if cfg.kind == "jetstream":
        return [_jetstream(cfg, common)]
    if cfg.kind == "mastodon":
        return _mastodon(cfg, common)
    if cfg.kind == "x":
        return [_x(cfg, brands, common)]
    if cfg.kind == "replay":
        if not cfg.path:
            raise ConfigError('a replay source needs path = "FILE.jsonl"')
        common.pop("rewind", None)
        return [ReplaySource(cfg.path, source_id=cfg.id, speed=cfg.speed,
                             max_gap=cfg.max_gap or None, **common)]
    raise ConfigError(f"unknown source kind {cfg.kind!r}: use jetstream, mastodon, x or replay")


def _jetstream(cfg: SourceConfig, common: dict[str, Any]) -> JetstreamClient:
    dictionary = None
    if cfg.compress:
        if not cfg.zstd_dictionary:
            raise ConfigError("jetstream compress = true needs zstd_dictionary = \"PATH\" "
                              "(Jetstream's dictionary file; see docs/sources.md)")
        dictionary = load_dictionary(cfg.zstd_dictionary)
    return JetstreamClient(cfg.id or "jetstream", url=cfg.url or DEFAULT_URL,
                           collections=cfg.collections, dids=cfg.dids, dictionary=dictionary,
                           **common)


def _mastodon(cfg: SourceConfig, common: dict[str, Any]) -> list[Source]:
    if not cfg.url:
        raise ConfigError("a mastodon source needs url = \"https://INSTANCE\"")
    if not cfg.token:
        raise ConfigError("a mastodon source needs a user token (token_env = \"VARIABLE\"): "
                          "public and hashtag streams require one since Mastodon 4.2")
    streams = cfg.streams or ("public",)
    prefix = cfg.id or "mastodon"
    return [MastodonClient(f"{prefix}:{s}", base_url=cfg.url, token=cfg.token, stream=s,
                           streaming_url=cfg.streaming_url, backfill_pages=cfg.backfill_pages,
                           **common) for s in streams]


def _x(cfg: SourceConfig, brands: Sequence[BrandConfig], common: dict[str, Any]) -> XStreamClient:
    if not cfg.token:
        raise ConfigError("an x source needs a bearer token (token_env = \"VARIABLE\")")
    rules = None
    if cfg.sync_rules:
        plan = plan_rules(brands, cfg.max_rules, cfg.max_rule_length)
        for note in plan.notes:
            log.warning("x rules: %s", note)
        rules = plan.rules
    return XStreamClient(cfg.id or "x", token=cfg.token, base_url=cfg.url or DEFAULT_BASE_URL,
                         backfill_minutes=cfg.backfill_minutes, rules=rules, **common)
