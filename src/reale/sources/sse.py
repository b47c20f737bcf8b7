"""Server-Sent Events framing (pure): ``event:``/``data:`` lines, blank line dispatches, ``:``
comments are heartbeats. Used by the Mastodon streaming client."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: str


class SseDecoder:
    """Feed lines (without their line ending); get complete events back.

    >>> d = SseDecoder()
    >>> [d.feed(x) for x in [":thump", "event: update", "data: {}", ""]]
    [None, None, None, SseEvent(event='update', data='{}')]
    >>> d.heartbeats
    1
    """

    def __init__(self, max_data: int = 4 * 1024 * 1024) -> None:
        self.max_data = max_data
        self.heartbeats = 0
        self.oversized = 0
        self._event = ""
        self._data: list[str] = []
        self._size = 0

    def reset(self) -> None:
        """Forget a half-received event (a new connection starts clean); counters stay."""
        self._event, self._data, self._size = "", [], 0

    def drop_event(self) -> None:
        """A line of the current event was too long to read: the event is dropped (counted in
        ``oversized`` when it ends)."""
        self._data, self._size = [""], self.max_data + 1

    def feed(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.heartbeats += 1
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._size += len(value)
            if self._size <= self.max_data:  # an oversized event is dropped, not buffered
                self._data.append(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        event, data, size = self._event or "message", "\n".join(self._data), self._size
        had = bool(self._data)
        self._event, self._data, self._size = "", [], 0
        if not had:
            return None
        if size > self.max_data:
            self.oversized += 1
            return None
        return SseEvent(event, data)
