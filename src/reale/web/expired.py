"""The desk's side of retention (``reale store prune``, docs/deletions.md): opportunities on posts
whose words the store no longer keeps lose their text and readings, and the open ones (and any
open opportunity older than the retention period) are closed as ``expired``; the copies of the
posts' words (moments' examples, aftermath evidence, alert messages) are erased too.
"""

from __future__ import annotations

from collections.abc import Mapping

from reale.store import Tx
from reale.web.copies import erase_copies
from reale.web.deleted import erased_body
from reale.web.records import OPEN

EXPIRED = "expired"


def expire_opportunities(tx: Tx, posts: Mapping[str, float], before: float) -> int:
    """A store expirer: erase the opportunities on ``posts``; close the open ones, and those
    open since before ``before`` whatever their post."""
    changed = 0
    for uri in sorted(posts):
        for key, status, body in tx.query(
                "SELECT key, status, body FROM opportunities WHERE post_uri = ?", (uri,)):
            changed += tx.execute(
                "UPDATE opportunities SET status = ?, text = '', body = ? WHERE key = ?",
                (EXPIRED if status == OPEN else status, erased_body(body), key))
            for dec_id, dec_body in tx.query(
                    "SELECT id, body FROM opportunity_decisions WHERE opportunity_key = ?"
                    " AND body <> ''", (key,)):
                changed += tx.execute("UPDATE opportunity_decisions SET body = ? WHERE id = ?",
                                      (erased_body(dec_body), dec_id))
    return changed + tx.execute("UPDATE opportunities SET status = ? WHERE status = ? AND"
                                " created_at < ?", (EXPIRED, OPEN, before))


def expire_copies(tx: Tx, posts: Mapping[str, float], before: float) -> int:
    """A store expirer: the copies of the posts' words, as for a deletion."""
    return erase_copies(tx, posts)


__all__ = ["EXPIRED", "expire_copies", "expire_opportunities"]
