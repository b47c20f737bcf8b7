"""Reading one ``[desk.NAME]`` table of the config (``Config.extra``) into its frozen struct:
defaults for whatever is not set, and a :class:`ConfigError` naming the table when it is wrong."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from reale.errors import ConfigError

T = TypeVar("T")


def desk_section(extra: dict[str, Any], name: str, kind: type[T]) -> T:
    """``[desk.<name>]`` as a ``kind`` (an empty table when the config has none)."""
    desk = extra.get("desk", {})
    section = desk.get(name, {}) if isinstance(desk, dict) else {}
    try:
        return msgspec.convert(section, kind)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"[desk.{name}]: {exc}") from None
