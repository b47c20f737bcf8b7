"""Channel credentials: read once at the edge (the CLI) from the environment or from secret
files, kept in :class:`Secret` wrappers that print as ``***``, and scrubbed from every error
message and log line by :func:`redact`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import msgspec

from reale.alerts.config import AlertsConfig, ChannelConfig
from reale.errors import ConfigError


class Secret:
    """A credential that never shows itself in ``str``, ``repr`` or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


class ChannelSecrets(msgspec.Struct, frozen=True, kw_only=True):
    """What a channel needs that must not be written in the config."""

    url: str = ""  # webhook URLs: Slack's and Mattermost's URLs are credentials themselves
    secret: Secret | None = None  # the webhook's HMAC key
    username: str = ""
    password: Secret | None = None

    def values(self) -> list[str]:
        """Every secret value (for :func:`redact`)."""
        out = [s.reveal() for s in (self.secret, self.password) if s]
        if self.url:
            out.append(self.url)
            path = self.url.split("://", 1)[-1].partition("/")[2]
            if len(path) >= 8:
                out.append(path)  # the token part alone, as it may appear in an error
            last = path.rstrip("/").rsplit("/", 1)[-1]
            if len(last) >= 12:
                out.append(last)
        return out


def _read(ch: ChannelConfig, key: str, env: Mapping[str, str], base: Path) -> str:
    """The value named by ``<key>_env`` or ``<key>_file`` (empty when neither is set)."""
    env_name = getattr(ch, f"{key}_env", "")
    file_name = getattr(ch, f"{key}_file", "")
    if env_name:
        value = env.get(env_name, "")
        if not value:
            raise ConfigError(f"[alerts] channel {ch.name!r}: the environment variable "
                              f"{env_name} ({key}_env) is not set")
        return value
    if file_name:
        path = Path(file_name) if Path(file_name).is_absolute() else base / file_name
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"[alerts] channel {ch.name!r}: cannot read {key}_file {path}: "
                              f"{exc.strerror}") from exc
        if not value:
            raise ConfigError(f"[alerts] channel {ch.name!r}: {key}_file {path} is empty")
        return value
    return ""


def resolve_channel(ch: ChannelConfig, env: Mapping[str, str], base: Path) -> ChannelSecrets:
    url = ch.url or _read(ch, "url", env, base)
    secret = _read(ch, "secret", env, base)
    password = _read(ch, "password", env, base)
    username = ch.username or _read(ch, "username", env, base)
    return ChannelSecrets(url=url, secret=Secret(secret) if secret else None,
                          username=username, password=Secret(password) if password else None)


def resolve_credentials(cfg: AlertsConfig, env: Mapping[str, str],
                        base: Path | None = None) -> dict[str, ChannelSecrets]:
    """Every channel's credentials; ``base`` resolves relative ``*_file`` paths (the config's
    directory). Raises :class:`ConfigError` naming the missing variable or file, never a value."""
    root = base or Path.cwd()
    return {ch.name: resolve_channel(ch, env, root) for ch in cfg.channels}


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (longest first).

    >>> redact("POST https://hooks.example/T1/B2/xyz failed", ["https://hooks.example/T1/B2/xyz"])
    'POST *** failed'
    """
    for value in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(value, "***")
    return text


class RedactingFilter(logging.Filter):
    """Scrubs known secret values from log records (httpx logs every request's full URL at
    INFO, and a Slack webhook URL is a credential)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.values:
            return True
        message = record.getMessage()
        clean = redact(message, self.values)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.values)
        return True


# Loggers that may see a channel's URL: httpx's request log, httpcore's traces, our own.
GUARDED_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2",
                   "httpcore.proxy", "reale.alerts")


@cache
def _log_filter() -> RedactingFilter:
    return RedactingFilter()


def guard_logs(values: Iterable[str]) -> None:
    """Make sure none of ``values`` appears in what the HTTP client or Reale's alerts log."""
    f = _log_filter()
    f.values.update(v for v in values if len(v) >= 4)
    for name in GUARDED_LOGGERS:
        logger = logging.getLogger(name)
        if f not in logger.filters:
            logger.addFilter(f)


__all__ = ["ChannelSecrets", "RedactingFilter", "Secret", "guard_logs", "redact", "resolve_channel",
           "resolve_credentials"]
