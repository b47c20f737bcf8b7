"""Hashtag activity for the cascades: who used which hashtag (and when first), and how lively each
hashtag is now, as a decayed count of the accounts newly taking it up. Bounded: the least recently
used hashtags are forgotten first."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

from reale.signals.network import BoundedIndex


class TagActivity:
    """Hashtag -> its users, and its *heat*: new users, each counting ``0.5 ** (age / half_life)``.

    >>> tags = TagActivity(max_tags=100, max_users=100, half_life=600.0)
    >>> for i, t in enumerate((0.0, 10.0, 20.0)):
    ...     tags.use("carplease", f"user{i}", t)
    >>> tags.use("carplease", "user0", 30.0)  # a user's second use adds no heat
    >>> round(tags.heat("carplease", 20.0), 3), round(tags.heat("carplease", 620.0), 3)
    (2.966, 1.483)
    >>> tags.first_seen("carplease", "user1")
    10.0
    """

    __slots__ = ("_heat", "half_life", "max_tags", "users")

    def __init__(self, max_tags: int, max_users: int, half_life: float) -> None:
        self.max_tags = max_tags
        self.half_life = half_life
        self.users = BoundedIndex(max_tags, max_users)
        self._heat: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tag -> (heat, at)

    def __len__(self) -> int:
        return max(len(self.users), len(self._heat))

    def use(self, tag: str, user: str, t: float) -> None:
        """``user`` posted with ``tag`` (a :func:`tag_key`) at ``t``."""
        if self.users.first_seen(tag, user) is None:
            self._heat[tag] = (self.heat(tag, t) + 1.0, t)
            self._heat.move_to_end(tag)
            if len(self._heat) > self.max_tags:
                self._heat.popitem(last=False)
        self.users.add(tag, user, t)

    def heat(self, tag: str, t: float) -> float:
        """New users of ``tag``, decayed to time ``t`` (0 for a hashtag not seen or forgotten)."""
        h = self._heat.get(tag)
        if h is None:
            return 0.0
        value, at = h
        return value * math.pow(0.5, max(0.0, t - at) / self.half_life)

    def first_seen(self, tag: str, user: str) -> float | None:
        return self.users.first_seen(tag, user)

    def state(self) -> dict[str, Any]:
        return {"users": self.users.state(), "heat": [[k, v, a] for k, (v, a) in self._heat.items()]}

    def capture(self) -> dict[str, Any]:
        """:meth:`state` as at this instant, sharing nothing that changes later."""
        return {"users": self.users.capture(),
                "heat": [[k, v, a] for k, (v, a) in self._heat.items()]}

    def load(self, state: Any) -> None:
        """Restore :meth:`state`; a bare user list (older snapshots) restores the users only."""
        heat = state.get("heat", []) if isinstance(state, dict) else []
        self.users.load(state["users"] if isinstance(state, dict) else state)
        self._heat = OrderedDict((str(k), (float(v), float(a))) for k, v, a in heat)


def tag_key(tag: str) -> str:
    """One spelling per hashtag: lower case, without its ``#``.

    >>> tag_key("CarPlease"), tag_key("#CarPlease")
    ('carplease', 'carplease')
    """
    return tag.lower().lstrip("#")
