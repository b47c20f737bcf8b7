"""The web desk's settings (``[web]`` in reale.toml): address, cookies, sessions, login limits, the
live feed's batching, how ``reale serve`` follows the store, and which publishing account answers
for each brand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from reale.errors import ConfigError


class WebSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: int = 8765
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    session_hours: float = 12.0  # a session ends this long after login …
    idle_hours: float = 4.0  # … or after this long without a request
    login_user_attempts: int = 5  # failed logins per user …
    login_ip_attempts: int = 20  # … and per address …
    login_window: float = 900.0  # … within this many seconds, before logins are refused
    live_interval: float = 0.25  # seconds between batches sent to a live page
    live_queue: int = 2_000  # events queued per client before the oldest are dropped
    live_batch: int = 500  # events per batch at most
    live_rows: int = 200  # rows a live page keeps
    follow_interval: float = 1.0  # seconds between reads of the store by `reale serve` (0: off)
    follow_lookback: float = 30.0  # seconds of store time read again for rows committed late
    follow_cap: int = 1_000  # rows per table and read at most (the rest is skipped, counted)
    page_limit: int = 50  # rows on the first screen of the live page
    default_language: str = "en"  # interface language when the browser does not say
    accounts: dict[str, str] = {}  # brand → publishing account name
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536
    argon2_parallelism: int = 4
    max_form_bytes: int = 200_000

    def __post_init__(self) -> None:
        if not self.host:
            raise ConfigError("web.host must be an address")
        if not 0 < self.port < 65_536:
            raise ConfigError(f"web.port must be between 1 and 65535, got {self.port}")
        if self.live_interval <= 0 or self.live_queue < 1 or self.live_batch < 1:
            raise ConfigError("web.live_interval, live_queue and live_batch must be positive")
        if self.follow_interval < 0 or self.follow_lookback < 0 or self.follow_cap < 1:
            raise ConfigError("web.follow_interval and follow_lookback must be 0 or more, "
                              "follow_cap at least 1")
        if self.login_user_attempts < 1 or self.login_ip_attempts < 1 or self.login_window <= 0:
            raise ConfigError("web.login_* limits must be positive")


def check_accounts(settings: WebSettings, accounts: Iterable[str], brands: Iterable[str]) -> None:
    """Refuse a ``[web.accounts]`` entry naming a publishing account that is not configured
    (``[[publish.accounts]]`` or a ``dry-run-*`` one) or a brand reale.toml does not have: such a
    typo would otherwise send the brand's replies from another account without a word."""
    known, brand_names = set(accounts), set(brands)
    for brand, account in sorted(settings.accounts.items()):
        if account not in known:
            raise ConfigError(f"web.accounts: {brand} = {account!r} names no publishing account; "
                              f"configured: {', '.join(sorted(known)) or 'none'} "
                              "([[publish.accounts]], docs/publishing.md)")
        if brand_names and brand not in brand_names:
            raise ConfigError(f"web.accounts: {brand!r} is not a brand in reale.toml; brands: "
                              f"{', '.join(sorted(brand_names))}")


def web_settings(extra: Mapping[str, Any], team_language: str = "en") -> WebSettings:
    """``[web]`` from ``Config.extra`` (defaults for what is missing; unknown keys refused)."""
    raw = dict(extra.get("web") or {})
    raw.setdefault("default_language", team_language)
    try:
        return msgspec.convert(raw, WebSettings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"web: {exc}") from exc


__all__ = ["WebSettings", "check_accounts", "web_settings"]
