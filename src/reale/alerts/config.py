"""The ``[alerts]`` section of the config: channels (where alerts go) and rules (which alerts go
where, when), parsed from ``Config.extra["alerts"]`` into frozen structs with errors that name the
key. Every key is documented in docs/alerts.md (a test checks it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from reale.alerts.model import ALERT_KINDS, AlertKind, Severity
from reale.alerts.quiet import parse_window, zone
from reale.alerts.words import Language
from reale.errors import ConfigError

ChannelKind = Literal["webhook", "slack", "mattermost", "email"]
TlsMode = Literal["starttls", "ssl", "none"]

# Per-kind rate limits (messages a minute, burst): Slack asks for about one message a second.
DEFAULT_RATES: dict[str, tuple[float, int]] = {
    "webhook": (600.0, 60), "slack": (60.0, 5), "mattermost": (60.0, 10), "email": (30.0, 5),
}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ChannelConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
                    omit_defaults=True):
    """One place alerts are delivered to. Secrets are named here (``*_env``, ``*_file``), never
    written: the CLI resolves them (see :mod:`reale.alerts.secrets`)."""

    name: str
    kind: ChannelKind
    url: str = ""
    url_env: str = ""
    url_file: str = ""
    secret_env: str = ""
    secret_file: str = ""
    timeout: float = 10.0
    rate_per_minute: float = 0.0  # 0: the kind's default
    burst: int = 0  # 0: the kind's default
    max_attempts: int = 0  # 0: [alerts] max_attempts
    smtp_host: str = ""
    smtp_port: int = 587
    tls: TlsMode = "starttls"
    tls_ca_file: str = ""
    username: str = ""
    username_env: str = ""
    password_env: str = ""
    password_file: str = ""
    sender: str = msgspec.field(default="", name="from")
    to: tuple[str, ...] = ()
    language: Literal["", "en", "it"] = ""  # its alerts' language; "": [alerts] language

    def rate(self) -> tuple[float, int]:
        """(messages a minute, burst) for this channel."""
        per_minute, burst = DEFAULT_RATES[self.kind]
        return (self.rate_per_minute or per_minute, self.burst or burst)


class RuleConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
                 omit_defaults=True):
    """Which alerts go to which channels, and when."""

    name: str
    channels: tuple[str, ...]
    brands: tuple[str, ...] = ("*",)
    kinds: tuple[AlertKind, ...] = ("opportunity", "moment", "backlash", "sla", "source")
    min_severity: Severity = "low"
    min_score: float | None = None
    quiet_hours: str = ""
    timezone: str = ""  # "": [alerts] timezone
    urgent_severity: Severity = "urgent"
    digest_minutes: int = 0
    digest_max_items: int = 5
    max_updates: int = 3
    update_score_delta: float = 0.1


class AlertsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
                   omit_defaults=True):
    """The whole ``[alerts]`` section."""

    enabled: bool = True
    desk_url: str = "http://127.0.0.1:8765"
    timezone: str = "UTC"
    max_attempts: int = 20
    backoff_base: float = 2.0
    backoff_max: float = 60.0
    poll_interval: float = 1.0
    source_down_after: float = 60.0  # reconnecting this long without a message: "down"
    source_lag_after: float = 120.0  # the newest event this far behind the clock…
    source_lag_for: float = 60.0  # …for this long: "lagging"
    language: Language = "en"  # the channels' language (reale.toml: team_language by default)
    channels: tuple[ChannelConfig, ...] = ()
    rules: tuple[RuleConfig, ...] = ()

    def channel(self, name: str) -> ChannelConfig:
        for ch in self.channels:
            if ch.name == name:
                return ch
        known = ", ".join(c.name for c in self.channels) or "none"
        raise ConfigError(f"[alerts] has no channel named {name!r} (channels: {known})")

    def attempts_for(self, channel: ChannelConfig) -> int:
        return channel.max_attempts or self.max_attempts


def parse_alerts_config(section: Mapping[str, Any] | None, *, where: str = "[alerts]") -> AlertsConfig:
    """Build the frozen :class:`AlertsConfig` from the TOML table (``Config.extra["alerts"]``)."""
    if section is None:
        return AlertsConfig()
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where} must be a table, got {type(section).__name__}")
    try:
        cfg = msgspec.convert(dict(section), AlertsConfig)
    except msgspec.ValidationError as exc:
        path = str(exc).replace("$.", "alerts.").replace("`$`", "[alerts]")
        raise ConfigError(f"{where}: {path}") from exc
    check_alerts_config(cfg, where=where)
    return msgspec.structs.replace(cfg, channels=tuple(  # a channel says its language, or the team's
        msgspec.structs.replace(ch, language=ch.language or cfg.language) for ch in cfg.channels))


def _fail(where: str, message: str, code: str = "", **values: object) -> ConfigError:
    """The refusal ``where: message``; ``code`` and ``values`` let the desk say it in Italian."""
    return ConfigError(f"{where}: {message}", code=code, values=values)


def check_alerts_config(cfg: AlertsConfig, *, where: str = "[alerts]") -> None:
    """Checks a struct cannot express: references, names, windows, zones, ranges."""
    if not cfg.desk_url.startswith(("http://", "https://")):
        raise _fail(where, f"desk_url {cfg.desk_url!r} must start with http:// or https://")
    zone(cfg.timezone)
    _positive(where, "max_attempts", cfg.max_attempts)
    _positive(where, "backoff_base", cfg.backoff_base)
    _positive(where, "poll_interval", cfg.poll_interval)
    _positive(where, "source_down_after", cfg.source_down_after)
    _positive(where, "source_lag_after", cfg.source_lag_after)
    if not math.isfinite(cfg.source_lag_for) or cfg.source_lag_for < 0:
        raise _fail(where, f"source_lag_for must be 0 or more, got {cfg.source_lag_for!r}")
    if not math.isfinite(cfg.backoff_max) or cfg.backoff_max < cfg.backoff_base:
        raise _fail(where, "backoff_max must be at least backoff_base")
    names = [c.name for c in cfg.channels]
    _unique(where, "channel", names)
    for i, ch in enumerate(cfg.channels):
        _check_channel(f"{where} channels[{i}] ({ch.name!r})", ch)
    _unique(where, "rule", [r.name for r in cfg.rules])
    for i, rule in enumerate(cfg.rules):
        _check_rule(f"{where} rules[{i}] ({rule.name!r})", rule, set(names))


def _positive(where: str, key: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise _fail(where, f"{key} must be a positive number, got {value!r}")


def _unique(where: str, what: str, names: list[str]) -> None:
    for name in names:
        if not _NAME.match(name):
            raise _fail(where, f"{what} name {name!r} must be 1-64 letters, digits, '.', '_' or '-'",
                        "alerts.name", name=repr(name))
        if names.count(name) > 1:
            raise _fail(where, f"two {what}s are named {name!r}; names must be unique")


def _one_of(where: str, ch: ChannelConfig, keys: tuple[str, ...], *, required: bool) -> None:
    given = [k for k in keys if getattr(ch, k)]
    if len(given) > 1:
        raise _fail(where, f"set only one of {', '.join(given)}")
    if required and not given:
        raise _fail(where, f"a {ch.kind} channel needs one of {', '.join(keys)}")


def _check_channel(where: str, ch: ChannelConfig) -> None:
    _positive(where, "timeout", ch.timeout)
    if ch.rate_per_minute < 0 or ch.burst < 0 or ch.max_attempts < 0:
        raise _fail(where, "rate_per_minute, burst and max_attempts cannot be negative")
    if ch.kind == "email":
        _check_email(where, ch)
        return
    _one_of(where, ch, ("url", "url_env", "url_file"), required=True)
    if ch.url and not ch.url.startswith(("http://", "https://")):
        raise _fail(where, "url must start with http:// or https://")
    _one_of(where, ch, ("secret_env", "secret_file"), required=ch.kind == "webhook")


def _check_email(where: str, ch: ChannelConfig) -> None:
    if not ch.smtp_host:
        raise _fail(where, "an email channel needs smtp_host")
    if not ch.sender or not ch.to:
        raise _fail(where, "an email channel needs from = \"…\" and to = [\"…\"]")
    if not 0 < ch.smtp_port < 65536:
        raise _fail(where, f"smtp_port {ch.smtp_port} is not a port number")
    if ch.password_env and ch.password_file:
        raise _fail(where, "set only one of password_env, password_file")
    if ch.username and ch.username_env:
        raise _fail(where, "set only one of username, username_env")
    if (ch.password_env or ch.password_file) and not (ch.username or ch.username_env):
        raise _fail(where, "a password needs a username (username or username_env)")


def _check_rule(where: str, rule: RuleConfig, channels: set[str]) -> None:
    if not rule.channels:
        raise _fail(where, "a rule needs at least one channel", "rule.no_channel",
                    rule=repr(rule.name))
    for name in rule.channels:
        if name not in channels:
            raise _fail(where, f"channel {name!r} is not defined in [[alerts.channels]]",
                        "rule.undefined_channel", rule=repr(rule.name), channel=repr(name))
    if not rule.brands or not rule.kinds:
        raise _fail(where, "brands and kinds cannot be empty (leave them out for all)",
                    "rule.empty", rule=repr(rule.name))
    if rule.quiet_hours:
        parse_window(rule.quiet_hours)
    if rule.timezone:
        zone(rule.timezone)
    if not 0 <= rule.digest_minutes <= 1440:
        raise _fail(where, "digest_minutes must be between 0 (off) and 1440",
                    "rule.digest_minutes", rule=repr(rule.name))
    if rule.digest_max_items < 1 or rule.max_updates < 0:
        raise _fail(where, "digest_max_items must be at least 1 and max_updates at least 0",
                    "rule.digest_items", rule=repr(rule.name))
    if rule.min_score is not None and not math.isfinite(rule.min_score):
        raise _fail(where, "min_score must be a finite number", "rule.min_score",
                    rule=repr(rule.name))


__all__ = ["ALERT_KINDS", "DEFAULT_RATES", "AlertsConfig", "ChannelConfig", "ChannelKind",
           "RuleConfig", "check_alerts_config", "parse_alerts_config"]
