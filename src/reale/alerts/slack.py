"""Slack incoming-webhook payloads in Block Kit: a header, the facts, the post as a quote, the
reasons as context and a button to the desk. Each line of the post is quoted and its link
follows the author. Every piece of text that Slack parses (``mrkdwn``,
the fallback ``text``) has ``&``, ``<`` and ``>`` escaped, so a post cannot ping ``<!channel>``
or smuggle a link. Incoming webhooks cannot edit or thread, so updates say ``Update:``
(``Aggiornamento:`` on a channel in Italian).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reale.alerts.model import Alert, Message, in_language
from reale.alerts.words import named, number, say

HEADER_MAX = 150
SECTION_MAX = 3000
CONTEXT_MAX = 10
QUOTE_LINES = 100
ZWSP = "\u200b"


def slack_escape(text: str) -> str:
    """Slack's three control characters as entities.

    >>> slack_escape("<!channel> & <http://x|y>")
    '&lt;!channel&gt; &amp; &lt;http://x|y&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Escape ``text`` and shorten it so the escaped form fits ``limit`` characters."""
    out = slack_escape(text)
    while len(out) > limit and text:
        text = text[: max(0, len(text) - (len(out) - limit) - 1)]
        out = slack_escape(text) + "…"
    return out


def safe_url(url: str) -> str:
    """A URL usable inside ``<url|label>`` (no ``<``, ``>``, ``|`` or spaces), or ``""``."""
    if not url.startswith(("http://", "https://")):
        return ""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")


def quote_block(text: str, author: str, post_url: str = "", lang: str = "en") -> str:
    """Every line of the post quoted (``> `` on each, at most ``QUOTE_LINES``; a blank line
    keeps the quote going with a zero-width space, since a bare ``>`` ends it), then the
    author and the post's link."""
    body = fit(text, SECTION_MAX - 1500).split("\n")
    if len(body) > QUOTE_LINES:  # bounded overhead: the rest joins the last quoted line
        body = [*body[:QUOTE_LINES - 1], " ".join(body[QUOTE_LINES - 1:])]
    lines = [f"> {ln if ln.strip() else ZWSP}" for ln in body]
    footer = [f"— {fit(author, 100)}"] if author else []
    link = post_link(post_url, lang)
    if link:
        footer.append(link)
    if footer:
        lines.append(" · ".join(footer))
    return "\n".join(lines)


def post_link(post_url: str, lang: str = "en") -> str:
    """``<url|View the post>`` for an http(s) link of at most 1000 characters, else ``""``."""
    url = safe_url(post_url)
    return f"<{url}|{say('view_post', lang)}>" if url and len(url) <= 1000 else ""


def facts_line(alert: Alert, lang: str = "en") -> str:
    parts = [f"*{fit(alert.brand, 100)}*" if alert.brand else "*Reale*",
             named("alertkind", alert.kind, lang), named("severity", alert.severity, lang)]
    if alert.score is not None:
        parts.append(say("score", lang, score=number(alert.score, 2, lang)))
    return " · ".join(parts)


def _text(kind: str, text: str) -> dict[str, Any]:
    return {"type": kind, "text": text}


def alert_blocks(alert: Alert, *, update: bool, lang: str = "en") -> list[dict[str, Any]]:
    title = (say("update", lang) if update else "") + alert.title
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _text("plain_text", title[:HEADER_MAX])},
        {"type": "section", "text": _text("mrkdwn", facts_line(alert, lang) + (
            "\n" + fit(alert.body, SECTION_MAX - 300) if alert.body else ""))},
    ]
    if alert.post_text:
        blocks.append({"type": "section", "text": _text("mrkdwn", quote_block(
            alert.post_text, alert.author, alert.post_url, lang))})
    elif post_link(alert.post_url):
        blocks.append({"type": "section", "text": _text("mrkdwn", post_link(alert.post_url, lang))})
    if alert.reasons:
        blocks.append({"type": "context", "elements": [
            _text("mrkdwn", fit(r, 300)) for r in alert.reasons[:CONTEXT_MAX]]})
    url = safe_url(alert.link)
    if url:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "text": _text("plain_text", say("open_desk", lang)), "url": url,
            "action_id": "open_desk"}]})
    return blocks


def digest_blocks(message: Message, lang: str = "en") -> list[dict[str, Any]]:
    n = len(message.items) + message.more
    brand = message.brand or "Reale"
    heading = say("digest.title", lang, n=n, brand=brand)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _text("plain_text", heading[:HEADER_MAX])}]
    for a in message.items:
        url = safe_url(a.link)
        line = (f"*{named('severity', a.severity, lang)}* · {named('alertkind', a.kind, lang)} · "
                f"{fit(a.title, 300)}")
        if url:
            line += f" <{url}|{say('open', lang)}>"
        link = post_link(a.post_url, lang)
        if link:
            line += " · " + link
        if a.post_text:
            line += "\n> " + fit(a.post_text.replace("\n", " "), 300)
        blocks.append({"type": "section", "text": _text("mrkdwn", line)})
    if message.more:
        blocks.append({"type": "context", "elements": [_text("mrkdwn", say("digest.more", lang, n=message.more))]})
    return blocks


def slack_payload(message: Message, lang: str = "en") -> dict[str, Any]:
    """The JSON body for a Slack incoming webhook, worded in ``lang`` (``en`` or ``it``)."""
    message = in_language(message, lang)
    if message.event == "alert.digest" or message.alert is None:
        n = len(message.items) + message.more
        fallback = say("digest.fallback", lang, n=n, brand=message.brand or "Reale")
        return {"text": fit(fallback, 300), "blocks": digest_blocks(message, lang)}
    alert = message.alert
    update = message.event == "alert.updated"
    fallback = (say("update", lang) if update else "") + f"[{alert.brand or 'Reale'}] {alert.title}"
    return {"text": fit(fallback, 300), "blocks": alert_blocks(alert, update=update, lang=lang)}


__all__ = ["safe_url", "slack_escape", "slack_payload"]
