"""Sessions: a random token in a signed, HttpOnly, SameSite=Lax cookie; the store keeps only the
token's hash, the user, a CSRF token (synchronizer pattern) and the expiry times.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import msgspec

from reale.clock import Clock
from reale.store import Store

COOKIE = "reale_session"
LOGIN_CSRF_COOKIE = "reale_login_csrf"


class Session(msgspec.Struct, frozen=True, kw_only=True):
    user: str
    csrf: str
    created_at: float
    expires_at: float


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Signer:
    """HMAC-SHA256 signatures of cookie values (so a forged cookie never reaches the store)."""

    def __init__(self, secret: bytes) -> None:
        self._key = secret

    def sign(self, value: str) -> str:
        mac = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:40]
        return f"{value}.{mac}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "." not in signed or len(signed) > 200:
            return None
        value, mac = signed.rsplit(".", 1)
        good = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:40]
        return value if hmac.compare_digest(mac, good) else None


class Sessions:
    """Server-side sessions with an absolute and an idle expiry (times from the injected clock)."""

    def __init__(self, store: Store, clock: Clock, *, lifetime: float, idle: float) -> None:
        self._store = store
        self._clock = clock
        self.lifetime = lifetime
        self.idle = idle

    def create(self, user: str) -> tuple[str, Session]:
        """A new session for ``user``: the token for the cookie and the session."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        s = Session(user=user, csrf=secrets.token_urlsafe(32), created_at=now,
                    expires_at=now + self.lifetime)
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM web_sessions WHERE expires_at < ? OR last_seen < ?",
                       (now, now - self.idle))
            tx.execute("INSERT INTO web_sessions (id_hash, user_name, csrf, created_at, last_seen,"
                       " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (_hash(token), user, s.csrf, now, now, s.expires_at))
        return token, s

    def get(self, token: str | None) -> Session | None:
        """The live session of a token (and its idle timer restarted), or None."""
        if not token:
            return None
        now = self._clock.now()
        found = self._store.query("SELECT user_name, csrf, created_at, last_seen, expires_at"
                                  " FROM web_sessions WHERE id_hash = ?", (_hash(token),))
        if not found:
            return None
        user, csrf, created, last_seen, expires = found[0]
        if now >= float(expires) or now - float(last_seen) > self.idle:
            self.end(token)
            return None
        if now - float(last_seen) > 60:  # refresh the idle timer at most once a minute
            with self._store.transaction() as tx:
                tx.execute("UPDATE web_sessions SET last_seen = ? WHERE id_hash = ?",
                           (now, _hash(token)))
        return Session(user=user, csrf=csrf, created_at=float(created), expires_at=float(expires))

    def end(self, token: str) -> None:
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM web_sessions WHERE id_hash = ?", (_hash(token),))

    def end_all(self, user: str) -> None:
        """Log a user out everywhere (password change, role change, account disabled)."""
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM web_sessions WHERE user_name = ?", (user,))


__all__ = ["COOKIE", "LOGIN_CSRF_COOKIE", "Session", "Sessions", "Signer"]
