"""Alert e-mails: multipart plain text + HTML, every post-derived string HTML-escaped, headers
kept on one line (no header injection). Updates thread under the first alert with
``In-Reply-To``/``References``; retries keep the same ``Message-ID``.
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import formatdate

from reale.alerts.model import Alert, Message, in_language, one_line
from reale.alerts.slack import safe_url
from reale.alerts.words import named, number, say

_DOMAIN = re.compile(r"@([A-Za-z0-9.-]+)>?\s*$")


def message_id(alert_id: str, channel: str, sender: str) -> str:
    """The stable ``Message-ID`` of an alert's mail on a channel."""
    m = _DOMAIN.search(sender)
    domain = m.group(1) if m else "reale.invalid"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{alert_id}.{channel}")
    return f"<{safe}@{domain}>"


def subject(message: Message, lang: str = "en") -> str:
    brand = message.brand or "Reale"
    if message.alert is None or message.event == "alert.digest":
        n = len(message.items) + message.more
        return one_line(say("digest.subject", lang, brand=brand, n=n), 200)
    prefix = say("update", lang) if message.event == "alert.updated" else ""
    return one_line(f"[Reale] {brand}: {prefix}{message.alert.title}", 200)


def _facts(alert: Alert, lang: str) -> str:
    return (f"{alert.brand or 'Reale'} · {named('alertkind', alert.kind, lang)} · "
            f"{named('severity', alert.severity, lang)}"
            + (" · " + say("score", lang, score=number(alert.score, 2, lang))
               if alert.score is not None else ""))


def alert_text(alert: Alert, lang: str = "en") -> str:
    lines = [alert.title, _facts(alert, lang), ""]
    if alert.body:
        lines += [alert.body, ""]
    if alert.post_text:
        lines += [f"> {ln}" for ln in alert.post_text.split("\n")]
        lines += [f"— {alert.author}" if alert.author else ""]
    if alert.post_url:
        lines += [say("the_post", lang, url=alert.post_url)]
    if alert.post_text or alert.post_url:
        lines += [""]
    lines += [f"- {r}" for r in alert.reasons]
    if alert.link:
        lines += ["", f"{say('open_desk', lang)}: {alert.link}"]
    return "\n".join(lines).strip() + "\n"


def _a(url: str, label: str) -> str:
    safe = safe_url(url)
    if not safe:
        return html.escape(label)
    return f'<a href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>'


def alert_html(alert: Alert, lang: str = "en") -> str:
    e = html.escape
    facts = e(_facts(alert, lang))
    parts = [f"<h2>{e(alert.title)}</h2>", f"<p><strong>{facts}</strong></p>"]
    if alert.body:
        parts.append(f"<p>{e(alert.body)}</p>")
    if alert.post_text:
        text = e(alert.post_text).replace("\n", "<br>")
        who = f"<br>— {e(alert.author)}" if alert.author else ""
        parts.append(f'<blockquote style="border-left:3px solid #ccc;padding-left:8px">'
                     f"{text}{who}</blockquote>")
    if alert.post_url:
        parts.append(f"<p>{_a(alert.post_url, say('view_post', lang))}</p>")
    if alert.reasons:
        parts.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in alert.reasons) + "</ul>")
    if alert.link:
        parts.append(f"<p>{_a(alert.link, say('open_desk', lang))}</p>")
    return "\n".join(parts)


def bodies(message: Message, lang: str = "en") -> tuple[str, str]:
    """(plain text, HTML) of a message."""
    if message.alert is not None and message.event != "alert.digest":
        return alert_text(message.alert, lang), _page(alert_html(message.alert, lang), lang)
    texts = [alert_text(a, lang) for a in message.items]
    htmls = [alert_html(a, lang) for a in message.items]
    if message.more:
        more = say("digest.more_desk", lang, n=message.more)
        texts.append(more + "\n")
        htmls.append(f"<p>{html.escape(more)}</p>")
    return "\n---\n\n".join(texts), _page("<hr>".join(htmls), lang)


def _page(body: str, lang: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><body style="font-family:sans-serif">{body}'
            "</body></html>")


def build_email(message: Message, *, sender: str, to: tuple[str, ...], channel: str,
                delivery_id: str, now: float, lang: str = "en") -> EmailMessage:
    """The e-mail for one delivery, worded in ``lang`` (``en`` or ``it``)."""
    message = in_language(message, lang)
    mail = EmailMessage()
    mail["Subject"] = subject(message, lang)
    mail["From"] = one_line(sender, 300)
    mail["To"] = ", ".join(one_line(t, 300) for t in to)
    mail["Date"] = formatdate(now, usegmt=True)
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Reale-Delivery"] = one_line(delivery_id, 300)
    own = message.alert.id if message.alert and message.event != "alert.digest" else delivery_id
    mail["Message-ID"] = message_id(own, channel, sender)
    if message.alert is not None and message.alert.update_of:
        first = message_id(message.alert.update_of, channel, sender)
        mail["In-Reply-To"] = first
        mail["References"] = first
    plain, rich = bodies(message, lang)
    mail.set_content(plain)
    mail.add_alternative(rich, subtype="html")
    mail["Content-Language"] = lang  # after the content, which clears every Content-* header
    return mail


__all__ = ["build_email", "message_id", "subject"]
