"""Slack and Mattermost incoming webhooks, played by local receivers that refuse what the real
services refuse (payload shape, unescaped mentions): alerts, updates, quiet hours and digests
arrive in a shape they accept."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from reale.alerts import AlertDispatcher, LocalReceiver
from reale.alerts.secrets import ChannelSecrets
from reale.clock import ManualClock
from tests.alerts_helpers import T0, alert, config, dispatcher, mattermost_shape, slack_shape

HOSTILE = "<!channel> look <https://evil.example|here> & **now** @all"


def chat(kind: str, receiver: LocalReceiver, clock: ManualClock, **rule: object) -> AlertDispatcher:
    cfg = config([{"name": kind, "kind": kind, "url_env": "CHAT_URL", "rate_per_minute": 600}],
                 [{"name": "r", "channels": [kind], **rule}], timezone="Europe/Rome")
    return dispatcher(cfg, clock, {kind: ChannelSecrets(url=receiver.url + "/services/T1/B2/abc")})


def drain(d: AlertDispatcher, clock: ManualClock) -> None:
    while (wake := asyncio.run(d.step())) is not None:
        clock.set(max(clock.now(), wake))


def test_slack_accepts_an_alert_and_its_update() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(validate=slack_shape) as receiver:
        d = chat("slack", receiver, clock)
        d.submit(alert(1, post_text=HOSTILE, reasons=["asks <@U123> directly"] * 12,
                       link="https://desk.example/opportunities/1", severity="high"))
        d.submit(alert(2, severity="urgent", key="opportunity:1", post_text="x" * 5000))
        drain(d, clock)
        assert len(receiver.requests) == 2 and len(receiver.accepted) == 2, receiver.requests
        first, update = (r.json() for r in receiver.accepted)
        assert first["blocks"][2]["text"]["text"].startswith("> &lt;!channel&gt; look")
        assert update["blocks"][0]["text"]["text"] == "Update: Alert 2"
        assert receiver.accepted[0].path == "/hook/services/T1/B2/abc"


def test_mattermost_accepts_an_alert_and_a_digest() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(validate=mattermost_shape) as receiver:
        d = chat("mattermost", receiver, clock, digest_minutes=10, urgent_severity="urgent")
        d.submit(alert(1, severity="urgent", post_text=HOSTILE))
        for n in range(2, 6):
            d.submit(alert(n, severity="medium"))
        drain(d, clock)
        assert len(receiver.accepted) == 2
        single, digest = (r.json() for r in receiver.accepted)
        assert "@\u200ball" in single["attachments"][0]["text"]
        assert digest["text"].startswith("#### Digest: 4 alerts for Acme")


def test_quiet_hours_hold_the_night_and_deliver_one_digest_in_the_morning() -> None:
    rome = ZoneInfo("Europe/Rome")
    night = datetime(2026, 3, 2, 23, 0, tzinfo=rome).timestamp()
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=rome).timestamp()
    clock = ManualClock(night)
    with LocalReceiver(validate=slack_shape) as receiver:
        d = chat("slack", receiver, clock, quiet_hours="22:00-07:00")
        for n in range(3):
            d.submit(alert(n, severity="medium", at=clock.now()))
            clock.advance(3600)
        d.submit(alert(9, severity="urgent", at=clock.now()))  # 02:00: wakes someone up
        clock.advance(60)
        assert asyncio.run(d.step()) == morning
        assert [r.json()["blocks"][0]["text"]["text"] for r in receiver.accepted] == ["Alert 9"]
        clock.set(morning)
        drain(d, clock)
        assert receiver.accepted[-1].json()["blocks"][0]["text"]["text"] == "Digest: 3 alerts for Acme"
        assert len(receiver.accepted) == 2
