"""X: ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id`` (an OAuth 2.0 user access token).

X has no idempotency key, so after an attempt that may have gone through (a timeout, a 5xx, a
"duplicate content" refusal) the client looks for the reply in the account's recent posts first.
"""

from __future__ import annotations

import re
from typing import Any

from reale.desk.approval import ApprovedReply
from reale.errors import PublishError
from reale.publish.base import Cleared, Publisher, Retry

_URL = re.compile(r"https?://\S+")


def _same_text(a: str, b: str) -> bool:
    """X rewrites links to t.co and may unescape entities: compare the rest."""
    def norm(s: str) -> str:
        return " ".join(_URL.sub("", s.replace("&amp;", "&")).split())
    return norm(a) == norm(b)


class XPublisher(Publisher):
    """Replies from one X account."""

    network = "x"

    @staticmethod
    def _tweet_id(approved: ApprovedReply) -> str:
        target = approved.reply.target
        tweet = target.remote_id or target.uri.rsplit("/", 1)[-1]
        if not tweet.isdigit():
            raise PublishError(f"cannot reply on X to {target.uri!r}: no tweet id in it",
                               code="pub.no_tweet_id", values={"uri": repr(target.uri)})
        return tweet

    def _body(self, approved: ApprovedReply) -> dict[str, Any]:
        return {"text": approved.text, "reply": {"in_reply_to_tweet_id": self._tweet_id(approved)}}

    def _preview(self, approved: ApprovedReply) -> dict[str, Any]:
        return {"method": "POST", "url": f"{self.account.url.rstrip('/')}/2/tweets",
                "json": self._body(approved)}

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.secret}"}

    async def _send(self, cleared: Cleared) -> tuple[str, str]:
        r = await self._call(cleared, "POST", "/2/tweets", headers=self._auth(),
                             json=self._body(cleared.approved))
        if r.status_code == 403 and "duplicate" in r.text.lower():
            raise Retry("X says the post is a duplicate: it may be there already", ambiguous=True,
                        code="pub.retry.duplicate")
        if r.status_code not in (200, 201):
            raise self._refuse(r, "create the post", "create_post")
        tweet = r.json()["data"]["id"]
        return str(tweet), f"x://tweet/{tweet}"

    async def _find_existing(self, cleared: Cleared) -> tuple[str, str] | None:
        me = await self._call(cleared, "GET", "/2/users/me", headers=self._auth())
        if me.status_code != 200:
            raise self._refuse(me, "look up the account", "lookup_account")
        user_id = me.json()["data"]["id"]
        r = await self._call(cleared, "GET", f"/2/users/{user_id}/tweets", headers=self._auth(),
                             params={"max_results": "20", "tweet.fields": "referenced_tweets"})
        if r.status_code != 200:
            raise self._refuse(r, "list the account's recent posts", "list_recent")
        parent = self._tweet_id(cleared.approved)
        for tweet in r.json().get("data") or []:
            refs = tweet.get("referenced_tweets") or []
            replied = any(ref.get("type") == "replied_to" and ref.get("id") == parent for ref in refs)
            if replied and _same_text(tweet.get("text", ""), cleared.approved.text):
                return str(tweet["id"]), f"x://tweet/{tweet['id']}"
        return None


__all__ = ["XPublisher"]
