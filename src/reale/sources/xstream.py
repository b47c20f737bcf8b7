"""X API v2 JSON (filtered-stream lines and search/lookup pages) → Reale events (pure, no I/O).

A stream line is ``{"data": {tweet}, "includes": {...}, "matching_rules": [...]}``; a page has
``"data": [tweets]``. Blank keep-alive lines and error-only messages yield ``[]``. URIs are
``x://tweet/<id>``. Text is unescaped (X escapes ``&``, ``<`` and ``>``).
"""

from __future__ import annotations

import html

import msgspec

from reale.errors import DecodeError
from reale.events import Author, Interaction, Post
from reale.sources.text import (
    clip,
    dedupe,
    hashtags_in,
    id_number,
    iso_to_epoch,
    links_in,
    mentions_in,
    why,
)

Parsed = list[Post | Interaction]


class _Metrics(msgspec.Struct):
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None


class _User(msgspec.Struct):
    id: str = ""
    username: str = ""
    name: str = ""
    created_at: str = ""
    public_metrics: _Metrics | None = None


class _Ref(msgspec.Struct):
    type: str = ""
    id: str = ""


class _Tag(msgspec.Struct):
    tag: str = ""


class _UserMention(msgspec.Struct):
    username: str = ""


class _Url(msgspec.Struct):
    url: str = ""
    expanded_url: str = ""
    unwound_url: str = ""


class _Entities(msgspec.Struct):
    hashtags: list[_Tag] = []
    mentions: list[_UserMention] = []
    urls: list[_Url] = []


class _NoteTweet(msgspec.Struct):
    text: str = ""
    entities: _Entities | None = None


class _Tweet(msgspec.Struct):
    id: str = ""
    text: str = ""
    author_id: str = ""
    created_at: str = ""
    lang: str = ""
    conversation_id: str = ""
    referenced_tweets: list[_Ref] = []
    entities: _Entities | None = None
    note_tweet: _NoteTweet | None = None


class _Includes(msgspec.Struct):
    users: list[_User] = []
    tweets: list[_Tweet] = []


class _Rule(msgspec.Struct):
    id: str | int = ""
    tag: str | None = None


class _Message(msgspec.Struct):
    data: _Tweet | list[_Tweet] | None = None
    includes: _Includes | None = None
    matching_rules: list[_Rule] = []
    errors: list[dict[str, object]] = []


_decoder = msgspec.json.Decoder(_Message)


def uri_of(tweet_id: str) -> str:
    return f"x://tweet/{tweet_id}"


def decode_message(raw: bytes | str) -> _Message | None:
    """Decode one line; ``None`` for a keep-alive (blank) line."""
    if not raw.strip():
        return None
    try:
        msg = _decoder.decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise DecodeError(f"x: not a valid API v2 message: {why(exc)}") from exc
    except UnicodeError as exc:  # a byte string that is not UTF-8, or a text with a lone surrogate
        raise DecodeError(f"x: not valid UTF-8: {exc}") from exc
    return msg


def parse(raw: bytes | str) -> Parsed:
    """One stream line or response page → posts and interactions.

    A reply or quote yields the :class:`Post` and an :class:`Interaction` (``reply``/``quote``);
    a retweet yields the original tweet as a Post when ``includes.tweets`` carries it, and an
    ``Interaction(kind="repost")``.
    """
    msg = decode_message(raw)
    if msg is None or msg.data is None:
        return []
    tweets = msg.data if isinstance(msg.data, list) else [msg.data]
    inc = msg.includes or _Includes()
    users = {u.id: u for u in inc.users}
    refs = {t.id: t for t in inc.tweets}
    out: Parsed = []
    for tweet in tweets:
        out.extend(_tweet_events(tweet, users, refs))
    return out


def _author(user_id: str, users: dict[str, _User]) -> Author:
    user = users.get(user_id)
    if user is None:
        return Author(id=user_id)
    m = user.public_metrics or _Metrics()
    return Author(id=user_id, handle=user.username, display_name=user.name,
                  followers=m.followers_count, following=m.following_count, posts=m.tweet_count,
                  created_at=iso_to_epoch(user.created_at))


def _tweet_events(tweet: _Tweet, users: dict[str, _User], refs: dict[str, _Tweet]) -> Parsed:
    if not tweet.id or not tweet.author_id:
        raise DecodeError("x: tweet lacks 'id' or 'author_id'")
    kinds = {r.type: r.id for r in tweet.referenced_tweets if r.id}
    author = _author(tweet.author_id, users)
    created = _time(tweet)
    uri = uri_of(tweet.id)
    if "retweeted" in kinds:
        target = kinds["retweeted"]
        original = refs.get(target)
        out: Parsed = [_post(original, users)] if original is not None and original.author_id else []
        out.append(Interaction(network="x", uri=uri, kind="repost", author=author,
                               subject=uri_of(target), created_at=created, cursor=tweet.id))
        return out
    post = _post(tweet, users)
    out = [post]
    if post.reply_parent:
        out.append(Interaction(network="x", uri=uri, kind="reply", author=author,
                               subject=post.reply_parent, root=post.reply_root,
                               created_at=created, text=post.text, cursor=tweet.id))
    if post.quote_of:
        out.append(Interaction(network="x", uri=uri, kind="quote", author=author,
                               subject=post.quote_of, created_at=created, text=post.text,
                               cursor=tweet.id))
    return out


def _time(tweet: _Tweet) -> float:
    t = iso_to_epoch(tweet.created_at)
    if t is None:  # ask for tweet.fields=created_at; else derive it from the snowflake id
        return snowflake_time(tweet.id)
    return t


def snowflake_time(tweet_id: str) -> float:
    """Epoch seconds encoded in a tweet id (ids after Nov 2010 are snowflakes)."""
    number = id_number(tweet_id)
    if number is None:
        raise DecodeError(f"x: tweet id {tweet_id[:40]!r} is not a numeric id")
    return ((number >> 22) + 1288834974657) / 1000.0


def _post(tweet: _Tweet, users: dict[str, _User]) -> Post:
    note = tweet.note_tweet
    text = html.unescape(note.text if note is not None and note.text else tweet.text)
    text = clip(text)
    ent = (note.entities if note is not None and note.entities else tweet.entities) or _Entities()
    kinds = {r.type: r.id for r in tweet.referenced_tweets if r.id}
    parent = kinds.get("replied_to")
    root = tweet.conversation_id or parent
    links = [u.unwound_url or u.expanded_url or u.url for u in ent.urls]
    return Post(
        network="x", uri=uri_of(tweet.id), author=_author(tweet.author_id, users), text=text,
        created_at=_time(tweet), langs=(tweet.lang,) if tweet.lang and tweet.lang != "und" else (),
        reply_parent=uri_of(parent) if parent else None,
        reply_root=uri_of(root) if parent and root else None,
        quote_of=uri_of(kinds["quoted"]) if "quoted" in kinds else None,
        hashtags=dedupe([h.tag for h in ent.hashtags] + hashtags_in(text)),
        mentions=dedupe([m.username for m in ent.mentions] + mentions_in(text)),
        links=dedupe([u for u in links if u] + [u for u in links_in(text) if "//t.co/" not in u]),
        cursor=tweet.id,
    )


def stream_errors(raw: bytes | str) -> list[dict[str, object]]:
    """The ``errors`` array of a stream message (e.g. an operational disconnect), or ``[]``."""
    msg = decode_message(raw)
    return msg.errors if msg is not None else []
