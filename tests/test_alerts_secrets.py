"""Credentials come from the environment or from secret files, are named (never shown) when
missing, print as ``***``, and are scrubbed from any text and any log record."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from reale.alerts.config import parse_alerts_config
from reale.alerts.secrets import Secret, guard_logs, redact, resolve_credentials
from reale.errors import ConfigError

CFG = parse_alerts_config({"channels": [
    {"name": "hook", "kind": "webhook", "url": "https://ops.example/hook", "secret_file": "hook.key"},
    {"name": "slack", "kind": "slack", "url_env": "SLACK_URL"},
    {"name": "mail", "kind": "email", "smtp_host": "smtp.example", "from": "r@example.org",
     "to": ["t@example.org"], "username_env": "SMTP_USER", "password_file": "/nonexistent/smtp"},
]})


def test_secrets_from_files_and_the_environment(tmp_path: Path) -> None:
    (tmp_path / "hook.key").write_text("k3y-from-a-file\n")
    (tmp_path / "smtp").write_text("pw-from-a-file")
    cfg = parse_alerts_config({"channels": [
        {"name": "hook", "kind": "webhook", "url": "https://ops.example/hook",
         "secret_file": "hook.key"},  # relative to the config file's directory
        {"name": "mail", "kind": "email", "smtp_host": "smtp.example", "from": "r@x.org",
         "to": ["t@x.org"], "username_env": "SMTP_USER", "password_file": str(tmp_path / "smtp")}]})
    creds = resolve_credentials(cfg, {"SMTP_USER": "reale"}, base=tmp_path)
    hook_secret = creds["hook"].secret
    assert hook_secret is not None and hook_secret.reveal() == "k3y-from-a-file"
    assert creds["hook"].url == "https://ops.example/hook"
    assert creds["mail"].username == "reale" and creds["mail"].password == Secret("pw-from-a-file")
    assert "pw-from-a-file" not in repr(creds["mail"]) and "***" in repr(creds["mail"])


def test_a_missing_variable_or_file_is_named_without_a_value(tmp_path: Path) -> None:
    (tmp_path / "hook.key").write_text("k")
    with pytest.raises(ConfigError, match=r"environment variable SLACK_URL \(url_env\) is not set"):
        resolve_credentials(CFG, {}, base=tmp_path)
    with pytest.raises(ConfigError, match="cannot read password_file /nonexistent/smtp"):
        resolve_credentials(CFG, {"SLACK_URL": "https://hooks.example/T/B/x", "SMTP_USER": "u"},
                            base=tmp_path)


def test_redaction_catches_the_whole_url_and_its_token() -> None:
    from reale.alerts.secrets import ChannelSecrets
    values = ChannelSecrets(url="https://hooks.slack.com/services/T000/B000/abcdefghijklmnop").values()
    assert redact("POST https://hooks.slack.com/services/T000/B000/abcdefghijklmnop: 404", values) == "POST ***: 404"
    assert redact("no such token abcdefghijklmnop", values) == "no such token ***"


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    guard_logs(["very-secret-url-token"])
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("HTTP Request: POST %s", "https://h.example/very-secret-url-token")
    try:
        raise RuntimeError("failed at very-secret-url-token")
    except RuntimeError:
        logging.getLogger("reale.alerts").exception("boom")
    assert "very-secret-url-token" not in caplog.text
    assert "HTTP Request: POST https://h.example/***" in caplog.text
