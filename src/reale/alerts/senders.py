"""Delivering one message to one channel: HTTP POSTs (signed webhook, Slack, Mattermost) over a
shared ``httpx.AsyncClient``, e-mail over SMTP (STARTTLS by default) in a worker thread.

A send never raises for a delivery failure: it returns a :class:`Outcome` saying whether to retry
(timeouts, refused connections, 408/425/429/5xx, SMTP 4xx) or give up (other 4xx, SMTP 5xx,
a refused login). Error texts are scrubbed of every credential before they leave.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import msgspec

from reale.alerts.config import ChannelConfig
from reale.alerts.mail import build_email
from reale.alerts.mattermost import mattermost_payload
from reale.alerts.model import Message, in_language
from reale.alerts.secrets import ChannelSecrets, redact
from reale.alerts.slack import slack_payload
from reale.alerts.webhook import DELIVERY_HEADER, signed_headers, webhook_body
from reale.clock import Clock
from reale.errors import ConfigError
from reale.publish.ratelimit import retry_after

_RETRY_STATUS = {408, 425, 429}


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """How one try went. ``retry_after`` is the receiver's own wish (a 429's Retry-After)."""

    ok: bool
    retry: bool = False
    error: str = ""
    status: int | None = None
    retry_after: float | None = None


class Sender(Protocol):
    """Anything that delivers a message to one channel."""

    async def send(self, message: Message, delivery_id: str) -> Outcome: ...


def _status_outcome(name: str, response: httpx.Response, now: float) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(ok=True, status=code)
    detail = response.text[:200].strip().replace("\n", " ")
    error = f"channel {name}: HTTP {code}" + (f" ({detail})" if detail else "")
    if code in _RETRY_STATUS or code >= 500:
        wait = retry_after({k.lower(): v for k, v in response.headers.items()}, now, 0.0) \
            if code == 429 else None
        return Outcome(ok=False, retry=True, error=error, status=code, retry_after=wait or None)
    return Outcome(ok=False, retry=False, error=error + "; the receiver refused it: fix the "
                   "channel, then requeue with `reale alerts --retry ID`", status=code)


class HttpSender:
    """POSTs to a webhook, Slack or Mattermost URL."""

    def __init__(self, channel: ChannelConfig, secrets: ChannelSecrets, client: httpx.AsyncClient,
                 clock: Clock) -> None:
        if not secrets.url:
            raise ConfigError(f"[alerts] channel {channel.name!r} has no URL: resolve its "
                              "url_env/url_file with reale.alerts.resolve_credentials()")
        if channel.kind == "webhook" and not secrets.secret:
            raise ConfigError(f"[alerts] channel {channel.name!r} has no signing secret: resolve "
                              "its secret_env/secret_file with reale.alerts.resolve_credentials()")
        self.channel = channel
        self._secrets = secrets
        self._client = client
        self._clock = clock

    def request(self, message: Message, delivery_id: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the POST (pure apart from the clock)."""
        kind = self.channel.kind
        now = self._clock.now()
        if kind == "webhook":
            body = webhook_body(in_language(message, self.channel.language or "en"),
                                delivery_id=delivery_id, channel=self.channel.name,
                                sent_at=now)
            key = self._secrets.secret.reveal() if self._secrets.secret else ""
            return body, signed_headers(key, body, delivery_id=delivery_id, event=message.event,
                                        now=now)
        lang = self.channel.language or "en"
        payload: dict[str, Any] = slack_payload(message, lang) if kind == "slack" else \
            mattermost_payload(message, lang)
        return msgspec.json.encode(payload), {"Content-Type": "application/json",
                                              "User-Agent": "Reale-Alerts/1",
                                              DELIVERY_HEADER: delivery_id}

    async def send(self, message: Message, delivery_id: str) -> Outcome:
        body, headers = self.request(message, delivery_id)
        name = self.channel.name
        try:
            response = await self._client.post(self._secrets.url, content=body, headers=headers,
                                               timeout=self.channel.timeout)
        except httpx.TimeoutException:
            return Outcome(ok=False, retry=True, error=f"channel {name}: no answer within "
                           f"{self.channel.timeout:g} s")
        except httpx.HTTPError as exc:
            error = redact(f"channel {name}: {type(exc).__name__}: {exc}", self._secrets.values())
            return Outcome(ok=False, retry=True, error=error)
        outcome = _status_outcome(name, response, self._clock.now())
        if outcome.error:  # a receiver may echo the URL (a credential) in its answer
            outcome = msgspec.structs.replace(outcome, error=redact(outcome.error, self._secrets.values()))
        return outcome


def _tls_context(channel: ChannelConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=channel.tls_ca_file or None)


def _smtp_send(channel: ChannelConfig, secrets: ChannelSecrets, mail: Any) -> None:
    """Blocking: connect, STARTTLS (or TLS from the start), log in, send."""
    timeout = channel.timeout
    smtp: smtplib.SMTP
    if channel.tls == "ssl":
        smtp = smtplib.SMTP_SSL(channel.smtp_host, channel.smtp_port, timeout=timeout,
                                context=_tls_context(channel))
    else:
        smtp = smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if channel.tls == "starttls":
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS")
            smtp.starttls(context=_tls_context(channel))
            smtp.ehlo()
        if secrets.username and secrets.password:
            smtp.login(secrets.username, secrets.password.reveal())
        smtp.send_message(mail)


def _smtp_outcome(name: str, exc: Exception, secrets: ChannelSecrets) -> Outcome:
    text = redact(f"channel {name}: {type(exc).__name__}: {exc}", secrets.values())
    if secrets.password:
        text = redact(text, [secrets.password.reveal()])
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPNotSupportedError):
        return Outcome(ok=False, retry=False, error=text)
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        return Outcome(ok=False, retry=False, error=text, status=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return Outcome(ok=False, retry=any(c < 500 for c in codes), error=text)
    return Outcome(ok=False, retry=True, error=text)  # 4xx, timeouts, refused connections


class SmtpSender:
    """Sends an alert e-mail; the blocking SMTP dialogue runs in a worker thread."""

    def __init__(self, channel: ChannelConfig, secrets: ChannelSecrets, clock: Clock) -> None:
        self.channel = channel
        self._secrets = secrets
        self._clock = clock

    async def send(self, message: Message, delivery_id: str) -> Outcome:
        ch = self.channel
        mail = build_email(message, sender=ch.sender, to=ch.to, channel=ch.name,
                           delivery_id=delivery_id, now=self._clock.now(),
                           lang=ch.language or "en")
        try:
            await asyncio.to_thread(_smtp_send, ch, self._secrets, mail)
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            return _smtp_outcome(ch.name, exc, self._secrets)
        return Outcome(ok=True)


def make_senders(channels: tuple[ChannelConfig, ...], secrets: Mapping[str, ChannelSecrets],
                 client: httpx.AsyncClient, clock: Clock) -> dict[str, Sender]:
    """One sender per configured channel."""
    out: dict[str, Sender] = {}
    for ch in channels:
        creds = secrets.get(ch.name, ChannelSecrets())
        if ch.url and not creds.url:
            creds = msgspec.structs.replace(creds, url=ch.url)
        out[ch.name] = SmtpSender(ch, creds, clock) if ch.kind == "email" else \
            HttpSender(ch, creds, client, clock)
    return out


__all__ = ["HttpSender", "Outcome", "Sender", "SmtpSender", "make_senders"]
