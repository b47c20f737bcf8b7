"""Where the benchmarks find ../shared/data (never needed by the product at run time)."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data() -> Path | None:
    """``$REALE_SHARED_DATA``, else the first parent of this file holding ``shared/data``."""
    env = os.environ.get("REALE_SHARED_DATA")
    if env and Path(env).is_dir():
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return None
