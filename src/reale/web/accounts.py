"""People who can log in to the desk: argon2 password hashes in ``web_users``, roles in the desk's
team table (the approval workflow's, so the web never claims a role the desk does not know).
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from reale.desk.records import Member
from reale.desk.repository import DeskRepository
from reale.desk.roles import Role, parse_role
from reale.errors import DeskError, DeskInputError
from reale.store import Store
from reale.web.records import User

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1_024
LANGS = ("en", "it")


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise DeskInputError(f"a user name is 1-64 letters, digits, '.', '_', '@' or '-', not {name!r}",
                        code="user.name", values={"name": repr(name)})
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DeskInputError(f"a password needs at least {MIN_PASSWORD} characters",
                        code="user.password_short", values={"most": MIN_PASSWORD})
    if len(password) > MAX_PASSWORD:
        raise DeskInputError(f"a password may have at most {MAX_PASSWORD} characters",
                        code="user.password_long", values={"most": MAX_PASSWORD})
    return password


class Accounts:
    """Users, their password hashes and language; roles through the desk repository."""

    def __init__(self, store: Store, repo: DeskRepository, hasher: PasswordHasher | None = None
                 ) -> None:
        self._store = store
        self._repo = repo
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("reale: not a password of anyone")

    def add(self, name: str, password: str, role: str, lang: str = "") -> User:
        """Create a user or reset an existing one's password and role (an operator's action:
        ``reale users add``; on the web, admins go through :meth:`add_by`)."""
        name, role_ = check_name(name), parse_role(role)
        if role_ is not Role.ADMIN and self._is_last_active_admin(name):
            raise DeskError(f"{name!r} is the last active admin; make another admin first, or"
                            " the team is locked out of administration", code="user.last_admin",
                            values={"name": repr(name)})
        digest = self._hasher.hash(check_password(password))
        now = self._store.clock.now()
        with self._store.transaction() as tx:
            tx.execute("INSERT INTO web_users (name, password_hash, lang, disabled, created_at,"
                       " updated_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                       " password_hash = excluded.password_hash, disabled = 0,"
                       " updated_at = excluded.updated_at", (name, digest, _lang(lang), now, now))
        self._repo.put_member(Member(name, role_.value))
        return User(name=name, role=role_.value, lang=_lang(lang))

    def set_password(self, name: str, password: str) -> None:
        digest = self._hasher.hash(check_password(password))
        self._update(name, "password_hash = ?", digest)

    def set_lang(self, name: str, lang: str) -> None:
        self._update(name, "lang = ?", _lang(lang))

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Lock an account out or let it back in; never the last active admin's (the team would
        have no one left to manage it)."""
        if disabled and self._is_last_active_admin(name):
            raise DeskError(f"{name!r} is the last active admin; add or enable another admin"
                            " first, or the team is locked out of administration",
                            code="user.last_admin_off", values={"name": repr(name)})
        self._update(name, "disabled = ?", 1 if disabled else 0)

    def _is_last_active_admin(self, name: str) -> bool:
        admins = {u.name for u in self.users() if u.role == Role.ADMIN.value and not u.disabled}
        return admins == {name}

    def _update(self, name: str, assignment: str, value: object) -> None:
        with self._store.transaction() as tx:
            changed = tx.execute(f"UPDATE web_users SET {assignment}, updated_at = ? WHERE name = ?",
                                 (value, self._store.clock.now(), name))
        if changed != 1:
            raise DeskError(f"no user named {name!r}", code="err.no_user",
                            values={"name": repr(name)})

    def get(self, name: str) -> User | None:
        found = self._store.query("SELECT name, lang, disabled FROM web_users WHERE name = ?",
                                  (name,))
        if not found:
            return None
        role = self._repo.role_of(name)
        return User(name=found[0][0], role=role.value if role else "", lang=found[0][1] or "",
                    disabled=bool(found[0][2]))

    def users(self) -> list[User]:
        roles = {m.name: m.role for m in self._repo.members()}
        found = self._store.query("SELECT name, lang, disabled FROM web_users ORDER BY name")
        return [User(name=n, role=roles.get(n, ""), lang=lang or "", disabled=bool(d))
                for n, lang, d in found]

    def role(self, name: str) -> Role | None:
        return self._repo.role_of(name)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right and the account enabled; None otherwise. An unknown
        name costs as much time as a wrong password (no user enumeration by timing)."""
        found = self._store.query("SELECT password_hash, disabled FROM web_users WHERE name = ?",
                                  (name,)) if NAME_RE.match(name or "") else []
        digest = found[0][0] if found else self._dummy
        ok: bool
        try:
            ok = self._hasher.verify(digest, password[:MAX_PASSWORD])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or not found or found[0][1]:
            return None
        if self._hasher.check_needs_rehash(digest):
            self.set_password(name, password)
        return self.get(name)


def _lang(lang: str) -> str:
    return lang if lang in LANGS else ""


__all__ = ["Accounts", "check_name", "check_password"]
