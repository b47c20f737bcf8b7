"""Bounded memories of who did what before: the accounts that interacted with an author (their
close network) and the accounts that recently used a hashtag. Both forget the least recently
touched entries first, so memory stays flat however long the stream runs."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import msgspec

_ROW = msgspec.msgpack.Encoder()


class BoundedIndex:
    """key -> {member: first time seen}, at most ``max_keys`` keys and ``max_members`` each.

    >>> ix = BoundedIndex(max_keys=2, max_members=2)
    >>> ix.add("alice", "bob", 1.0); ix.add("alice", "bob", 5.0); ix.first_seen("alice", "bob")
    1.0
    >>> ix.add("alice", "carol", 2.0); ix.add("alice", "dan", 3.0); ix.first_seen("alice", "bob") is None
    True
    """

    __slots__ = ("_dirty", "_keys", "_rows", "max_keys", "max_members")

    def __init__(self, max_keys: int, max_members: int) -> None:
        self.max_keys = max_keys
        self.max_members = max_members
        self._keys: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()
        # each key's snapshot row, encoded when it last changed (see ``capture``)
        self._rows: dict[str, msgspec.Raw] = {}
        self._dirty: set[str] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, member: str, t: float) -> None:
        members = self._keys.get(key)
        self._dirty.add(key)
        if members is None:
            members = self._keys[key] = OrderedDict()
            if len(self._keys) > self.max_keys:
                gone, _ = self._keys.popitem(last=False)
                self._rows.pop(gone, None)
                self._dirty.discard(gone)
        else:
            self._keys.move_to_end(key)
        if member in members:
            members.move_to_end(member)
            return
        members[member] = t
        if len(members) > self.max_members:
            members.popitem(last=False)

    def first_seen(self, key: str, member: str) -> float | None:
        members = self._keys.get(key)
        return None if members is None else members.get(member)

    def members(self, key: str) -> list[str]:
        return list(self._keys.get(key, ()))

    def state(self) -> list[Any]:
        return [[k, list(m.items())] for k, m in self._keys.items()]

    def capture(self) -> list[msgspec.Raw]:
        """:meth:`state` as at this instant, each key's row encoded (only those changed since
        the last capture are encoded now): nothing in it changes later."""
        for key in self._dirty:
            members = self._keys.get(key)
            if members is not None:
                self._rows[key] = msgspec.Raw(_ROW.encode([key, list(members.items())]))
        self._dirty.clear()
        return [self._rows[key] for key in self._keys]

    def load(self, state: list[Any]) -> None:
        self._keys.clear()
        self._rows.clear()
        for key, members in state:
            self._keys[str(key)] = OrderedDict((str(m), float(t)) for m, t in members)
        self._dirty = set(self._keys)
