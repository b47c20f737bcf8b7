"""Structured logs for the Kafka workers: one JSON object a line on stderr, with the worker's
identity and any fields passed as ``extra={"fields": {...}}``."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

_NUMBERS = re.compile(r"\d+")


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


class RepeatFilter(logging.Filter):
    """Lets a line through once per ``every`` seconds (of the records' own times) when the lines
    in between say the same thing but for numbers: librdkafka retries a broker that stopped
    answering about twenty times a second, each retry a log line. The line that follows a quiet
    spell carries ``repeated``: how many like it were held back."""

    def __init__(self, every: float = 10.0) -> None:
        super().__init__()
        self.every = every
        self.seen: dict[str, tuple[float, int]] = {}  # what the line says → (last shown, held)

    def filter(self, record: logging.LogRecord) -> bool:
        key = _NUMBERS.sub("#", record.getMessage())
        shown, held = self.seen.get(key, (float("-inf"), 0))
        if record.created - shown < self.every:
            self.seen[key] = (shown, held + 1)
            return False
        if len(self.seen) > 1000:  # bounded: forget what was said long ago
            self.seen.clear()
        self.seen[key] = (record.created, 0)
        if held:
            fields = getattr(record, "fields", None)
            record.fields = {**(fields if isinstance(fields, dict) else {}), "repeated": held}
        return True


def setup_json_logging(level: str = "info", **static: Any) -> None:
    """Send the ``reale`` loggers to stderr as JSON lines (called by the CLI, never on import),
    the Kafka client's own lines among them, repeated ones thinned out."""
    from reale.run.kafka.settings import CLIENT_LOG

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(static))
    root = logging.getLogger("reale")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    client = logging.getLogger(CLIENT_LOG)
    client.filters[:] = [RepeatFilter()]
