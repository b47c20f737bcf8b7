"""Every ``[signals]`` setting is documented in docs/signals.md (Datasette's habit)."""

from __future__ import annotations

import msgspec

from reale.signals.settings import SignalsConfig
from tests.conftest import ROOT


def _fields(struct: type[msgspec.Struct], prefix: str = "") -> list[str]:
    out = []
    for name in struct.__struct_fields__:
        default = getattr(struct(), name)
        if isinstance(default, msgspec.Struct):
            out += _fields(type(default), f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def test_every_signals_setting_is_in_the_docs() -> None:
    doc = (ROOT / "docs" / "signals.md").read_text("utf-8")
    missing = [f for f in _fields(SignalsConfig) if f"`{f.rsplit('.', 1)[-1]}`" not in doc]
    assert missing == []
    for section in ("reach", "profiles", "cascades", "momentum", "momentum.params", "moments",
                    "safety"):
        assert f"[signals.{section}]" in doc
