"""What ``reale alerts`` and the desk's settings page do: send a test message straight to a
channel, and show outbox rows as text or JSON. Library functions, so the CLI stays thin."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from reale.alerts.config import AlertsConfig, parse_alerts_config
from reale.alerts.model import Message, clean_text, make_alert, new_alert_id
from reale.alerts.outbox import Delivery
from reale.alerts.secrets import ChannelSecrets, Secret, guard_logs
from reale.alerts.senders import Outcome, make_senders
from reale.alerts.words import say
from reale.clock import Clock


def build_test_message(channel: str, desk_url: str, now: float, rng: random.Random) -> Message:
    """A harmless alert that shows every part of a real one, hostile characters included."""
    alert = make_alert(
        id=new_alert_id(now, rng), brand="Reale", kind="opportunity", severity="low",
        title=say("test.title", "en", channel=channel), dedup_key=f"test:{channel}:{now:.0f}",
        created_at=now, score=0.5, link=desk_url, body=say("test.body", "en"),
        it=(say("test.title", "it", channel=channel), say("test.body", "it")),
        post_text="A sample post with <b>tags</b>, & ampersands and @channel: shown as text.",
        author="@reale", reasons=[say("test.reason", "en"), say("test.nothing", "en")],
        it_reasons=[say("test.reason", "it"), say("test.nothing", "it")])
    return Message(event="alert.test", brand="Reale", rule="test", alert=alert)


async def send_test(config: AlertsConfig, secrets: Mapping[str, ChannelSecrets], channel: str,
                    clock: Clock, rng: random.Random | None = None) -> Outcome:
    """Send :func:`build_test_message` to ``channel`` now, bypassing the outbox and its rules."""
    ch = config.channel(channel)
    guard_logs(v for c in secrets.values() for v in c.values())
    message = build_test_message(ch.name, config.desk_url, clock.now(), rng or random.Random())
    alert_id = message.alert.id if message.alert else "test"
    async with httpx.AsyncClient() as client:
        sender = make_senders((ch,), secrets, client, clock)[ch.name]
        return await sender.send(message, f"test.{alert_id}.{ch.name}")


def local_webhook(url: str, secret: str, *, desk_url: str = "http://127.0.0.1:8765",
                  min_severity: str = "low") -> tuple[AlertsConfig, dict[str, ChannelSecrets]]:
    """Rules that send every alert to one signed webhook (the demo's local receiver)."""
    config = parse_alerts_config({
        "desk_url": desk_url,
        "channels": [{"name": "local", "kind": "webhook", "url": url, "secret_env": "UNUSED"}],
        "rules": [{"name": "everything", "channels": ["local"], "min_severity": min_severity}]})
    return config, {"local": ChannelSecrets(url=url, secret=Secret(secret))}


def summary(payload: Mapping[str, Any]) -> str:
    """One line for a received webhook body: ``[Acme] high opportunity: title — post``."""
    alert = payload.get("alert")
    if not isinstance(alert, Mapping):
        items = payload.get("items") or []
        return f"[{payload.get('brand') or 'Reale'}] digest of {len(items) + int(payload.get('more') or 0)} alerts"
    post = (alert.get("post") or {}).get("text", "")
    update = "update: " if alert.get("update_of") else ""
    line = f"[{alert.get('brand') or 'Reale'}] {alert.get('severity')} {alert.get('kind')}: {update}{alert.get('title')}"
    return line + (f" — {clean_text(' '.join(str(post).split()), 80)}" if post else "")


def _when(t: float | None) -> str:
    return "" if t is None else datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S")


def delivery_dict(d: Delivery) -> dict[str, Any]:
    """A row as the desk's JSON API shows it."""
    alert = d.message.alert
    return {"id": d.id, "delivery_id": d.delivery_id, "state": d.state, "brand": d.brand,
            "channel": d.channel, "rule": d.rule, "event": d.event, "attempts": d.attempts,
            "next_at": d.next_at, "created_at": d.created_at, "sent_at": d.sent_at,
            "last_error": d.last_error, "dedup_key": d.dedup_key,
            "title": alert.title if alert else say("digest.of", "en",
                                                   n=len(d.message.items) + d.message.more)}


def delivery_title(d: Delivery, lang: str) -> tuple[str, str]:
    """What a delivery is about in ``lang`` where its alert has it so, and the language it is
    in: an alert's Italian title (``Alert.it``), a digest's words; else the English title."""
    alert = d.message.alert
    if alert is None:
        return say("digest.of", lang, n=len(d.message.items) + d.message.more), lang
    if lang == "it" and alert.it is not None:
        return alert.it.title, "it"
    return alert.title, "en"


def format_table(rows: Sequence[Delivery], states: Sequence[str] = ()) -> str:
    """Rows as a plain-text table for the terminal; none: which ``states`` were looked at."""
    if not rows:
        if not states:
            return "no alert deliveries"
        named = (", ".join(states[:-1]) + " or " + states[-1]) if len(states) > 1 else states[0]
        others = [s for s in ("sent", "digested") if s not in states]
        hint = (f" (--state {others[0]} or --state all lists the others)" if others else "")
        return f"no {named} deliveries{hint}"
    lines = [f"{'ID':>6}  {'STATE':<8} {'BRAND':<14} {'CHANNEL':<14} {'TRIES':>5}  "
             f"{'CREATED (UTC)':<19}  TITLE / LAST ERROR"]
    for d in rows:
        info = delivery_dict(d)
        lines.append(f"{d.id:>6}  {d.state:<8} {d.brand[:14] or '-':<14} {d.channel[:14]:<14} "
                     f"{d.attempts:>5}  {_when(d.created_at):<19}  {info['title'][:60]}")
        if d.last_error:
            lines.append(f"{'':>6}  {'':<8} last error: {d.last_error[:200]}")
    return "\n".join(lines)


__all__ = ["build_test_message", "delivery_dict", "delivery_title", "format_table",
           "local_webhook", "send_test", "summary"]
