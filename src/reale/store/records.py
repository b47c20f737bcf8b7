"""The typed values the store takes and gives back besides the events themselves."""

from __future__ import annotations

import msgspec

from reale.events import Author, Interaction, Post


class AuthorUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """What was known about an author at ``seen_at``; the store keeps the newest sighting."""

    network: str
    author: Author
    seen_at: float


class CursorUpdate(msgspec.Struct, frozen=True):
    """A source's position, written in the same transaction as the events before it."""

    source_id: str
    cursor: str


class WriteResult(msgspec.Struct, frozen=True, kw_only=True):
    """Rows a batch added or changed per table (a re-written batch adds none)."""

    posts: int = 0
    authors: int = 0
    mentions: int = 0
    interactions: int = 0
    cursors: int = 0
    other: int = 0  # rows written by writers that later parts registered
    deletions: int = 0  # deletions not seen before (tombstones added)
    deleted: int = 0  # posts erased: deleted now, or stored now after their deletion
    unknown_deletions: int = 0  # deletions of posts the store does not hold (yet)

    @property
    def rows(self) -> int:
        return (self.posts + self.authors + self.mentions + self.interactions + self.cursors
                + self.other + self.deletions + self.deleted)


class Bucket(msgspec.Struct, frozen=True, array_like=True):
    """One step of a time series: ``count`` events in ``[start, start + width)``."""

    start: float
    count: int


class AuthorCount(msgspec.Struct, frozen=True, kw_only=True):
    """An author and how many of a brand's mentions they wrote."""

    network: str
    author: Author
    mentions: int


class Conversation(msgspec.Struct, frozen=True, kw_only=True):
    """A thread: its root post (when stored), the posts replying into it and the interactions."""

    root_uri: str
    root: Post | None
    replies: tuple[Post, ...]
    interactions: tuple[Interaction, ...]
