"""What the benchmarks share: where they find ../shared/data (never needed by the product at run
time), and a row of their report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def shared_data() -> Path | None:
    """``$REALE_SHARED_DATA``, else the first parent of this file holding ``shared/data``."""
    env = os.environ.get("REALE_SHARED_DATA")
    if env and Path(env).is_dir():
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return None


def row(name: str, value: float | None, unit: str, target: str = "", ok: bool | None = None,
        note: str = "") -> dict[str, Any]:
    """One row of a benchmark's report (``ok`` unset: a figure without a pass mark)."""
    return {"name": name, "value": value, "unit": unit, "target": target,
            "ok": True if ok is None else bool(ok), "note": note}
