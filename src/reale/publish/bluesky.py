"""Bluesky: an app-password session (``com.atproto.server.createSession``), then
``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` with reply refs, langs and facets.

The record key is a TID derived from the approved reply, so a retried create collides with the
first one; after an attempt that may have gone through, ``getRecord`` checks before posting again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reale.desk.approval import ApprovedReply
from reale.errors import PublishError
from reale.publish.base import Cleared, Publisher
from reale.publish.facets import facets, mention_handles
from reale.publish.tid import tid_for

POST = "app.bsky.feed.post"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class BlueskyPublisher(Publisher):
    """Replies from one Bluesky account (``handle`` + an app password as ``secret``)."""

    network = "bluesky"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: dict[str, str] | None = None

    @staticmethod
    def _rkey(approved: ApprovedReply) -> str:
        """The record key this reply will have (the same on every attempt)."""
        return tid_for(approved.reply_id, approved.approved_at)

    def _refs(self, approved: ApprovedReply) -> dict[str, Any]:
        t = approved.reply.target
        parent = {"uri": t.uri, "cid": t.cid or "<looked up>"}
        root = {"uri": t.root_uri or t.uri, "cid": t.root_cid or parent["cid"]}
        return {"root": root, "parent": parent}

    def _record(self, approved: ApprovedReply, refs: dict[str, Any],
                dids: dict[str, str]) -> dict[str, Any]:
        record: dict[str, Any] = {"$type": POST, "text": approved.text,
                                  "createdAt": _iso(self._clock.now()), "reply": refs}
        if approved.reply.lang:
            record["langs"] = [approved.reply.lang]
        found = facets(approved.text, dids)
        if found:
            record["facets"] = found
        return record

    def _preview(self, approved: ApprovedReply) -> dict[str, Any]:
        return {"method": "POST", "url": f"{self.account.url.rstrip('/')}/xrpc/com.atproto.repo.createRecord",
                "json": {"repo": self.account.handle, "collection": POST, "rkey": self._rkey(approved),
                         "record": self._record(approved, self._refs(approved), {})}}

    async def _login(self, cleared: Cleared, *, fresh: bool = False) -> dict[str, str]:
        if self._session is not None and not fresh:
            return self._session
        r = await self._call(cleared, "POST", "/xrpc/com.atproto.server.createSession",
                             json={"identifier": self.account.handle, "password": self.account.secret})
        if r.status_code != 200:
            raise self._refuse(r, "open a session with the app password", "open_session")
        body = r.json()
        self._session = {"did": body["did"], "jwt": body["accessJwt"]}
        return self._session

    async def _xrpc(self, cleared: Cleared, method: str, nsid: str, **kwargs: Any) -> Any:
        """An authenticated XRPC call; an expired token opens a new session once."""
        for fresh in (False, True):
            session = await self._login(cleared, fresh=fresh)
            headers = {"Authorization": f"Bearer {session['jwt']}"}
            r = await self._call(cleared, method, f"/xrpc/{nsid}", headers=headers, **kwargs)
            expired = r.status_code in (400, 401) and "ExpiredToken" in r.text
            if not expired:
                return r
        return r

    async def _parent_refs(self, cleared: Cleared) -> dict[str, Any]:
        t = cleared.approved.reply.target
        if t.cid and (t.root_cid or not t.root_uri):
            return self._refs(cleared.approved)
        r = await self._xrpc(cleared, "GET", "app.bsky.feed.getPosts", params={"uris": t.uri})
        posts = r.json().get("posts") if r.status_code == 200 else None
        if not posts:
            raise self._refuse(r, f"find the post {t.uri}", "find_post", t.uri) if r.status_code != 200 else \
                PublishError(f"bluesky: the post {t.uri} is gone; nothing to reply to",
                             code="pub.gone", values={"uri": t.uri})
        parent = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
        root = (posts[0].get("record") or {}).get("reply", {}).get("root") or parent
        return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}

    async def _dids(self, cleared: Cleared) -> dict[str, str]:
        dids: dict[str, str] = {}
        for handle in mention_handles(cleared.approved.text)[:10]:
            r = await self._xrpc(cleared, "GET", "com.atproto.identity.resolveHandle",
                                 params={"handle": handle})
            if r.status_code == 200 and r.json().get("did"):
                dids[handle] = r.json()["did"]
        return dids

    async def _send(self, cleared: Cleared) -> tuple[str, str]:
        session = await self._login(cleared)
        record = self._record(cleared.approved, await self._parent_refs(cleared),
                              await self._dids(cleared))
        r = await self._xrpc(cleared, "POST", "com.atproto.repo.createRecord",
                             json={"repo": session["did"], "collection": POST,
                                   "rkey": self._rkey(cleared.approved), "record": record})
        if r.status_code != 200:
            raise self._refuse(r, "create the post", "create_post")
        body = r.json()
        return str(body["cid"]), str(body["uri"])

    async def _find_existing(self, cleared: Cleared) -> tuple[str, str] | None:
        session = await self._login(cleared)
        r = await self._xrpc(cleared, "GET", "com.atproto.repo.getRecord",
                             params={"repo": session["did"], "collection": POST,
                                     "rkey": self._rkey(cleared.approved)})
        if r.status_code == 200:
            body = r.json()
            return str(body.get("cid", "")), str(body["uri"])
        if r.status_code == 400 and "RecordNotFound" in r.text:
            return None
        raise self._refuse(r, "check whether the post exists")


__all__ = ["BlueskyPublisher"]
