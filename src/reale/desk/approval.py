"""The approval workflow: draft → submitted → approved (or sent back with a comment) → published.

Every step is a recorded :class:`Decision` (who, with which role, when, what, why). Publishing
clients accept only an :class:`ApprovedReply`, which only :meth:`ApprovalWorkflow.approve` (and
``approve_and_send``) can mint, sealed with the workflow's key and re-checked against the decision
log before anything is sent: see docs/approval.md.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from typing import Any, NoReturn, Protocol

import msgspec

from reale.clock import Clock
from reale.desk.gone import check_target
from reale.desk.one_reply import check_single, sent_sibling
from reale.desk.records import Decision, Member, Publication, Reply, Target, digest
from reale.desk.repository import DeskRepository
from reale.desk.roles import Role, parse_role, require
from reale.errors import ApprovalRequired, DeskError, DeskInputError, DuplicateReply

_MINT = object()  # the capability: only this module holds it
APPROVING = ("approve", "approve_and_send")
EDITABLE = ("draft", "sent_back", "submitted")
MAX_TEXT = 10_000


class ApprovedReply:
    """A reply with a recorded approval: the only thing a publisher will send.

    It cannot be built outside this module (the constructor checks a private capability), it
    cannot be changed, copied or pickled, and its seal binds the exact text to the decision.
    """

    __slots__ = ("_seal", "approved_at", "approved_by", "decision_id", "reply")
    reply: Reply
    decision_id: str
    approved_by: str
    approved_at: float
    _seal: str

    def __init__(self, *, reply: Reply, decision_id: str, approved_by: str, approved_at: float,
                 seal: str, _capability: object = None) -> None:
        if _capability is not _MINT:
            raise ApprovalRequired(
                "an ApprovedReply can only come from ApprovalWorkflow.approve(): "
                "submit the reply and have an approver approve it", code="appr.only_workflow")
        for name, value in (("reply", reply), ("decision_id", decision_id),
                            ("approved_by", approved_by), ("approved_at", approved_at),
                            ("_seal", seal)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise ApprovalRequired("an ApprovedReply cannot be changed; edit the reply and re-approve",
                               code="appr.frozen")

    def __reduce__(self) -> NoReturn:
        raise ApprovalRequired("an ApprovedReply cannot be copied; ask the workflow for it again",
                               code="appr.no_copy")

    @property
    def reply_id(self) -> str:
        return self.reply.id

    @property
    def text(self) -> str:
        return self.reply.text

    def __repr__(self) -> str:
        return f"ApprovedReply({self.reply.id!r}, decision={self.decision_id!r}, by={self.approved_by!r})"


class SendsApproved(Protocol):
    """Anything that publishes an approved reply (the publishers in :mod:`reale.publish`)."""

    async def publish(self, approved: ApprovedReply) -> Publication: ...


def _new_id() -> str:
    return uuid.uuid4().hex


class ApprovalWorkflow:
    """Drives replies through their states for a team, recording every decision.

    It is also the publishers' gate: :meth:`verify` refuses anything the log does not back.
    """

    def __init__(self, repo: DeskRepository, *, clock: Clock,
                 new_id: Callable[[], str] = _new_id, secret: bytes | None = None) -> None:
        self._repo = repo
        self._clock = clock
        self._new_id = new_id
        self._key = secret or secrets.token_bytes(32)

    @property
    def repository(self) -> DeskRepository:
        return self._repo

    # -- the team -------------------------------------------------------------------------------
    def add_member(self, admin: str, name: str, role: str) -> Member:
        """An admin adds someone to the team or changes their role."""
        require(self._repo.role_of(admin), "manage_team", who=admin)
        member = Member(name, parse_role(role).value)
        self._repo.put_member(member)
        return member

    def _role(self, actor: str, action: str) -> Role:
        return require(self._repo.role_of(actor), action, who=actor)

    # -- the reply's life -----------------------------------------------------------------------
    def _decision(self, reply: Reply, action: str, actor: str, role: Role, comment: str) -> Decision:
        if "\x00" in comment:
            raise DeskInputError("a comment cannot hold a NUL character (\\x00)",
                                 code="reply.comment_nul")
        return Decision(id=self._new_id(), reply_id=reply.id, action=action, actor=actor,
                        role=role.value, at=self._clock.now(), comment=comment,
                        text_digest=digest(reply.text))

    def _load(self, reply_id: str) -> Reply:
        reply = self._repo.get_reply(reply_id)
        if reply is None:
            raise DeskError(f"no reply with id {reply_id!r}", code="err.no_reply",
                            values={"id": repr(reply_id)})
        return reply

    @staticmethod
    def _check_text(text: str) -> str:
        text = text.strip()
        if not text:
            raise DeskInputError("a reply needs some text", code="reply.empty")
        if len(text) > MAX_TEXT:
            raise DeskInputError(f"a reply of {len(text)} characters is too long "
                                 f"(at most {MAX_TEXT})", code="reply.too_long",
                                 values={"n": len(text), "most": MAX_TEXT})
        if "\x00" in text:  # PostgreSQL cannot store it; no reply a person means holds one
            raise DeskInputError("a reply cannot hold a NUL character (\\x00)", code="reply.nul")
        return text

    def draft(self, actor: str, *, brand: str, account: str, target: Target, text: str,
              lang: str = "en", kind: str = "", opportunity_id: str = "",
              post_created_at: float | None = None, further: bool = False) -> Reply:
        """A responder (or above) starts a reply; ``further``: knowingly another reply to a post
        already answered (without it, a second reply to a post cannot be submitted, approved or
        published past the first: see :mod:`reale.desk.one_reply`)."""
        role = self._role(actor, "draft")
        now = self._clock.now()
        reply = Reply(id=self._new_id(), brand=brand, account=account, target=target,
                      text=self._check_text(text), lang=lang, kind=kind,
                      opportunity_id=opportunity_id, state="draft", created_by=actor,
                      created_at=now, updated_at=now, post_created_at=post_created_at,
                      further=further)
        self._repo.insert_reply(reply, self._decision(reply, "draft", actor, role, ""))
        return reply

    def _move(self, reply: Reply, action: str, actor: str, role: Role, comment: str,
              **changes: Any) -> Reply:
        new = msgspec.structs.replace(reply, updated_at=self._clock.now(), **changes)
        self._repo.transition(new, reply.state, self._decision(new, action, actor, role, comment))
        return new

    def _expect(self, reply: Reply, states: tuple[str, ...], action: str) -> None:
        if reply.state not in states:
            raise DeskError(f"cannot {action} reply {reply.id}: it is {reply.state} "
                            f"(only a reply that is {' or '.join(states)} can be)",
                            code="desk.state", values={
                                "action": {"key": f"act.{action}"}, "reply": reply.id,
                                "state": {"key": f"st.{reply.state}"},
                                "states": [{"key": f"st.{s}"} for s in states]})

    def edit(self, actor: str, reply_id: str, text: str, comment: str = "") -> Reply:
        """Change the text; an edit after submission sends the reply back to draft."""
        role = self._role(actor, "edit")
        reply = self._load(reply_id)
        self._expect(reply, (*EDITABLE, "approved"), "edit")
        return self._move(reply, "edit", actor, role, comment, text=self._check_text(text),
                          state="draft")

    def submit(self, actor: str, reply_id: str, comment: str = "") -> Reply:
        role = self._role(actor, "submit")
        reply = self._load(reply_id)
        self._expect(reply, ("draft", "sent_back"), "submit")
        check_single(self._repo, reply, "submit")
        return self._move(reply, "submit", actor, role, comment, state="submitted")

    def send_back(self, actor: str, reply_id: str, comment: str) -> Reply:
        """An approver returns a submitted reply with a comment saying what to change."""
        role = self._role(actor, "send_back")
        if not comment.strip():
            raise DeskInputError("sending a reply back needs a comment saying what to change",
                                 code="reply.send_back_comment")
        reply = self._load(reply_id)
        self._expect(reply, ("submitted",), "send back")
        return self._move(reply, "send_back", actor, role, comment.strip(), state="sent_back")

    def withdraw(self, actor: str, reply_id: str, comment: str = "") -> Reply:
        role = self._role(actor, "withdraw")
        reply = self._load(reply_id)
        self._expect(reply, (*EDITABLE, "approved"), "withdraw")
        return self._move(reply, "withdraw", actor, role, comment, state="withdrawn")

    def approve(self, actor: str, reply_id: str, comment: str = "") -> ApprovedReply:
        """An approver approves a submitted reply; the result is what publishers accept."""
        role = self._role(actor, "approve")
        reply = self._load(reply_id)
        self._expect(reply, ("submitted",), "approve")
        check_single(self._repo, reply, "approve")
        check_target(self._repo, reply, "approve")
        return self._approve(reply, "approve", actor, role, comment)

    def _approve(self, reply: Reply, action: str, actor: str, role: Role,
                 comment: str) -> ApprovedReply:
        new = msgspec.structs.replace(reply, updated_at=self._clock.now(), state="approved")
        decision = self._decision(new, action, actor, role, comment)
        self._repo.transition(new, reply.state, decision)
        return self._mint(new, decision)

    async def approve_and_send(self, actor: str, reply_id: str, publisher: SendsApproved, *,
                               text: str | None = None, comment: str = "") -> Publication:
        """Approve and publish in one step (an approver's own real-time answer)."""
        role = self._role(actor, "approve_and_send")
        reply = self._load(reply_id)
        self._expect(reply, EDITABLE, "approve and send")
        check_single(self._repo, reply, "approve and send")
        check_target(self._repo, reply, "approve and send")
        if text is not None and self._check_text(text) != reply.text:
            reply = self._move(reply, "edit", actor, role, "", text=self._check_text(text),
                               state="draft")
        approved = self._approve(reply, "approve_and_send", actor, role, comment)
        return await publisher.publish(approved)

    def approved_reply(self, reply_id: str) -> ApprovedReply:
        """The approval of a reply, re-issued from the log (to retry a publication later)."""
        reply = self._load(reply_id)
        self._expect(reply, ("approved", "published"), "publish")
        decision = self._latest_approval(reply)
        return self._mint(reply, decision)

    def history(self, reply_id: str) -> list[Decision]:
        """Every decision on a reply, oldest first."""
        return self._repo.decisions(reply_id)

    # -- the seal -------------------------------------------------------------------------------
    def _seal(self, reply: Reply, decision_id: str, approved_by: str, approved_at: float) -> str:
        payload = msgspec.json.encode([msgspec.to_builtins(reply), decision_id, approved_by,
                                       approved_at])
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()

    def _mint(self, reply: Reply, decision: Decision) -> ApprovedReply:
        return ApprovedReply(reply=reply, decision_id=decision.id, approved_by=decision.actor,
                             approved_at=decision.at,
                             seal=self._seal(reply, decision.id, decision.actor, decision.at),
                             _capability=_MINT)

    def _latest_approval(self, reply: Reply) -> Decision:
        trail = [d for d in self._repo.decisions(reply.id) if d.action != "publish"]
        if not trail or trail[-1].action not in APPROVING:
            raise ApprovalRequired(f"reply {reply.id} has no standing approval in the decision log",
                                   code="appr.none_standing", values={"reply": reply.id})
        return trail[-1]

    # -- the publishers' gate -------------------------------------------------------------------
    def verify(self, approved: object) -> ApprovedReply:
        """Return ``approved`` if the decision log backs it; raise :class:`ApprovalRequired`."""
        if not isinstance(approved, ApprovedReply):
            raise ApprovalRequired(
                f"refusing to publish a {type(approved).__name__}: only an ApprovedReply can be sent",
                code="appr.not_approved", values={"kind": type(approved).__name__})
        try:
            reply, decision_id = approved.reply, approved.decision_id
            seal_ok = hmac.compare_digest(approved._seal, self._seal(
                reply, decision_id, approved.approved_by, approved.approved_at))
        except (AttributeError, TypeError):
            seal_ok = False
        if not seal_ok:
            raise ApprovalRequired("this approval was not issued by this desk or was altered",
                                   code="appr.altered")
        self._check_log(reply, decision_id)
        return approved

    def _check_log(self, reply: Reply, decision_id: str) -> None:
        stored = self._repo.get_reply(reply.id)
        decision = self._repo.get_decision(decision_id)
        if stored is None or decision is None or decision.reply_id != reply.id:
            raise ApprovalRequired(f"no recorded approval for reply {reply.id}",
                                   code="appr.no_record", values={"reply": reply.id})
        if decision.action not in APPROVING or not parse_role(decision.role).at_least(Role.APPROVER):
            raise ApprovalRequired(f"decision {decision_id} is not an approval by an approver",
                                   code="appr.not_by_approver", values={"decision": decision_id})
        if stored.state not in ("approved", "published"):
            raise ApprovalRequired(f"reply {reply.id} is {stored.state}, not approved",
                                   code="appr.state", values={
                                       "reply": reply.id, "state": {"key": f"st.{stored.state}"}})
        if decision.text_digest != digest(reply.text) or stored.text != reply.text:
            raise ApprovalRequired(f"the text of reply {reply.id} is not the text that was approved",
                                   code="appr.text_changed", values={"reply": reply.id})
        if self._latest_approval(stored).id != decision_id:
            raise ApprovalRequired(f"approval {decision_id} of reply {reply.id} was superseded",
                                   code="appr.superseded",
                                   values={"decision": decision_id, "reply": reply.id})

    def refuse_second(self, approved: ApprovedReply, *, rehearsal: bool) -> None:
        """The publishers' last guard: refuse a reply to a post that another reply from the same
        account already went out to (or is going out to; in dry run, was rehearsed to), unless
        it was written as a further reply; and a reply to a post its author deleted."""
        check_target(self._repo, approved.reply, "publish")
        other = sent_sibling(self._repo, approved.reply, rehearsal=rehearsal)
        if other is not None:
            done = "rehearsed (dry run)" if other.state == "dry_run" else other.state
            raise DuplicateReply(
                f"not publishing reply {approved.reply_id}: reply {other.reply_id} from "
                f"{other.account} to the same post was already {done}; a further reply must be "
                "written as one (another=1)", code="reply.already_out", values={
                    "reply": approved.reply_id, "other": other.reply_id,
                    "account": other.account, "done": {"key": f"out.{other.state}"}})

    def publication_for(self, reply_id: str) -> Publication | None:
        return self._repo.get_publication(reply_id)

    def claim_publication(self, approved: ApprovedReply, publication: Publication) -> None:
        """Record a publication as pending under a claim, in the store, on the post it answers:
        across processes sharing the store only one reply to a post gets this far (a further
        reply claims a place of its own); the others get :class:`DuplicateReply`."""
        self.verify(approved)
        self._repo.claim_publication(approved.reply, publication)

    def record_publication(self, approved: ApprovedReply, publication: Publication) -> None:
        """Store a publication; a sent one moves the reply to *published* with a decision."""
        self.verify(approved)
        self._repo.put_publication(publication)
        if publication.state != "sent":
            return
        stored = self._load(approved.reply_id)
        approval = self._repo.get_decision(approved.decision_id)
        if stored.state == "approved" and approval is not None:
            new = msgspec.structs.replace(stored, state="published", updated_at=self._clock.now())
            decision = Decision(id=self._new_id(), reply_id=stored.id, action="publish",
                                actor=approval.actor, role=approval.role, at=self._clock.now(),
                                comment=publication.remote_uri, text_digest=digest(stored.text))
            self._repo.transition(new, "approved", decision)


__all__ = ["ApprovalWorkflow", "ApprovedReply", "SendsApproved"]
