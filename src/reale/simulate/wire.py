"""Jetstream v1 JSON lines, byte-for-byte in the shape the real service sends.

Likes, reposts, follows, deletes, identity and account events are all-ASCII and formatted
directly; post records (free text) go through :func:`reale.simulate.records.encode_record`.
"""

from __future__ import annotations

LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
BLOCK = "app.bsky.graph.block"
POST = "app.bsky.feed.post"


def post_uri(did: str, rkey: str, collection: str = POST) -> str:
    return f"at://{did}/{collection}/{rkey}"


def commit_line(did: str, time_us: int, rev: str, collection: str, rkey: str, record: str,
                cid: str) -> str:
    """A ``create`` commit carrying ``record`` (already JSON)."""
    return (f'{{"did":"{did}","time_us":{time_us},"kind":"commit","commit":{{"rev":"{rev}",'
            f'"operation":"create","collection":"{collection}","rkey":"{rkey}",'
            f'"record":{record},"cid":"{cid}"}}}}')


def subject_record(collection: str, created: str, subject_cid: str, subject_uri: str,
                   via: tuple[str, str] | None = None) -> str:
    """A like or repost record; ``via`` is the (cid, uri) of the repost it was seen through."""
    tail = f',"via":{{"cid":"{via[0]}","uri":"{via[1]}"}}' if via else ""
    return (f'{{"$type":"{collection}","createdAt":"{created}",'
            f'"subject":{{"cid":"{subject_cid}","uri":"{subject_uri}"}}{tail}}}')


def graph_record(collection: str, created: str, subject_did: str) -> str:
    """A follow or block record (its subject is a DID)."""
    return f'{{"$type":"{collection}","createdAt":"{created}","subject":"{subject_did}"}}'


def delete_line(did: str, time_us: int, rev: str, collection: str, rkey: str) -> str:
    return (f'{{"did":"{did}","time_us":{time_us},"kind":"commit","commit":{{"rev":"{rev}",'
            f'"operation":"delete","collection":"{collection}","rkey":"{rkey}"}}}}')


def identity_line(did: str, time_us: int, handle: str, seq: int, time_iso: str) -> str:
    """An identity event; Jetstream includes the handle when the relay knows it."""
    return (f'{{"did":"{did}","time_us":{time_us},"kind":"identity","identity":{{"did":"{did}",'
            f'"handle":"{handle}","seq":{seq},"time":"{time_iso}"}}}}')


def account_line(did: str, time_us: int, seq: int, time_iso: str, active: bool = True) -> str:
    flag = "true" if active else "false"
    return (f'{{"did":"{did}","time_us":{time_us},"kind":"account","account":{{"active":{flag},'
            f'"did":"{did}","seq":{seq},"time":"{time_iso}"}}}}')
