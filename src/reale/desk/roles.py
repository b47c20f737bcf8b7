"""Who may do what on the desk: viewer, responder, approver, admin (each can do what the one before
can). A role is checked against the team list in the repository, never taken from the caller.
"""

from __future__ import annotations

from enum import StrEnum

from reale.errors import DeskError, DeskInputError


class Role(StrEnum):
    VIEWER = "viewer"
    RESPONDER = "responder"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.VIEWER: 0, Role.RESPONDER: 1, Role.APPROVER: 2, Role.ADMIN: 3}

# The least role each action needs.
NEEDS: dict[str, Role] = {
    "view": Role.VIEWER,
    "draft": Role.RESPONDER,
    "edit": Role.RESPONDER,
    "submit": Role.RESPONDER,
    "withdraw": Role.RESPONDER,
    "approve": Role.APPROVER,
    "send_back": Role.APPROVER,
    "approve_and_send": Role.APPROVER,
    "manage_team": Role.ADMIN,
}


def parse_role(value: str) -> Role:
    """A :class:`Role` from its name; a clear :class:`DeskInputError` (what was written is
    wrong, a 400 on the desk) for anything else."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise DeskInputError(f"unknown role {value!r}: use one of {names}", code="user.role",
                             values={"role": repr(value),  # said in the reader's words
                                     "allowed": [{"key": f"rl.{r.value}"} for r in Role]}
                             ) from None


def require(role: Role | None, action: str, *, who: str) -> Role:
    """Return ``role`` if it may do ``action``; raise :class:`DeskError` naming who and why not."""
    needed = NEEDS[action]
    if role is None:
        raise DeskError(f"{who!r} is not on the team: an admin must add them before they can {action}",
                        code="desk.not_on_team",
                        values={"who": repr(who), "action": {"key": f"act.{action}"}})
    if not role.at_least(needed):
        raise DeskError(f"{who!r} is a {role.value}: only a {needed.value} or above can {action}",
                        code="desk.role_low", values={
                            "who": repr(who), "role": {"key": f"rl.{role.value}"},
                            "needed": {"key": f"rl.{needed.value}"},
                            "action": {"key": f"act.{action}"}})
    return role


__all__ = ["NEEDS", "Role", "parse_role", "require"]
