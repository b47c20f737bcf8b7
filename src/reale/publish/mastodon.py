"""Mastodon: ``POST /api/v1/statuses`` with ``in_reply_to_id`` and an ``Idempotency-Key`` header
(the server returns the first status for a repeated key, so a retry never posts twice).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from reale.desk.approval import ApprovedReply
from reale.publish.base import Cleared, Publisher, idempotency_key


class MastodonPublisher(Publisher):
    """Replies from one Mastodon account (a user access token with ``write:statuses``)."""

    network = "mastodon"

    def _local_id(self, approved: ApprovedReply) -> str:
        """The status id on our own instance, when the target says or its URI shows it."""
        target = approved.reply.target
        if target.remote_id:
            return target.remote_id
        ours = urlparse(self.account.url).netloc
        parsed = urlparse(target.uri)
        last = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if parsed.netloc == ours and last.isdigit():
            return last
        return ""

    def _form(self, approved: ApprovedReply, in_reply_to_id: str) -> dict[str, str]:
        form = {"status": approved.text, "in_reply_to_id": in_reply_to_id,
                "visibility": self.account.visibility}
        if approved.reply.lang:
            form["language"] = approved.reply.lang
        return form

    def _preview(self, approved: ApprovedReply) -> dict[str, Any]:
        in_reply_to = self._local_id(approved) or f"<resolved from {approved.reply.target.uri}>"
        return {"method": "POST", "url": f"{self.account.url.rstrip('/')}/api/v1/statuses",
                "headers": {"Idempotency-Key": idempotency_key(approved.reply_id)},
                "form": self._form(approved, in_reply_to)}

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.secret}"}

    async def _resolve(self, cleared: Cleared) -> str:
        """Find the status on our instance from its URI (``/api/v2/search`` with resolve)."""
        local = self._local_id(cleared.approved)
        if local:
            return local
        uri = cleared.approved.reply.target.uri
        r = await self._call(cleared, "GET", "/api/v2/search", headers=self._auth(),
                             params={"q": uri, "type": "statuses", "resolve": "true", "limit": "1"})
        if r.status_code != 200:
            raise self._refuse(r, f"find the status {uri}", "find_status", uri)
        statuses = r.json().get("statuses") or []
        if not statuses:
            raise self._refuse(r, f"find the status {uri} (not found on this instance)",
                               "find_status_here", uri)
        return str(statuses[0]["id"])

    async def _send(self, cleared: Cleared) -> tuple[str, str]:
        in_reply_to = await self._resolve(cleared)
        headers = {**self._auth(), "Idempotency-Key": cleared.key}
        r = await self._call(cleared, "POST", "/api/v1/statuses", headers=headers,
                             data=self._form(cleared.approved, in_reply_to))
        if r.status_code != 200:
            raise self._refuse(r, "post the status", "post_status")
        status = r.json()
        return str(status["id"]), str(status.get("uri") or status.get("url") or "")

    async def _find_existing(self, cleared: Cleared) -> tuple[str, str] | None:
        return None  # the Idempotency-Key makes the retried POST return the first status


__all__ = ["MastodonPublisher"]
