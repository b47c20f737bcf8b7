"""The cross-process half of one answer per post: a claim on (account, target post) in the store,
taken in the transaction that records a publication as pending, so two desks (or a desk and a
worker) sharing one store cannot both send a reply to the same post. See docs/publishing.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reale.desk.records import Publication, Reply
from reale.errors import DuplicateReply

Run = Callable[[str, tuple[Any, ...]], int]  # execute a statement; the rows it changed
One = Callable[[str, tuple[Any, ...]], "tuple[Any, ...] | None"]  # the first row of a query

RELEASED = ("failed",)  # a publication that certainly did not post: its claim is free

_INSERT = ("INSERT INTO publish_claims (account, target_uri, slot, reply_id, claimed_at)"
           " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, target_uri, slot) DO NOTHING")
_HOLDER = "SELECT reply_id FROM publish_claims WHERE account = ? AND target_uri = ? AND slot = ?"
_STATE = "SELECT state FROM desk_publications WHERE reply_id = ?"
_TAKE_OVER = ("UPDATE publish_claims SET reply_id = ?, claimed_at = ?"
              " WHERE account = ? AND target_uri = ? AND slot = ? AND reply_id = ?")
RELEASE = "DELETE FROM publish_claims WHERE reply_id = ?"


def slot(reply: Reply) -> str:
    """'' for the one answer to a post; a further reply claims a place of its own (its id)."""
    return reply.id if reply.further else ""


def take(run: Run, one: One, reply: Reply, publication: Publication) -> None:
    """Claim the post ``reply`` answers for ``publication``'s account, inside the caller's
    transaction. Holding it already is fine (a retry of the same reply); a claim whose holder
    failed for certain is taken over; any other holder: :class:`DuplicateReply`."""
    key = (publication.account, reply.target.uri, slot(reply))
    run(_INSERT, (*key, reply.id, publication.at))
    row = one(_HOLDER, key)
    holder = "" if row is None else str(row[0])
    if holder == reply.id:
        return
    state_row = one(_STATE, (holder,)) if holder else None
    state = "" if state_row is None else str(state_row[0])
    if state in RELEASED and run(_TAKE_OVER, (reply.id, publication.at, *key, holder)) == 1:
        return
    raise DuplicateReply(
        f"not publishing reply {reply.id}: reply {holder or '(another)'} from "
        f"{publication.account} to the same post is already {state or 'under way'} (claimed in "
        "the store); a further reply must be written as one (another=1)", code="reply.claimed",
        values={"reply": reply.id, "other": holder or "(…)", "account": publication.account,
                "done": {"key": f"out.{state or 'pending'}"}})


__all__ = ["RELEASE", "RELEASED", "slot", "take"]
