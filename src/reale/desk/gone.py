"""Replies to deleted posts: the workflow and the publishers refuse to approve or send a reply
whose post its author deleted (the network would fail, and the brand would answer a post that is
gone). The repository says what is deleted when it can (the store's tombstones, docs/deletions.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

from reale.desk.records import Reply
from reale.desk.repository import DeskRepository
from reale.errors import PostDeleted


def deleted_at(repo: DeskRepository, uri: str) -> float | None:
    """When the post at ``uri`` was deleted; None when not, or when ``repo``'s database holds
    none of the store's deletions."""
    return repo.deleted_at(uri)


def check_target(repo: DeskRepository, reply: Reply, action: str) -> None:
    """Refuse ``action`` on a reply whose post was deleted by its author."""
    when = deleted_at(repo, reply.target.uri)
    if when is not None:
        day = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M UTC")
        raise PostDeleted(f"cannot {action} reply {reply.id}: its author deleted the post it "
                          f"answers ({reply.target.uri}) at {day}; withdraw the reply",
                          code="desk.post_deleted",
                          values={"action": {"key": f"act.{action}"}, "reply": reply.id,
                                  "uri": reply.target.uri, "day": day})


__all__ = ["check_target", "deleted_at"]
