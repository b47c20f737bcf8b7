"""Sources: live streams and recordings turned into :class:`~reale.events.Post` and
:class:`~reale.events.Interaction` events.

Per network a pure parser (``jetstream``, ``mastodon``, ``xstream``: bytes → events) and a client
(``*_client``: I/O, reconnect with back-off, cursor persisted through a :class:`CursorStore`).
The runner builds clients with :func:`build_sources`, iterates :class:`SourceItem`s, ``ack``s
each processed item and ``commit``s after its store flush (see ``docs/sources.md``).
"""

from reale.sources.base import (
    Backoff,
    CursorStore,
    MemoryCursorStore,
    Source,
    SourceItem,
    SourceStats,
)
from reale.sources.factory import build_sources
from reale.sources.merge import MergedSource
from reale.sources.replay import ReplaySource, iter_file_events, iter_file_posts

__all__ = [
    "Backoff",
    "CursorStore",
    "MemoryCursorStore",
    "MergedSource",
    "ReplaySource",
    "Source",
    "SourceItem",
    "SourceStats",
    "build_sources",
    "iter_file_events",
    "iter_file_posts",
]
