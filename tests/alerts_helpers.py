"""Shared pieces of the alerts tests: configs, alerts, and the payload shapes Slack and
Mattermost accept (what their incoming webhooks would refuse with a 400)."""

from __future__ import annotations

import json
import random
from typing import Any

from reale.alerts import AlertDispatcher, AlertsConfig, SQLiteDatabase, ensure_schema, make_alert
from reale.alerts.config import parse_alerts_config
from reale.alerts.model import Alert
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.clock import ManualClock

SECRET = "s3cret-hook-key-do-not-log"
T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC, a Thursday


def config(channels: list[dict[str, Any]], rules: list[dict[str, Any]], **top: Any) -> AlertsConfig:
    return parse_alerts_config({**top, "channels": channels, "rules": rules})


def webhook_channel(name: str = "hook", url: str = "http://127.0.0.1:9/hook", **kw: Any) -> dict[str, Any]:
    return {"name": name, "kind": "webhook", "url": url, "secret_env": "HOOK_SECRET", **kw}


def alert(n: int, *, brand: str = "Acme", kind: str = "opportunity", severity: str = "high",
          score: float | None = 0.9, key: str | None = None, at: float = T0, **kw: Any) -> Alert:
    return make_alert(id=f"a{n:05d}", brand=brand, kind=kind, severity=severity,  # type: ignore[arg-type]
                      title=f"Alert {n}", dedup_key=key or f"opportunity:{n}", created_at=at,
                      score=score, **kw)


def dispatcher(cfg: AlertsConfig, clock: ManualClock, secrets: dict[str, ChannelSecrets] | None = None,
               db: SQLiteDatabase | None = None) -> AlertDispatcher:
    db = db or SQLiteDatabase(":memory:")
    ensure_schema(db)
    return AlertDispatcher(cfg, db, secrets=secrets or {}, clock=clock, rng=random.Random(7))


def hook_secrets(url: str, name: str = "hook") -> dict[str, ChannelSecrets]:
    return {name: ChannelSecrets(url=url, secret=Secret(SECRET))}


def _text_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") in ("mrkdwn", "plain_text") else []
        return found + [t for v in node.values() for t in _text_objects(v)]
    if isinstance(node, list):
        return [t for v in node for t in _text_objects(v)]
    return []


def slack_shape(path: str, headers: dict[str, str], body: bytes) -> tuple[int, str] | None:
    """Refuse what Slack would: no text, bad block types, header over 150, section over 3,000,
    context over 10 elements, more than 50 blocks, a button without an http(s) URL."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 400, "invalid_payload"
    if not isinstance(payload.get("text"), str) or not isinstance(payload.get("blocks"), list):
        return 400, "no_text"
    blocks = payload["blocks"]
    if len(blocks) > 50:
        return 400, "invalid_blocks"
    for b in blocks:
        kind = b.get("type")
        if kind not in ("header", "section", "context", "actions"):
            return 400, "invalid_blocks"
        if kind == "header" and (b["text"]["type"] != "plain_text" or len(b["text"]["text"]) > 150):
            return 400, "invalid_blocks"
        if kind == "section" and len(b["text"]["text"]) > 3000:
            return 400, "invalid_blocks"
        if kind == "context" and not 1 <= len(b["elements"]) <= 10:
            return 400, "invalid_blocks"
        if kind == "actions" and not all(str(e.get("url", "")).startswith(("http://", "https://"))
                                         for e in b["elements"]):
            return 400, "invalid_blocks"
    for t in _text_objects(blocks):
        if t["type"] == "mrkdwn" and ("<!" in t["text"] or "<@" in t["text"]):
            return 400, "unescaped_mention"
    return None


def mattermost_shape(path: str, headers: dict[str, str], body: bytes) -> tuple[int, str] | None:
    """Refuse what Mattermost would: neither text nor attachments, attachments without fallback."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 400, "Unable to parse incoming data"
    if not payload.get("text") and not payload.get("attachments"):
        return 400, "Unable to parse incoming data"
    for a in payload.get("attachments", []):
        if not isinstance(a.get("fallback"), str) or not isinstance(a.get("fields", []), list):
            return 400, "Unable to parse incoming data"
    return None
