"""The once-per-conversation rule of moment detection: a reply or quote counts a term only if its
conversation has not counted it within the short window (a thread's chatter is not a moment), per
scope (embedded) or per ``interactions`` partition (Kafka, where a conversation is on one)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from reale.events import Post

THREAD_TERMS = 64  # terms remembered per conversation; past them, its new terms count every time


class ThreadGate:
    """Conversation -> term -> the bucket it last counted in, for the ``max_threads`` most
    recently active conversations (least recently active forgotten first)."""

    def __init__(self, max_threads: int, window_buckets: int) -> None:
        self.max_threads = max_threads
        self.window = window_buckets
        self.threads: OrderedDict[str, dict[str, int]] = OrderedDict()

    def fresh(self, thread: str, terms: Sequence[str], b: int) -> list[str]:
        """The terms conversation ``thread`` has not counted within the window before bucket
        ``b`` (remembered as counted at ``b``)."""
        seen = self.threads.get(thread)
        if seen is None:
            seen = self.threads[thread] = {}
            if len(self.threads) > self.max_threads:
                self.threads.popitem(last=False)
        else:
            self.threads.move_to_end(thread)
        out = []
        for term in terms:
            last = seen.get(term)
            if last is None or b - last >= self.window:
                out.append(term)
                if len(seen) < THREAD_TERMS or last is not None:
                    seen[term] = b
        return out

    def forget_before(self, b: int) -> None:
        """Drop what can no longer hold a term back: counts from ``window`` buckets before
        ``b``, when no post of a bucket before ``b`` will be counted any more."""
        for thread in [t for t, seen in self.threads.items()
                       if all(b - last >= self.window for last in seen.values())]:
            del self.threads[thread]

    def sizes(self) -> dict[str, int]:
        return {"threads": len(self.threads),
                "thread_terms": max((len(v) for v in self.threads.values()), default=0)}

    def state(self) -> list[Any]:
        return [[t, seen] for t, seen in self.threads.items()]  # in recency order

    def load(self, s: list[Any]) -> None:
        self.threads = OrderedDict((str(t), {str(k): int(v) for k, v in seen.items()})
                                   for t, seen in s)


def thread_of(post: Post) -> str:
    """The conversation a reply or quote belongs to ("" for an original post): its root, else
    the post it replies to, else the post it quotes (the key ``interactions`` is partitioned by)."""
    return post.reply_root or post.reply_parent or post.quote_of or ""
