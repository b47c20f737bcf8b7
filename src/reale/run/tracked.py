"""The set of posts Reale follows (mentions and their conversations), bounded: the oldest are
forgotten first. Interactions are kept only when they touch a tracked post."""

from __future__ import annotations

from collections import OrderedDict


class TrackedPosts:
    """A bounded, insertion-ordered set of post URIs.

    >>> t = TrackedPosts(capacity=2)
    >>> t.update("a"); t.update("b"); t.update("c")
    >>> "a" in t, "c" in t
    (False, True)
    """

    def __init__(self, capacity: int = 200_000) -> None:
        self._cap = capacity
        self._uris: OrderedDict[str, None] = OrderedDict()

    def update(self, uri: str) -> None:
        if uri in self._uris:
            self._uris.move_to_end(uri)
            return
        self._uris[uri] = None
        if len(self._uris) > self._cap:
            self._uris.popitem(last=False)

    def __contains__(self, uri: object) -> bool:
        return uri in self._uris

    def __len__(self) -> int:
        return len(self._uris)

    def get(self) -> list[str]:
        return list(self._uris)
