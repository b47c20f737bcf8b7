"""The generic signed webhook: the versioned JSON body (schema ``reale.alert/1``), its signature
headers, and :func:`verify` for receivers. See docs/alerts.md for the schema and how to verify.

Signature: ``X-Reale-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with
``X-Reale-Timestamp: <unix seconds>``; ``X-Reale-Delivery`` is the same on every retry.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import msgspec

from reale.alerts.model import Alert, Message

SCHEMA = "reale.alert/1"
SIGNATURE_HEADER = "X-Reale-Signature"
TIMESTAMP_HEADER = "X-Reale-Timestamp"
DELIVERY_HEADER = "X-Reale-Delivery"
EVENT_HEADER = "X-Reale-Event"

_ENCODER = msgspec.json.Encoder()


def alert_fields(alert: Alert) -> dict[str, Any]:
    """Every field of an alert, defaults included, so the schema never loses a key."""
    return {
        "id": alert.id, "brand": alert.brand, "kind": alert.kind, "severity": alert.severity,
        "title": alert.title, "body": alert.body,
        "post": {"text": alert.post_text, "author": alert.author, "url": alert.post_url},
        "reasons": list(alert.reasons), "score": alert.score, "link": alert.link,
        "dedup_key": alert.dedup_key, "created_at": alert.created_at, "update_of": alert.update_of,
    }


def webhook_body(message: Message, *, delivery_id: str, channel: str, sent_at: float) -> bytes:
    """The JSON body of one delivery (``reale.alert/1``)."""
    body: dict[str, Any] = {
        "schema": SCHEMA, "event": message.event, "delivery_id": delivery_id,
        "channel": channel, "rule": message.rule, "brand": message.brand, "sent_at": sent_at,
        "alert": alert_fields(message.alert) if message.alert else None,
        "update_of": message.alert.update_of if message.alert else None,
        "items": [alert_fields(a) for a in message.items], "more": message.more,
        "window": list(message.window) if message.window else None,
    }
    return _ENCODER.encode(body)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp + "." + body``.

    >>> sign("k", "1700000000", b"{}")[:15]
    'sha256=c6ef4734'
    """
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, *, delivery_id: str, event: str,
                   now: float) -> dict[str, str]:
    timestamp = str(int(now))
    return {
        "Content-Type": "application/json",
        "User-Agent": "Reale-Alerts/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event,
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float,
           tolerance: float = 300.0) -> bool:
    """What a receiver does: recompute the signature over the raw body, compare in constant
    time, and refuse timestamps more than ``tolerance`` seconds away (replays)."""
    lower = {k.lower(): v for k, v in headers.items()}
    timestamp = lower.get(TIMESTAMP_HEADER.lower(), "")
    given = lower.get(SIGNATURE_HEADER.lower(), "")
    try:
        at = int(timestamp)
    except ValueError:
        return False
    if abs(now - at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), given)


__all__ = ["DELIVERY_HEADER", "EVENT_HEADER", "SCHEMA", "SIGNATURE_HEADER", "TIMESTAMP_HEADER",
           "alert_fields", "sign", "signed_headers", "verify", "webhook_body"]
