"""Alert rules back to text: the ``[alerts]`` section as TOML or JSON (what the web desk will
save after an edit). ``parse_alerts_config(tomllib.loads(alerts_to_toml(c))["alerts"]) == c``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec

from reale.alerts.config import AlertsConfig, parse_alerts_config
from reale.errors import ConfigError


def alerts_to_dict(cfg: AlertsConfig) -> dict[str, Any]:
    """The section as plain data, defaults left out (``from`` keeps its TOML name)."""
    data: dict[str, Any] = msgspec.to_builtins(cfg)
    return data


def alerts_to_json(cfg: AlertsConfig) -> str:
    return json.dumps(alerts_to_dict(cfg), ensure_ascii=False, indent=2)


def alerts_from_json(text: str) -> AlertsConfig:
    """Parse the JSON twin (as the desk would send it) with the same checks as the TOML."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"alert rules are not valid JSON: {exc}") from exc
    return parse_alerts_config(data)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ConfigError(f"cannot write {v!r} to TOML")
        return repr(v)
    if isinstance(v, str):
        # A TOML basic string: JSON's escapes are TOML's, and TOML also wants DEL escaped.
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise ConfigError(f"cannot write a {type(v).__name__} to TOML")


def _table(header: str, data: dict[str, Any]) -> list[str]:
    lines = [header] if header else []
    lines += [f"{k} = {_value(v)}" for k, v in data.items()]
    return lines


def alerts_to_toml(cfg: AlertsConfig) -> str:
    """The ``[alerts]`` section as TOML text (channels and rules as arrays of tables)."""
    data = alerts_to_dict(cfg)
    channels = data.pop("channels", [])
    rules = data.pop("rules", [])
    out = _table("[alerts]", data)
    for ch in channels:
        out += ["", *_table("[[alerts.channels]]", ch)]
    for rule in rules:
        out += ["", *_table("[[alerts.rules]]", rule)]
    return "\n".join(out) + "\n"


__all__ = ["alerts_from_json", "alerts_to_dict", "alerts_to_json", "alerts_to_toml"]
