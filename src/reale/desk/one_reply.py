"""One answer per post: the replies that already answer the post a reply is for (same account,
same post), so that the workflow and the publishers refuse a second one that was not written
knowingly as a further reply (``Reply.further``)."""

from __future__ import annotations

from reale.desk.records import Publication, Reply
from reale.desk.repository import DeskRepository
from reale.errors import DuplicateReply

LIVE = ("approved", "published")  # a reply on its way out, or out
_SCAN = 10_000


def siblings(repo: DeskRepository, reply: Reply) -> list[Reply]:
    """The other replies to the same post from the same account, oldest first."""
    if reply.opportunity_id:
        found = repo.replies(opportunity_id=reply.opportunity_id, limit=_SCAN)
    else:
        found = repo.replies(brand=reply.brand, limit=_SCAN)
    same = [r for r in found if r.id != reply.id and r.account == reply.account
            and r.target.uri == reply.target.uri]
    return sorted(same, key=lambda r: (r.created_at, r.id))


def live_sibling(repo: DeskRepository, reply: Reply) -> Reply | None:
    """The first other reply to the same post that is approved or published (None for a
    further reply, which may follow it)."""
    if reply.further:
        return None
    return next((r for r in siblings(repo, reply) if r.state in LIVE), None)


def check_single(repo: DeskRepository, reply: Reply, action: str) -> None:
    """Refuse ``action`` on a reply when another reply already answers its post."""
    other = live_sibling(repo, reply)
    if other is not None:
        raise DuplicateReply(
            f"cannot {action} reply {reply.id}: reply {other.id} to the same post is already "
            f"{other.state}; to answer again on purpose write a new reply saying so (another=1)",
            code="reply.single", values={"action": {"key": f"act.{action}"}, "reply": reply.id,
                                         "other": other.id,
                                         "state": {"key": f"st.{other.state}"}})


def sent_sibling(repo: DeskRepository, reply: Reply, *, rehearsal: bool) -> Publication | None:
    """Another reply's publication to the same post from the same account: sent or under way
    (and, when rehearsing in dry run, rehearsed). None for a further reply."""
    if reply.further:
        return None
    states = ("sent", "pending", "dry_run") if rehearsal else ("sent", "pending")
    for other in siblings(repo, reply):
        pub = repo.get_publication(other.id)
        if pub is not None and pub.state in states and pub.account == reply.account:
            return pub
    return None


__all__ = ["LIVE", "check_single", "live_sibling", "sent_sibling", "siblings"]
