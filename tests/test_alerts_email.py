"""Alert e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd): STARTTLS with a certificate
from a throwaway CA (trustme), a login whose password comes from the environment and never
shows in logs or errors, multipart text + HTML, temporary failures retried, permanent ones not."""

from __future__ import annotations

import asyncio
import email
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from reale.alerts import AlertDispatcher
from reale.alerts.secrets import resolve_credentials
from reale.clock import ManualClock
from reale.ports import free_port
from tests.alerts_helpers import T0, alert, config, dispatcher

PASSWORD = "hunter2-smtp-password-value"


class Inbox:
    """Collects what the server accepted; ``defer`` answers the next DATA commands with 451."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.tls: list[bool] = []
        self.defer = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.defer:
            self.defer -= 1
            return "451 4.3.0 try again later"
        self.mails.append(email.message_from_bytes(envelope.content, _class=EmailMessage,
                                                   policy=default))  # type: ignore[arg-type]
        self.tls.append(session.ssl is not None)
        return "250 OK"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"reale" and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture
def ca(tmp_path: Path) -> Iterator[tuple[ssl.SSLContext, Path]]:
    authority = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    yield server_ctx, ca_file


@contextmanager
def smtp_server(inbox: Inbox, tls: ssl.SSLContext | None) -> Iterator[Controller]:
    """An SMTP server on 127.0.0.1 delivering to ``inbox`` (STARTTLS required when ``tls`` is
    given), stopped when the block ends."""
    kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": tls is not None}
    if tls is not None:
        kwargs.update(tls_context=tls, require_starttls=True)
    server = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mail_dispatcher(server: Controller, clock: ManualClock, ca_file: Path | None,
                    password: str = PASSWORD, **channel: Any) -> AlertDispatcher:
    cfg = config([{"name": "mail", "kind": "email", "smtp_host": "127.0.0.1",
                   "smtp_port": server.port, "from": "Reale <reale@example.org>",
                   "to": ["social@example.org"], "username": "reale",
                   "password_env": "SMTP_PASSWORD", "timeout": 5.0,
                   **({"tls_ca_file": str(ca_file)} if ca_file else {"tls": "none"}), **channel}],
                 [{"name": "r", "channels": ["mail"]}])
    secrets = resolve_credentials(cfg, {"SMTP_PASSWORD": password})
    return dispatcher(cfg, clock, secrets)


def step(d: AlertDispatcher) -> float | None:
    return asyncio.run(d.step())


def test_an_alert_arrives_over_starttls_as_multipart_with_the_post_escaped(
        ca: tuple[ssl.SSLContext, Path], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    inbox = Inbox()
    with smtp_server(inbox, ca[0]) as server:
        d = mail_dispatcher(server, ManualClock(T0), ca[1])
        d.submit(alert(1, post_text="<img src=x onerror=alert(1)> & hi", author="@anna"))
        step(d)
        [mail] = inbox.mails
        assert inbox.tls == [True]
        assert mail["To"] == "social@example.org" and mail["Subject"] == "[Reale] Acme: Alert 1"
        assert mail.get_content_type() == "multipart/alternative"
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "&lt;img src=x onerror=alert(1)&gt; &amp; hi" in html and "<img" not in html
        assert "> <img src=x onerror=alert(1)> & hi" in plain
        assert d.outbox.counts()["sent"] == 1
        assert PASSWORD not in caplog.text


def test_an_update_threads_under_the_first_mail(ca: tuple[ssl.SSLContext, Path]) -> None:
    inbox = Inbox()
    with smtp_server(inbox, ca[0]) as server:
        d = mail_dispatcher(server, ManualClock(T0), ca[1])
        d.submit(alert(1, severity="high"))
        d.submit(alert(2, severity="urgent", key="opportunity:1"))
        step(d)
        first, update = inbox.mails
        assert update["In-Reply-To"] == first["Message-ID"] == "<a00001.mail@example.org>"
        assert update["Subject"] == "[Reale] Acme: Update: Alert 2"


def test_a_temporary_refusal_is_retried_and_the_mail_arrives_once(
        ca: tuple[ssl.SSLContext, Path]) -> None:
    inbox = Inbox()
    inbox.defer = 2
    clock = ManualClock(T0)
    with smtp_server(inbox, ca[0]) as server:
        d = mail_dispatcher(server, clock, ca[1])
        d.submit(alert(1))
        while (wake := step(d)) is not None:
            clock.set(wake)
        assert len(inbox.mails) == 1 and d.stats.retried == 2


def test_a_wrong_password_is_dead_lettered_without_showing_it(
        ca: tuple[ssl.SSLContext, Path], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    inbox = Inbox()
    with smtp_server(inbox, ca[0]) as server:
        d = mail_dispatcher(server, ManualClock(T0), ca[1], password="wrong-password-123")
        d.submit(alert(1))
        step(d)
        [dead] = d.outbox.list(["dead"])
        assert "SMTPAuthenticationError" in dead.last_error and "535" in dead.last_error
        assert "wrong-password-123" not in dead.last_error + caplog.text
        assert inbox.mails == []


def test_a_server_without_starttls_is_refused_rather_than_sent_in_clear(
        ca: tuple[ssl.SSLContext, Path]) -> None:
    inbox = Inbox()
    with smtp_server(inbox, None) as server:  # plain SMTP only
        d = mail_dispatcher(server, ManualClock(T0), ca[1])  # but the channel asks for STARTTLS
        d.submit(alert(1))
        step(d)
        [dead] = d.outbox.list(["dead"])
        assert "does not offer STARTTLS" in dead.last_error and inbox.mails == []


def test_a_certificate_from_an_unknown_authority_is_refused(ca: tuple[ssl.SSLContext, Path]) -> None:
    inbox = Inbox()
    with smtp_server(inbox, ca[0]) as server:
        d = mail_dispatcher(server, ManualClock(T0), None, tls="starttls")  # system CAs only
        d.submit(alert(1))
        step(d)
        row = d.outbox.get("1")
        assert row is not None and "CERTIFICATE_VERIFY_FAILED" in row.last_error
        assert inbox.mails == []
