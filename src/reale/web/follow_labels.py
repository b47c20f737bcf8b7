"""Labels that land after their mention was sent: on Kafka the matcher stores a mention before a
``stages`` worker labels it. The store follower remembers what each sent row showed and, when
the post's labels change what the row shows, sends the row again as an update (once per change).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, cast

from reale.store import Store
from reale.web.follow_reads import READ_TIMEOUT, Fetched, bound, fetch_mentions
from reale.web.marks import Marks

SHOWN = ("lang", "sentiment", "intent")  # what a label change can change on a feed row (in order)
Shown = tuple[Any, ...]
MentionKey = tuple[str, str]  # (brand, post_uri)


def shown(payload: dict[str, Any]) -> Shown:
    """The labels a live-feed row shows."""
    return tuple(payload.get(k) for k in SHOWN)


class LabelUpdates:
    """Follows the ``labels`` table for the mentions the follower sent. :meth:`sent` records a
    mention row as published; :meth:`poll` reads the labels stored since the last poll (newest
    first, at most ``cap``, as the other tables) and returns the sent rows whose labels changed,
    each as the mention's payload again with ``"update": True``."""

    def __init__(self, *, lookback: float, cap: int, remember: int = 50_000) -> None:
        self.marks = Marks(lookback=lookback, cap=cap)
        self.remember = max(1, remember)
        self._started = False
        self._rows: OrderedDict[str, dict[str, Shown]] = OrderedDict()  # uri -> brand -> shown

    def sent(self, key: Hashable, payload: Any) -> None:
        """A mention row ``(brand, post_uri)`` the live feed got, with what it showed."""
        brand, uri = cast(MentionKey, key)
        rows = self._rows.get(uri)
        if rows is None:
            rows = self._rows[uri] = {}
            while len(self._rows) > self.remember:
                self._rows.popitem(last=False)
        rows[brand] = shown(payload)

    def poll(self, store: Store,
             fetch: Callable[[Store, Sequence[Hashable]], Fetched] = fetch_mentions) -> Fetched:
        """The sent rows whose labels changed since they were sent, oldest labels first."""
        found_rows = store.query(
            "SELECT post_uri, stored_at, lang, sentiment, intent FROM labels WHERE stored_at >= ?"
            " ORDER BY stored_at DESC, post_uri DESC LIMIT ?",
            (bound(self.marks.lower()), int(self.marks.cap)), timeout=READ_TIMEOUT)
        rows = [(str(r[0]), float(r[1])) for r in found_rows]
        if not self._started:
            self.marks.start(rows)
            self._started = True
            return []
        stored = {str(r[0]): (str(r[2]), str(r[3]), str(r[4])) for r in found_rows}
        order = {str(uri): i for i, (uri, _) in enumerate(self.marks.fresh(rows))}
        keys = [(brand, uri) for uri in order for brand, was in self._rows.get(uri, {}).items()
                if _may_change(was, stored[uri])]
        found = [(cast(MentionKey, k), p) for k, p in (fetch(store, keys) if keys else [])]
        found.sort(key=lambda kp: order[kp[0][1]])
        out: Fetched = []
        for (brand, uri), payload in found:
            now = shown(payload)
            if now != self._rows[uri].get(brand):
                self._rows[uri][brand] = now
                out.append(((brand, uri), {**payload, "update": True}))
        self.marks.update(rows)  # only once handed on: a failed fetch is read again next time
        return out

    @property
    def capped(self) -> int:
        return self.marks.capped


def _may_change(was: Shown, labels: tuple[str, str, str]) -> bool:
    """Whether stored labels ``(lang, sentiment, intent)`` may change a row that showed ``was``
    (a row falls back to the post's language when the labels have none): only those rows are
    read again, as mentions, and compared in full."""
    lang, sentiment, intent = labels
    return (sentiment, intent) != (was[1], was[2]) or (bool(lang) and lang != was[0])


__all__ = ["LabelUpdates", "shown"]
