"""The source role's cursors on Kafka: a cursor marks what *this* deployment's topics received,
so it is kept under the source's id qualified by the topic prefix (``kafka[acme-]:replay:x``).
The default prefix keeps the bare id, which existing deployments (and ``reale run``) wrote."""

from __future__ import annotations

from reale.sources.base import CursorStore


def cursor_key(prefix: str, source_id: str) -> str:
    """Where a source's cursor lives for the topics with ``prefix`` (``""``: the bare id)."""
    return f"kafka[{prefix}]:{source_id}" if prefix else source_id


class TopicCursors:
    """A :class:`CursorStore` that files each source's cursor under :func:`cursor_key`."""

    def __init__(self, store: CursorStore, prefix: str) -> None:
        self.store = store
        self.prefix = prefix

    def get_cursor(self, source_id: str) -> str | None:
        return self.store.get_cursor(cursor_key(self.prefix, source_id))

    def set_cursor(self, source_id: str, cursor: str) -> None:
        self.store.set_cursor(cursor_key(self.prefix, source_id), cursor)
