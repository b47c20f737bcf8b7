"""The desk's side of a post its author deleted (docs/deletions.md): its open opportunity is
closed with the status ``deleted`` (shown as "deleted by its author"), and what the desk kept of
the post's words (the opportunity's text, the desk's reading quoting it, the bodies its decisions
kept) is erased, whether the deletion comes before or after the opportunity is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from reale.store import Tx
from reale.store.deletes import tombstones
from reale.web.records import OpportunityRecord

DELETED = "deleted"
_JSON = msgspec.json.Encoder()
_RECORD = msgspec.json.Decoder(OpportunityRecord)


def erased(r: OpportunityRecord) -> OpportunityRecord:
    """The record without the post's words (and without readings that may quote them)."""
    return msgspec.structs.replace(r, text="", reasons=(), reason_codes=(), realness=None,
                                   realness_in={})


def erased_body(body: str) -> str:
    if not body:
        return body
    try:
        return _JSON.encode(erased(_RECORD.decode(body))).decode()
    except (msgspec.DecodeError, RecursionError):
        return ""  # a body of an older shape: dropped rather than kept with the words


def close_deleted(tx: Tx, records: Sequence[OpportunityRecord]) -> list[OpportunityRecord]:
    """The records to store, those on a deleted post erased and closed as deleted."""
    gone = tombstones(tx, [r.post_uri for r in records])
    if not gone:
        return list(records)
    return [msgspec.structs.replace(erased(r), status=DELETED) if r.post_uri in gone else r
            for r in records]


NOT_SENT = "not sent: the author deleted the post"


def erase_opportunities(tx: Tx, gone: Mapping[str, float]) -> int:
    """A store eraser: opportunities on the deleted posts are erased, the open ones closed as
    deleted, and the opportunity bodies their decisions kept are erased too. Their alerts not
    delivered yet (held for quiet hours or a digest, or pending) are not sent (``dead``, with
    the reason as their last error)."""
    changed = 0
    for uri in sorted(gone):
        found = tx.query("SELECT key, id, status, body FROM opportunities WHERE post_uri = ?",
                         (uri,))
        for key, opp_id, status, body in found:
            changed += tx.execute(
                "UPDATE opportunities SET status = ?, text = '', body = ? WHERE key = ?",
                (DELETED if status == "open" else status, erased_body(body), key))
            changed += tx.execute(
                "UPDATE alert_outbox SET state = 'dead', last_error = ? WHERE dedup_key = ?"
                " AND state IN ('held', 'pending')", (NOT_SENT, f"opportunity:{opp_id}"))
            for (dec_id, dec_body) in tx.query(
                    "SELECT id, body FROM opportunity_decisions WHERE opportunity_key = ?"
                    " AND body <> ''", (key,)):
                changed += tx.execute("UPDATE opportunity_decisions SET body = ? WHERE id = ?",
                                      (erased_body(dec_body), dec_id))
    return changed


__all__ = ["DELETED", "NOT_SENT", "close_deleted", "erase_opportunities", "erased", "erased_body"]
