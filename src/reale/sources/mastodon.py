"""Mastodon Status JSON (REST entity, SSE ``update`` payload, or the WebSocket envelope) →
Reale events (pure, no I/O). HTML content becomes plain text (see :mod:`reale.sources.html`).
A ``delete`` envelope (payload: the status id) becomes a :class:`Deletion`.

A reblog yields the reblogged status as a :class:`Post` plus an ``Interaction(kind="repost")``;
a reply yields a Post with ``reply_parent`` plus an ``Interaction(kind="reply")``.
"""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import urlsplit

import msgspec

from reale.errors import DecodeError
from reale.events import Author, Deletion, Interaction, Post
from reale.sources.html import html_to_text
from reale.sources.text import (
    clip,
    dedupe,
    hashtags_in,
    iso_to_epoch,
    links_in,
    mentions_in,
    why,
)

Parsed = list[Post | Interaction | Deletion]


class _Account(msgspec.Struct):
    id: str = ""
    acct: str = ""
    username: str = ""
    display_name: str = ""
    url: str = ""
    followers_count: int | None = None
    following_count: int | None = None
    statuses_count: int | None = None
    created_at: str = ""


class _Mention(msgspec.Struct):
    url: str = ""
    acct: str = ""


class _Tag(msgspec.Struct):
    name: str = ""


class _Card(msgspec.Struct):
    url: str = ""


class _Quote(msgspec.Struct):
    quoted_status: _Status | None = None


class _Status(msgspec.Struct):
    id: str = ""
    uri: str = ""
    url: str | None = None
    created_at: str = ""
    content: str = ""
    spoiler_text: str = ""
    language: str | None = None
    in_reply_to_id: str | None = None
    account: _Account | None = None
    reblog: _Status | None = None
    quote: _Quote | None = None
    mentions: list[_Mention] = []
    tags: list[_Tag] = []
    card: _Card | None = None


class _Envelope(msgspec.Struct):
    event: str = ""
    payload: str = ""


_status_decoder = msgspec.json.Decoder(_Status)
_envelope_decoder = msgspec.json.Decoder(_Envelope)


MAX_KEPT_CHARS = 2048  # an id or URI longer than this is not remembered


class IdIndex:
    """A bounded map from a server's status ids to their URIs, to resolve ``in_reply_to_id``."""

    def __init__(self, max_size: int = 100_000) -> None:
        self.max_size = max_size
        self._map: OrderedDict[str, str] = OrderedDict()

    def update(self, status_id: str, uri: str) -> None:
        if len(status_id) > MAX_KEPT_CHARS or len(uri) > MAX_KEPT_CHARS:
            return  # not a real id or URI: a bounded map must stay small in bytes too
        self._map[status_id] = uri
        if len(self._map) > self.max_size:
            self._map.popitem(last=False)

    def get(self, status_id: str) -> str:
        return self._map.get(status_id, "")


def decode_status(raw: bytes | str) -> _Status | None:
    """Decode a Status (or a WebSocket envelope carrying one); ``None`` for other envelopes."""
    status = decode_message(raw)
    return status if isinstance(status, _Status) else None


def decode_message(raw: bytes | str) -> _Status | _Envelope | None:
    """A Status, a ``delete`` envelope, or ``None`` for other envelopes (DecodeError: bad)."""
    try:
        if _looks_like_envelope(raw):
            env = _envelope_decoder.decode(raw)
            if env.event == "delete":
                return env
            if env.event not in ("update", "status.update"):
                return None
            raw = env.payload
        status = _status_decoder.decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise DecodeError(f"mastodon: not a valid Status: {why(exc)}") from exc
    except UnicodeError as exc:  # a byte string that is not UTF-8, or a text with a lone surrogate
        raise DecodeError(f"mastodon: not valid UTF-8: {exc}") from exc
    if not status.id or not status.uri or status.account is None:
        raise DecodeError("mastodon: Status lacks 'id', 'uri' or 'account'")
    return status


def _looks_like_envelope(raw: bytes | str) -> bool:
    head = raw[:200]
    return (b'"payload"' in head) if isinstance(head, bytes) else ('"payload"' in head)


def parse(raw: bytes | str, ids: IdIndex | None = None, host: str = "") -> Parsed:
    """One Status → posts and interactions; a ``delete`` envelope → a :class:`Deletion` (``[]``
    for other envelopes such as notifications).

    A delete names only the server's status id: ``ids`` turns it into the URI of the status
    seen earlier; an id it does not know becomes ``mastodon://HOST/statuses/ID`` (``host``: the
    server streaming it), which no stored post has, so the store counts it as unknown.
    """
    status = decode_message(raw)
    if status is None:
        return []
    if isinstance(status, _Envelope):
        return [_deletion(status.payload, ids, host)]
    if status.reblog is not None:
        original = _post(status.reblog, ids)
        return [original, Interaction(
            network="mastodon", uri=status.uri, kind="repost", author=_author(status.account),
            subject=original.uri, created_at=_time(status), cursor=status.id)]
    post = _post(status, ids)
    out: Parsed = [post]
    if post.reply_parent:
        out.append(Interaction(network="mastodon", uri=post.uri, kind="reply", author=post.author,
                               subject=post.reply_parent, created_at=post.created_at,
                               text=post.text, cursor=post.cursor))
    if post.quote_of:
        out.append(Interaction(network="mastodon", uri=post.uri, kind="quote", author=post.author,
                               subject=post.quote_of, created_at=post.created_at,
                               text=post.text, cursor=post.cursor))
    return out


MAX_ID_CHARS = 64  # a status id is a number of at most 20 digits; a longer one is not an id


def _deletion(status_id: str, ids: IdIndex | None, host: str) -> Deletion:
    """A deleted status by its id. The stream says neither when nor who: ``deleted_at`` is 0
    (the runner takes the time it received it) and ``author_id`` is empty."""
    status_id = status_id.strip()
    if not status_id or len(status_id) > MAX_ID_CHARS or any(c in status_id for c in "/?# "):
        raise DecodeError(f"mastodon: delete names no status id ({status_id[:40]!r})")
    known = ids.get(status_id) if ids is not None else ""
    return Deletion(network="mastodon", uri=known or f"mastodon://{host}/statuses/{status_id}",
                    deleted_at=0.0)


def _time(status: _Status) -> float:
    t = iso_to_epoch(status.created_at)
    if t is None:
        raise DecodeError(f"mastodon: status {status.id} has no valid created_at")
    return t


def _author(account: _Account | None) -> Author:
    if account is None or not account.id:
        raise DecodeError("mastodon: a status lacks its account")
    return Author(id=account.id, handle=account.acct or account.username,
                  display_name=account.display_name, followers=account.followers_count,
                  following=account.following_count, posts=account.statuses_count,
                  created_at=iso_to_epoch(account.created_at))


def _post(status: _Status, ids: IdIndex | None) -> Post:
    if not status.id or not status.uri:
        raise DecodeError("mastodon: a (reblogged) status lacks 'id' or 'uri'")
    if ids is not None:
        ids.update(status.id, status.uri)
    accts = {m.url: m.acct for m in status.mentions if m.url and m.acct}
    body, links = html_to_text(status.content, accts)
    warning, _ = html_to_text(status.spoiler_text) if status.spoiler_text else ("", [])
    text = clip(f"{warning}\n\n{body}" if warning else body)
    if status.card is not None and status.card.url:
        links.append(status.card.url)
    quote = status.quote.quoted_status if status.quote is not None else None
    return Post(
        network="mastodon", uri=status.uri, author=_author(status.account), text=text,
        created_at=_time(status), langs=(status.language,) if status.language else (),
        reply_parent=_parent_uri(status, ids), quote_of=quote.uri if quote and quote.uri else None,
        hashtags=dedupe([t.name for t in status.tags] + hashtags_in(text)),
        mentions=dedupe([m.acct for m in status.mentions] + mentions_in(text)),
        links=dedupe(links + links_in(text)), cursor=status.id,
    )


def _parent_uri(status: _Status, ids: IdIndex | None) -> str | None:
    """The parent's URI when it was seen; else ``mastodon://HOST/statuses/ID`` (server-local)."""
    parent = status.in_reply_to_id
    if not parent:
        return None
    known = ids.get(parent) if ids is not None else ""
    if known:
        return known
    try:
        host = urlsplit(status.url or status.uri).netloc
    except ValueError:  # not a URL (an unclosed IPv6 bracket): the parent stays findable by id
        host = ""
    return f"mastodon://{host}/statuses/{parent}"


class MastodonParser:
    """``parse`` with state: remembers status ids → URIs so replies link to their parents."""

    def __init__(self, max_ids: int = 100_000, host: str = "") -> None:
        self.ids = IdIndex(max_ids)
        self.host = host  # the server's host, for the URI of a deleted status never seen

    def parse(self, raw: bytes | str) -> Parsed:
        return parse(raw, self.ids, self.host)
