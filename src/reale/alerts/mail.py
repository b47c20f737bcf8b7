"""Alert e-mails: multipart plain text + HTML, every post-derived string HTML-escaped, headers
kept on one line (no header injection). Updates thread under the first alert with
``In-Reply-To``/``References``; retries keep the same ``Message-ID``.
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import formatdate

from reale.alerts.model import Alert, Message, one_line
from reale.alerts.slack import safe_url

_DOMAIN = re.compile(r"@([A-Za-z0-9.-]+)>?\s*$")


def message_id(alert_id: str, channel: str, sender: str) -> str:
    """The stable ``Message-ID`` of an alert's mail on a channel."""
    m = _DOMAIN.search(sender)
    domain = m.group(1) if m else "reale.invalid"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{alert_id}.{channel}")
    return f"<{safe}@{domain}>"


def subject(message: Message) -> str:
    brand = message.brand or "Reale"
    if message.alert is None or message.event == "alert.digest":
        n = len(message.items) + message.more
        return one_line(f"[Reale] {brand}: digest of {n} alerts", 200)
    prefix = "Update: " if message.event == "alert.updated" else ""
    return one_line(f"[Reale] {brand}: {prefix}{message.alert.title}", 200)


def alert_text(alert: Alert) -> str:
    lines = [alert.title, f"{alert.brand or 'Reale'} · {alert.kind} · {alert.severity}"
             + (f" · score {alert.score:.2f}" if alert.score is not None else ""), ""]
    if alert.body:
        lines += [alert.body, ""]
    if alert.post_text:
        lines += [f"> {ln}" for ln in alert.post_text.split("\n")]
        lines += [f"— {alert.author}" if alert.author else ""]
    if alert.post_url:
        lines += [f"The post: {alert.post_url}"]
    if alert.post_text or alert.post_url:
        lines += [""]
    lines += [f"- {r}" for r in alert.reasons]
    if alert.link:
        lines += ["", f"Open in the desk: {alert.link}"]
    return "\n".join(lines).strip() + "\n"


def _a(url: str, label: str) -> str:
    safe = safe_url(url)
    if not safe:
        return html.escape(label)
    return f'<a href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>'


def alert_html(alert: Alert) -> str:
    e = html.escape
    facts = f"{e(alert.brand or 'Reale')} · {e(alert.kind)} · {e(alert.severity)}"
    if alert.score is not None:
        facts += f" · score {alert.score:.2f}"
    parts = [f"<h2>{e(alert.title)}</h2>", f"<p><strong>{facts}</strong></p>"]
    if alert.body:
        parts.append(f"<p>{e(alert.body)}</p>")
    if alert.post_text:
        text = e(alert.post_text).replace("\n", "<br>")
        who = f"<br>— {e(alert.author)}" if alert.author else ""
        parts.append(f'<blockquote style="border-left:3px solid #ccc;padding-left:8px">'
                     f"{text}{who}</blockquote>")
    if alert.post_url:
        parts.append(f"<p>{_a(alert.post_url, 'View the post')}</p>")
    if alert.reasons:
        parts.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in alert.reasons) + "</ul>")
    if alert.link:
        parts.append(f"<p>{_a(alert.link, 'Open in the desk')}</p>")
    return "\n".join(parts)


def bodies(message: Message) -> tuple[str, str]:
    """(plain text, HTML) of a message."""
    if message.alert is not None and message.event != "alert.digest":
        return alert_text(message.alert), _page(alert_html(message.alert))
    texts = [alert_text(a) for a in message.items]
    htmls = [alert_html(a) for a in message.items]
    if message.more:
        texts.append(f"… and {message.more} more in the desk.\n")
        htmls.append(f"<p>… and {message.more} more in the desk.</p>")
    return "\n---\n\n".join(texts), _page("<hr>".join(htmls))


def _page(body: str) -> str:
    return f'<!doctype html><html><body style="font-family:sans-serif">{body}</body></html>'


def build_email(message: Message, *, sender: str, to: tuple[str, ...], channel: str,
                delivery_id: str, now: float) -> EmailMessage:
    """The e-mail for one delivery."""
    mail = EmailMessage()
    mail["Subject"] = subject(message)
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
    plain, rich = bodies(message)
    mail.set_content(plain)
    mail.add_alternative(rich, subtype="html")
    return mail


__all__ = ["build_email", "message_id", "subject"]
