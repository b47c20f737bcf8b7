"""Author profiles as the networks return them, parsed into one :class:`Profile` (pure, no I/O):
Bluesky ``app.bsky.actor.getProfiles``, the Mastodon account object, X API v2 user objects."""

from __future__ import annotations

import msgspec

from reale.errors import DecodeError
from reale.sources.text import iso_to_epoch, why


class Profile(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    network: str
    id: str
    handle: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    created_at: float | None = None
    fetched_at: float = 0.0
    found: bool = True  # False: the network said this account does not exist (or is hidden)


def iso_time(text: str | None) -> float | None:
    """Seconds since the epoch from an ISO 8601 time (``Z`` or an offset; naive means UTC)."""
    return iso_to_epoch(text) if text else None



class _BskyProfile(msgspec.Struct):
    # field names as on the wire
    did: str
    handle: str = ""
    followersCount: int | None = None
    followsCount: int | None = None
    postsCount: int | None = None
    createdAt: str | None = None


class _BskyProfiles(msgspec.Struct):
    profiles: list[_BskyProfile] = []


class _MastodonAccount(msgspec.Struct):
    id: str
    username: str = ""
    acct: str = ""
    followers_count: int | None = None
    following_count: int | None = None
    statuses_count: int | None = None
    created_at: str | None = None


class _XMetrics(msgspec.Struct):
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None


class _XUser(msgspec.Struct):
    id: str
    username: str = ""
    created_at: str | None = None
    public_metrics: _XMetrics | None = None


class _XError(msgspec.Struct):
    value: str | None = None
    resource_id: str | None = None


class _XUsers(msgspec.Struct):
    data: list[_XUser] = []
    errors: list[_XError] = []


def _decode(raw: bytes | str, kind: type, what: str) -> object:
    try:
        return msgspec.json.decode(raw, type=kind)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        raise DecodeError(f"{what}: not a valid payload: {why(exc)}") from exc


def parse_bluesky_profiles(raw: bytes | str, fetched_at: float = 0.0) -> list[Profile]:
    doc = _decode(raw, _BskyProfiles, "bluesky getProfiles")
    assert isinstance(doc, _BskyProfiles)
    return [Profile(network="bluesky", id=p.did, handle=p.handle, followers=p.followersCount,
                    following=p.followsCount, posts=p.postsCount, created_at=iso_time(p.createdAt),
                    fetched_at=fetched_at) for p in doc.profiles]


def parse_mastodon_account(raw: bytes | str, fetched_at: float = 0.0) -> Profile:
    a = _decode(raw, _MastodonAccount, "mastodon account")
    assert isinstance(a, _MastodonAccount)
    return Profile(network="mastodon", id=a.id, handle=a.acct or a.username,
                   followers=a.followers_count, following=a.following_count,
                   posts=a.statuses_count, created_at=iso_time(a.created_at), fetched_at=fetched_at)


def parse_x_users(raw: bytes | str, fetched_at: float = 0.0) -> tuple[list[Profile], list[str]]:
    """Profiles found, and the ids the API reported as not found."""
    doc = _decode(raw, _XUsers, "x users")
    assert isinstance(doc, _XUsers)
    found = []
    for u in doc.data:
        m = u.public_metrics or _XMetrics()
        found.append(Profile(network="x", id=u.id, handle=u.username, followers=m.followers_count,
                             following=m.following_count, posts=m.tweet_count,
                             created_at=iso_time(u.created_at), fetched_at=fetched_at))
    missing = [e.resource_id or e.value or "" for e in doc.errors]
    return found, [m for m in missing if m]
