"""Structured logs for the Kafka workers: one JSON object a line on stderr, with the worker's
identity and any fields passed as ``extra={"fields": {...}}``."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any


class JsonFormatter(logging.Formatter):
    def __init__(self, static: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.static = dict(static or {})

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"ts": round(record.created, 3), "level": record.levelname.lower(),
                               "logger": record.name, "msg": record.getMessage(), **self.static}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def setup_json_logging(level: str = "info", **static: Any) -> None:
    """Send the ``reale`` loggers to stderr as JSON lines (called by the CLI, never on import)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(static))
    root = logging.getLogger("reale")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
