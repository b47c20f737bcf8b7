"""Alerts that reach people where they are: rules in the config pick which alerts (a new
opportunity, a moment, a backlash, a response-time target, a source down) go to which channels
(signed webhooks, Slack, Mattermost, e-mail), through a durable outbox with retries,
de-duplication, rate limits, quiet hours and digests. See docs/alerts.md.
"""

from reale.alerts.config import AlertsConfig, ChannelConfig, RuleConfig, parse_alerts_config
from reale.alerts.db import Database, SQLiteDatabase, ensure_schema, open_alerts_db
from reale.alerts.dispatcher import AlertDispatcher, DispatchStats
from reale.alerts.emit import AlertFactory
from reale.alerts.model import Alert, Message, make_alert
from reale.alerts.outbox import Delivery, Enqueued, Outbox
from reale.alerts.receiver import LocalReceiver, Received
from reale.alerts.secrets import ChannelSecrets, Secret, resolve_credentials
from reale.alerts.serialise import alerts_from_json, alerts_to_json, alerts_to_toml
from reale.alerts.webhook import verify as verify_signature

__all__ = [
    "Alert",
    "AlertDispatcher",
    "AlertFactory",
    "AlertsConfig",
    "ChannelConfig",
    "ChannelSecrets",
    "Database",
    "Delivery",
    "DispatchStats",
    "Enqueued",
    "LocalReceiver",
    "Message",
    "Outbox",
    "Received",
    "RuleConfig",
    "SQLiteDatabase",
    "Secret",
    "alerts_from_json",
    "alerts_to_json",
    "alerts_to_toml",
    "ensure_schema",
    "make_alert",
    "open_alerts_db",
    "parse_alerts_config",
    "resolve_credentials",
    "verify_signature",
]
