"""Mattermost incoming-webhook payloads: a message attachment with the title linked to the desk,
the post as a quote with its link, the reasons as a list and the facts as short fields. Post text is Markdown-
escaped (``\\*``, ``\\[``, ``\\<``…) and ``@`` mentions are broken so a post cannot ping a channel.
"""

from __future__ import annotations

import re
from typing import Any

from reale.alerts.model import Alert, Message, in_language
from reale.alerts.slack import safe_url
from reale.alerts.words import named, number, say

TEXT_MAX = 4000
COLORS = {"low": "#9e9e9e", "medium": "#2196f3", "high": "#ff9800", "urgent": "#e53935"}

_SPECIAL = re.compile(r"([\\`*_~\[\]()<>|#!&])")


def md_escape(text: str) -> str:
    """Markdown control characters backslash-escaped, ``@name`` made inert (zero-width space).

    >>> md_escape("**hi** @channel [x](http://y)")
    '\\\\*\\\\*hi\\\\*\\\\* @\\u200bchannel \\\\[x\\\\]\\\\(http://y\\\\)'
    """
    return _SPECIAL.sub(r"\\\1", text).replace("@", "@\u200b")


def md_link(url: str, label: str) -> str:
    """``[label](url)`` for an http(s) URL (its parentheses encoded so the link cannot end
    early), else ``""``."""
    safe = safe_url(url).replace("(", "%28").replace(")", "%29")
    return f"[{md_escape(label)}]({safe})" if safe and len(safe) <= 1000 else ""


def quoted(text: str, author: str, post_url: str = "", lang: str = "en") -> str:
    lines = [f"> {md_escape(ln)}" if ln else ">" for ln in text[:TEXT_MAX // 2].split("\n")]
    footer = [f"— {md_escape(author)}"] if author else []
    link = md_link(post_url, say("view_post", lang))
    if link:
        footer.append(link)
    if footer:
        lines.append(" · ".join(footer))
    return "\n".join(lines)


def _fields(alert: Alert, lang: str) -> list[dict[str, Any]]:
    fields = [{"short": True, "title": say("field.brand", lang),
               "value": md_escape(alert.brand or "Reale")},
              {"short": True, "title": say("field.kind", lang),
               "value": named("alertkind", alert.kind, lang)},
              {"short": True, "title": say("field.severity", lang),
               "value": named("severity", alert.severity, lang)}]
    if alert.score is not None:
        fields.append({"short": True, "title": say("field.score", lang),
                       "value": number(alert.score, 2, lang)})
    return fields


def attachment_title(title: str, linked: bool) -> str:
    """An attachment's title, safe as Mattermost renders it: linked to ``title_link`` it is shown as
    plain text, else as Markdown whose links are live (the web app's ``MessageAttachment``), so
    there it is Markdown-escaped like the text (a handle ``[x](https://evil)`` must not become a
    link). Either way ``@`` mentions are broken.

    >>> attachment_title("from [x](https://e) @all", linked=False)
    'from \\\\[x\\\\]\\\\(https://e\\\\) @\\u200ball'
    >>> attachment_title("from [x](https://e) @all", linked=True)
    'from [x](https://e) @\\u200ball'
    """
    return title.replace("@", "@\u200b") if linked else md_escape(title)


def alert_attachment(alert: Alert, *, update: bool, lang: str = "en") -> dict[str, Any]:
    url = safe_url(alert.link)
    prefix = say("update", lang) if update else ""
    title = attachment_title(prefix + alert.title, linked=bool(url))
    parts = [md_escape(alert.body)] if alert.body else []
    if alert.post_text:
        parts.append(quoted(alert.post_text, alert.author, alert.post_url, lang))
    elif md_link(alert.post_url, say("view_post", lang)):
        parts.append(md_link(alert.post_url, say("view_post", lang)))
    if alert.reasons:
        parts.append("\n".join(f"- {md_escape(r)}" for r in alert.reasons))
    attachment: dict[str, Any] = {
        "fallback": f"[{alert.brand or 'Reale'}] " + prefix + alert.title,  # plain
        "color": COLORS.get(alert.severity, COLORS["low"]),
        "title": title, "text": "\n\n".join(parts)[:TEXT_MAX],
        "fields": _fields(alert, lang), "footer": "Reale",
    }
    if url:
        attachment["title_link"] = url
    return attachment


def digest_text(message: Message, lang: str = "en") -> str:
    lines = []
    for a in message.items:
        url = safe_url(a.link)
        title = md_escape(a.title)
        lines.append(f"- **{named('severity', a.severity, lang)}** · "
                     f"{named('alertkind', a.kind, lang)} · "
                     + (f"[{title}]({url})" if url else title))
    if message.more:
        lines.append("- " + say("digest.more", lang, n=message.more))
    return "\n".join(lines)[:TEXT_MAX]


def mattermost_payload(message: Message, lang: str = "en") -> dict[str, Any]:
    """The JSON body for a Mattermost incoming webhook, worded in ``lang`` (``en`` or ``it``)."""
    message = in_language(message, lang)
    brand = md_escape(message.brand or "Reale")
    if message.event == "alert.digest" or message.alert is None:
        n = len(message.items) + message.more
        heading = say("digest.title", lang, n=n, brand=brand)
        return {"username": "Reale", "text": f"#### {heading}\n{digest_text(message, lang)}"}
    update = message.event == "alert.updated"
    return {"username": "Reale",
            "attachments": [alert_attachment(message.alert, update=update, lang=lang)]}


__all__ = ["mattermost_payload", "md_escape"]
