"""The desk's records: a reply and its target, each decision taken on it, each publication.

They are frozen ``msgspec.Struct``s like the pipeline's events, stored by the desk repository and
emitted as events (``Decision`` is the audit trail: who, with which role, when, what, and why).
"""

from __future__ import annotations

import hashlib
from typing import Literal

import msgspec

ReplyState = Literal["draft", "submitted", "sent_back", "approved", "published", "withdrawn"]
Action = Literal[
    "draft", "edit", "submit", "approve", "send_back", "approve_and_send", "publish", "withdraw"
]


class Target(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The post a reply answers. ``uri`` uses Reale's URI scheme (``at://``, status URI, ``x://``).

    Optional network details save a lookup: Bluesky ``cid`` and ``root_uri``/``root_cid``, the
    Mastodon status id on the brand's own instance (``remote_id``).
    """

    network: str
    uri: str
    cid: str = ""
    root_uri: str = ""
    root_cid: str = ""
    remote_id: str = ""
    author_handle: str = ""


class Reply(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A reply being written, approved and published by the team."""

    id: str
    brand: str
    account: str  # the publishing account's name in the config
    target: Target
    text: str
    lang: str = "en"
    kind: str = ""  # the opportunity's kind: appeal, praise, complaint, question, moment
    opportunity_id: str = ""
    state: ReplyState = "draft"
    created_by: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    post_created_at: float | None = None  # when the author posted: the start of response time
    further: bool = False  # written knowingly as another reply to a post already answered


class Decision(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One recorded decision on a reply: the audit trail of the approval workflow."""

    id: str
    reply_id: str
    action: str  # Action
    actor: str
    role: str
    at: float
    comment: str = ""
    text_digest: str = ""  # sha256 of the reply text the decision was about


class Publication(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What happened when an approved reply went out (or would have, in dry-run)."""

    reply_id: str
    network: str
    account: str
    state: str  # "sent", "dry_run", "pending", "failed" (certainly not posted: see claims)
    idempotency_key: str
    decision_id: str = ""
    remote_id: str = ""
    remote_uri: str = ""
    attempts: int = 0
    at: float = 0.0
    request: str = ""  # JSON of what was (or would be) sent, secrets excluded


class Member(msgspec.Struct, frozen=True):
    """A person on the team and their role."""

    name: str
    role: str


def digest(text: str) -> str:
    """The sha256 of a reply text (decisions and approvals are bound to the exact text)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


__all__ = ["Action", "Decision", "Member", "Publication", "Reply", "ReplyState", "Target", "digest"]
