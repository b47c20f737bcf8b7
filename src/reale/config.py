"""The frozen configuration, built once at the edge (CLI) from a TOML file and never mutated.

A config file looks like ``examples/reale.toml``. Every top-level setting is declared once in
:data:`SETTINGS` (name, default, help); the CLI and ``docs/settings.md`` derive from that table,
and a test fails when a setting is undocumented.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any

import msgspec

from reale.errors import ConfigError


class Setting(msgspec.Struct, frozen=True):
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "sqlite:///var/reale.sqlite", "Store URL: sqlite:///PATH or postgresql://…"),
    Setting("team_language", "en", "Language of reasons, interface strings and alerts (en or it)."),
    Setting("batch_size", 500, "Events per store transaction in the single writer."),
    Setting("flush_interval", 0.05, "Seconds the writer waits to fill a batch before committing."),
    Setting("metrics_port", 0, "Prometheus metrics port on 127.0.0.1 (0: off)."),
    Setting("metrics_host", "127.0.0.1", "Address the metrics server binds to."),
    Setting("reload_interval", 2.0, "Seconds between checks of the config file for query changes."),
)


ProductName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Price = Annotated[float, msgspec.Meta(ge=0, lt=1e9)]  # euros


class BrandConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One brand the team watches, with its watch-queries and what the desk should know of it."""

    name: str
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    queries: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    language: str = "en"
    partners: tuple[str, ...] = ()  # known paid partners' handles
    # its price list, name → euros: what the realness check values a named product at
    products: dict[ProductName, Price] = {}


class SourceConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One live source: ``kind`` is jetstream, mastodon, x or replay (see docs/sources.md)."""

    kind: str
    id: str = ""  # names the source's cursor; default: kind (mastodon: mastodon:STREAM)
    url: str = ""  # jetstream: wss URL; mastodon: instance URL; x: API base URL
    token_env: str = ""  # name of the environment variable holding the token (read by the CLI)
    token: str = ""  # filled by the CLI from token_env; never written to logs
    streams: tuple[str, ...] = ()  # mastodon: public, public:local, hashtag:TAG, user…
    collections: tuple[str, ...] = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like")
    dids: tuple[str, ...] = ()  # jetstream wantedDids (at most 10,000)
    path: str = ""
    speed: float = 0.0  # replay pace multiplier; 0 means flat out
    max_gap: float = 0.0  # replay: recorded gaps longer than this many seconds are shortened (0: off)
    compress: bool = False  # jetstream zstd compression; needs zstd_dictionary
    zstd_dictionary: str = ""  # path of Jetstream's zstd dictionary file
    rewind: float = 0.0  # de-duplication window in seconds (0: the source's default)
    streaming_url: str = ""  # mastodon: skip discovery and use this streaming base URL
    backfill_pages: int = 10  # mastodon: REST pages (40 statuses each) fetched after a reconnect
    backfill_minutes: int = 0  # x: minutes X resends after a reconnect (Pro/Enterprise; 0: off)
    sync_rules: bool = True  # x: make the stream's rules match the brands' watch-queries
    max_rules: int = 25
    max_rule_length: int = 512


KeepDays = Annotated[int, msgspec.Meta(ge=0, le=36_500)]


class StoreSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The ``[store]`` table, the long form of ``store = URL``: the URL and how long the store
    keeps what authors wrote (docs/deletions.md, "Retention")."""

    url: str = "sqlite:///var/reale.sqlite"
    keep_text_days: KeepDays = 0  # erase the words of posts older than this many days (0: never)


class Config(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a run needs; built by :func:`load_config` or directly in tests."""

    brands: tuple[BrandConfig, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    store: str = "sqlite:///var/reale.sqlite"
    team_language: str = "en"
    batch_size: int = 500
    flush_interval: float = 0.05
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    reload_interval: float = 2.0
    keep_text_days: int = 0  # [store] keep_text_days: see StoreSettings
    path: str = ""  # the file it came from, for reloading
    extra: dict[str, Any] = {}  # sections owned by later stages (desk, alerts, signals)


_KNOWN = {s.name for s in SETTINGS} | {"brands", "sources"}
# Sections read by later stages (Config.extra); a table whose name is a near miss of one of these
# is a typo that would otherwise be silently ignored.
SECTIONS = ("alerts", "desk", "publish", "signals", "web")
DESK_SECTIONS = ("aftermath", "drafts", "guard", "learning", "llm", "realness", "targets",
                 "weights")


def _check_names(raw: dict[str, Any], path: str) -> None:
    """Refuse a misspelt top-level setting (``stroe = …``) or section (``[alert]``,
    ``[desk.realnes]``): ignoring it would run with the default instead."""
    for key, value in raw.items():
        if key in _KNOWN or key in SECTIONS:
            continue
        if not isinstance(value, dict):
            near = difflib.get_close_matches(key, sorted(_KNOWN), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ConfigError(f"{path}: unknown setting {key!r}{hint} (docs/settings.md)")
        near = difflib.get_close_matches(key, SECTIONS, n=1, cutoff=0.75)
        if near:
            raise ConfigError(f"{path}: unknown section [{key}]; did you mean [{near[0]}]?")
    for section in SECTIONS:  # each section's reader expects a table: say so here, once
        if section in raw and not isinstance(raw[section], dict):
            raise ConfigError(f"{path}: [{section}] must be a table, got {raw[section]!r:.60}")
    desk: dict[str, Any] = raw.get("desk") or {}
    for key, value in desk.items():
        if key in DESK_SECTIONS and not isinstance(value, dict):
            raise ConfigError(f"{path}: [desk.{key}] must be a table, got {value!r:.60}")
        near = difflib.get_close_matches(key, DESK_SECTIONS, n=1, cutoff=0.75)
        if key not in DESK_SECTIONS and near:
            raise ConfigError(f"{path}: unknown section [desk.{key}]; did you mean "
                              f"[desk.{near[0]}]?")


def _check_products(raw: dict[str, Any], path: str) -> None:
    """A brand's ``products`` is a table of name = price in euros; say which entry is wrong
    (the generic validation would only point at ``products[...]``)."""
    brands = raw.get("brands")
    for b in brands if isinstance(brands, list) else ():
        products = b.get("products") if isinstance(b, dict) else None
        if not isinstance(products, dict):
            continue  # absent, or the wrong shape: msgspec names it
        who = f"{path}: brand {b.get('name', '?')!r}: products"
        for name, price in products.items():
            if not name.strip() or len(name) > 200:
                raise ConfigError(f"{who}: a product name must be 1 to 200 characters, got {name!r}")
            if isinstance(price, bool) or not isinstance(price, (int, float)) or not 0 <= price < 1e9:
                raise ConfigError(f"{who}: the price of {name!r} must be a number of euros "
                                  f"(0 or more), got {price!r}; e.g. products = {{ \"Mela 12 Pro\" = 1099 }}")


def _check_numbers(raw: dict[str, Any], path: str) -> None:
    """No setting means "not a number": ``nan`` is refused wherever it is written (a pause of
    nan seconds, a threshold of nan, would otherwise be taken silently)."""
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:  # iterative: TOML may nest arrays deeper than Python recurses
        where, value = stack.pop()
        if isinstance(value, float) and math.isnan(value):
            raise ConfigError(f"{path}: {where} = nan: write a number")
        if isinstance(value, dict):
            stack.extend((f"{where}.{k}" if where else k, v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))


def parse_config(text: str, *, path: str = "<string>") -> Config:
    """Parse TOML text into a frozen :class:`Config`; errors name the file and the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from exc
    _check_names(raw, path)
    _check_products(raw, path)  # names the brand and product (a nan price too)
    _check_numbers(raw, path)
    extra = {k: v for k, v in raw.items() if k not in _KNOWN}
    core = {k: v for k, v in raw.items() if k in _KNOWN}
    stored = _store_table(core.get("store"), path)
    if stored is not None:
        core["store"] = stored.url
    try:
        cfg = msgspec.convert(core, Config)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    names = [b.name for b in cfg.brands]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: brand names must be unique, got {names}")
    alerts = extra.get("alerts")
    if isinstance(alerts, dict) and "language" not in alerts and cfg.team_language in ("en", "it"):
        extra["alerts"] = {**alerts, "language": cfg.team_language}  # alerts in the team's words
    keep = stored.keep_text_days if stored is not None else 0
    return msgspec.structs.replace(cfg, path=path, extra=extra, keep_text_days=keep)


def _store_table(value: Any, path: str) -> StoreSettings | None:
    """``[store]`` as a table (None: ``store = URL``, or absent); a misspelt key is refused."""
    if not isinstance(value, dict):
        return None
    for key in value:
        if key not in StoreSettings.__struct_fields__:
            near = difflib.get_close_matches(key, StoreSettings.__struct_fields__, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ConfigError(f"{path}: [store] has no setting {key!r}{hint} (docs/settings.md)")
    try:
        return msgspec.convert(value, StoreSettings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{path}: [store]: {exc}") from exc


def load_config(path: str | Path) -> Config:
    """Read and parse a config file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {p}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {p} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    return parse_config(text, path=str(p))
