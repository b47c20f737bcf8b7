"""The alert event and the message a channel delivers: an :class:`Alert` (one thing worth a
person's attention now), and a :class:`Message` (an alert, an update of one, or a digest of many).

Text fields are cleaned on the way in (control characters dropped, lengths bounded, invalid
code points replaced) so that no hostile post can break a payload, a header or a mail.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Literal

import msgspec

AlertKind = Literal["opportunity", "moment", "backlash", "sla", "source"]
ALERT_KINDS: tuple[str, ...] = ("opportunity", "moment", "backlash", "sla", "source")

Severity = Literal["low", "medium", "high", "urgent"]
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "urgent")

MessageEvent = Literal["alert.created", "alert.updated", "alert.digest", "alert.test"]

MAX_TITLE = 150
MAX_BODY = 2000
MAX_POST = 2000
MAX_REASON = 300
MAX_REASONS = 10

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class Said(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An alert's title, body and (where they differ) reasons in another language than English."""

    title: str
    body: str = ""
    reasons: tuple[str, ...] = ()


class Alert(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One alert. ``dedup_key`` names the thing it is about (``opportunity:<id>``): a channel gets
    one alert per key, and later alerts with the same key become updates (``update_of``) or are
    dropped as duplicates. Times are epoch seconds (UTC)."""

    id: str
    brand: str  # "" for alerts about Reale itself (a source down), routed by rules for "*"
    kind: AlertKind
    severity: Severity
    title: str
    dedup_key: str
    created_at: float
    body: str = ""
    post_text: str = ""
    author: str = ""
    post_url: str = ""
    reasons: tuple[str, ...] = ()
    score: float | None = None
    link: str = ""  # the desk page of what the alert is about
    update_of: str | None = None  # the id of the first alert with this dedup_key, for updates
    it: Said | None = None  # the title and body in Italian, for a channel with language = "it"


class Message(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What one delivery carries: one alert (created, updated, test) or a digest of several."""

    event: MessageEvent
    brand: str
    rule: str = ""
    alert: Alert | None = None
    items: tuple[Alert, ...] = ()  # a digest's top items, most important first
    more: int = 0  # a digest's items beyond those shown
    window: tuple[float, float] | None = None  # a digest's first and last alert times


def severity_rank(severity: str) -> int:
    """0 for ``low`` … 3 for ``urgent`` (an unknown level ranks lowest)."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        return 0


def clean_text(value: object, limit: int) -> str:
    """A single safe string: valid UTF-8, no control characters but newlines and tabs, at most
    ``limit`` characters (cut with an ellipsis).

    >>> clean_text("a\\x00b\\ud800c" + "x" * 10, 6)
    'ab\\ufffdcx…'
    """
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = _SURROGATE.sub("\ufffd", text)  # one U+FFFD for each lone surrogate
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return text


def one_line(value: object, limit: int) -> str:
    """Like :func:`clean_text` but on one line (titles, subjects, names)."""
    return " ".join(clean_text(value, limit * 2).split())[:limit]


def new_alert_id(now: float, rng: random.Random) -> str:
    """A time-ordered id: 12 hex digits of milliseconds, then 10 random hex digits."""
    return f"{int(now * 1000):012x}{rng.getrandbits(40):010x}"


def make_alert(*, id: str, brand: str, kind: AlertKind, severity: Severity, title: str,
               dedup_key: str, created_at: float, body: str = "", post_text: str = "",
               author: str = "", post_url: str = "", reasons: tuple[str, ...] | list[str] = (),
               score: float | None = None, link: str = "", update_of: str | None = None,
               it: tuple[str, str] | None = None, it_reasons: Sequence[str] = ()) -> Alert:
    """An :class:`Alert` with every text field cleaned and bounded; ``it`` is its (title, body)
    in Italian, ``it_reasons`` its reasons in Italian where they differ."""
    return Alert(
        id=one_line(id, 80), brand=one_line(brand, 100), kind=kind, severity=severity,
        title=one_line(title, MAX_TITLE) or kind, dedup_key=one_line(dedup_key, 300),
        created_at=float(created_at), body=clean_text(body, MAX_BODY),
        post_text=clean_text(post_text, MAX_POST), author=one_line(author, 100),
        post_url=one_line(post_url, 1000),
        reasons=tuple(one_line(r, MAX_REASON) for r in list(reasons)[:MAX_REASONS] if r),
        score=None if score is None else float(score), link=one_line(link, 1000),
        update_of=update_of,
        it=None if it is None else Said(
            title=one_line(it[0], MAX_TITLE) or kind, body=clean_text(it[1], MAX_BODY),
            reasons=tuple(one_line(r, MAX_REASON) for r in list(it_reasons)[:MAX_REASONS] if r)),
    )


def in_language(message: Message, lang: str) -> Message:
    """``message`` as a channel in ``lang`` delivers it: in Italian each alert's title and body
    are its Italian ones (where it has them); in either language the ``it`` twin is left out,
    so a delivery carries one language."""
    def one(alert: Alert) -> Alert:
        if lang == "it" and alert.it is not None:
            return msgspec.structs.replace(alert, title=alert.it.title, body=alert.it.body,
                                           reasons=alert.it.reasons or alert.reasons, it=None)
        return msgspec.structs.replace(alert, it=None) if alert.it is not None else alert
    return msgspec.structs.replace(
        message, alert=None if message.alert is None else one(message.alert),
        items=tuple(one(a) for a in message.items))


__all__ = ["ALERT_KINDS", "SEVERITIES", "Alert", "AlertKind", "Message", "MessageEvent", "Said",
           "Severity", "clean_text", "in_language", "make_alert", "new_alert_id", "one_line",
           "severity_rank"]
