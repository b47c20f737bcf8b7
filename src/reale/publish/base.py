"""What every publishing client shares: the approval gate, the publication log, the rate limit,
retries that never post twice, and dry-run (the default), which returns what would be sent.

A network client subclasses :class:`Publisher` and implements three hooks; every request it makes
goes through :meth:`Publisher._call`, which needs a :class:`Cleared` ticket that only
:meth:`Publisher.publish` issues after the gate has verified the approval.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol

import httpx
import msgspec

from reale.clock import Clock
from reale.desk.approval import ApprovedReply
from reale.desk.records import Publication
from reale.errors import ApprovalRequired, PublishError
from reale.foreign import Foreign
from reale.publish.limits import fits, limit_for, text_length
from reale.publish.ratelimit import RateLimiter, retry_after

Sleep = Callable[[float], Awaitable[None]]
_CLEARED = object()
_NAMESPACE = uuid.UUID("5b1f3c2e-7a0d-4f43-9e55-0c6c1b2f7a11")


class Account(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A publishing account (one ``[[publish.accounts]]`` entry of the config)."""

    name: str
    network: str  # bluesky, mastodon or x
    url: str = ""  # the PDS / instance / API base URL
    handle: str = ""  # Bluesky identifier (handle or DID)
    secret: str = ""  # app password or token, filled by the CLI from ``secret_env``
    secret_env: str = ""
    dry_run: bool = True
    capacity: float = 5  # posts allowed in a burst
    per_hour: float = 60  # sustained posts per hour
    max_wait: float = 120.0  # seconds a post may wait for the rate limit before failing
    timeout: float = 10.0
    retries: int = 3
    visibility: str = "public"  # Mastodon
    max_characters: int = 0  # 0: the network's default limit

    def __repr__(self) -> str:  # never print the secret
        return f"Account(name={self.name!r}, network={self.network!r}, url={self.url!r})"


class PublishGate(Protocol):
    """The approval side of publishing (implemented by ``ApprovalWorkflow``)."""

    def verify(self, approved: object) -> ApprovedReply: ...
    def refuse_second(self, approved: ApprovedReply, *, rehearsal: bool) -> None: ...
    def publication_for(self, reply_id: str) -> Publication | None: ...
    def claim_publication(self, approved: ApprovedReply, publication: Publication) -> None: ...
    def record_publication(self, approved: ApprovedReply, publication: Publication) -> None: ...


class Cleared:
    """A ticket saying: this approved reply passed the gate and may go out now."""

    __slots__ = ("approved", "key")

    def __init__(self, approved: ApprovedReply, key: str, _token: object = None) -> None:
        if _token is not _CLEARED or not isinstance(approved, ApprovedReply):
            raise ApprovalRequired("only Publisher.publish can clear a reply for sending",
                                   code="appr.clear_only")
        self.approved = approved
        self.key = key


class Retry(PublishError):
    """A retryable failure (used inside the retry loop); ``ambiguous``: it may have posted."""

    def __init__(self, reason: str, *, wait: float = 0.0, ambiguous: bool = False,
                 code: str = "", values: dict[str, object] | None = None) -> None:
        super().__init__(reason, code=code, values=values)
        self.wait = wait
        self.ambiguous = ambiguous


class _Unsent(PublishError):
    """Inside :meth:`Publisher.publish` only: the publication certainly did not post (no try
    was ambiguous); ``error`` is what the caller gets once it is recorded as failed."""

    def __init__(self, error: PublishError, attempts: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.attempts = attempts


def idempotency_key(reply_id: str) -> str:
    """The one idempotency key of an approved reply (stable across retries and restarts)."""
    return uuid.uuid5(_NAMESPACE, f"reale-reply:{reply_id}").hex


class Publisher:
    """Publishes approved replies for one account. Subclasses implement the network's calls."""

    network: ClassVar[str] = ""

    def __init__(self, account: Account, *, gate: PublishGate, clock: Clock,
                 limiter: RateLimiter | None = None, sleep: Sleep | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if account.network != self.network:
            raise PublishError(f"account {account.name!r} is for {account.network}, not {self.network}")
        self.account = account
        self._gate = gate
        self._clock = clock
        self._sleep: Sleep = sleep or asyncio.sleep
        self._limiter = limiter or RateLimiter(clock)
        self._limiter.configure(account.name, capacity=account.capacity, per_hour=account.per_hour)
        self._http = httpx.AsyncClient(base_url=account.url.rstrip("/"), timeout=account.timeout,
                                       transport=transport, follow_redirects=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Publisher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- hooks for the networks -----------------------------------------------------------------
    def _preview(self, approved: ApprovedReply) -> dict[str, Any]:
        """What would be sent (pure; no secrets)."""
        raise NotImplementedError

    async def _send(self, cleared: Cleared) -> tuple[str, str]:
        """Post it; return ``(remote_id, remote_uri)`` or raise :class:`Retry`/PublishError."""
        raise NotImplementedError

    async def _find_existing(self, cleared: Cleared) -> tuple[str, str] | None:
        """After an attempt that may have posted: the post if it is there."""
        raise NotImplementedError

    # -- the one way out ------------------------------------------------------------------------
    async def publish(self, approved: ApprovedReply) -> Publication:
        """Publish an approved reply (or, in dry-run, say what would be sent).

        Raises :class:`ApprovalRequired` for anything the decision log does not back, and
        :class:`PublishError` when the network refuses. Publishing twice returns the first
        publication: a reply goes out at most once.
        """
        approved = self._gate.verify(approved)
        if approved.reply.target.network != self.network or approved.reply.account != self.account.name:
            raise PublishError(f"reply {approved.reply_id} is for account {approved.reply.account!r} "
                               f"on {approved.reply.target.network}, not {self.account.name!r}",
                               code="pub.wrong_account", values={
                                   "reply": approved.reply_id,
                                   "account": repr(approved.reply.account),
                                   "network": approved.reply.target.network,
                                   "publisher": repr(self.account.name)})
        key = idempotency_key(approved.reply_id)
        prior = self._gate.publication_for(approved.reply_id)
        if prior is not None and prior.state == "sent":
            return prior
        self._check_length(approved.reply.text)
        # the last guards against answering one post twice: from here to the record below
        # nothing awaits, so two publications racing in this process cannot both pass; other
        # processes sharing the store are kept out by the claim taken with the pending record
        self._gate.refuse_second(approved, rehearsal=self.account.dry_run)
        preview = json.dumps(self._preview(approved), ensure_ascii=False, sort_keys=True)
        if self.account.dry_run:
            pub = self._publication(approved, key, "dry_run", request=preview)
            self._gate.record_publication(approved, pub)
            return pub
        cleared = Cleared(approved, key, _CLEARED)
        suspect = prior is not None and prior.state == "pending"
        self._gate.claim_publication(approved, self._publication(approved, key, "pending",
                                                                 request=preview))
        try:
            return await self._attempts(cleared, preview, suspect)
        except _Unsent as exc:  # certainly not posted: give the post's claim back
            self._gate.record_publication(approved, self._publication(
                approved, key, "failed", request=preview, attempts=exc.attempts))
            raise exc.error from None

    def _check_length(self, text: str) -> None:
        """Refuse, before any request (dry run too), a text the network would refuse as too long:
        the network's limit, or the account's ``max_characters`` (a Mastodon instance's own)."""
        limit = self.account.max_characters or limit_for(self.network)
        if not fits(self.network, text, limit):
            who = self.account.name if self.account.max_characters else self.network
            raise PublishError(f"the reply is {text_length(self.network, text)} characters "
                               f"({len(text.encode('utf-8'))} bytes); {who} takes {limit}: "
                               "shorten it and approve it again", code="pub.too_long", values={
                                   "n": text_length(self.network, text),
                                   "size": len(text.encode("utf-8")), "who": who, "most": limit})

    def _publication(self, approved: ApprovedReply, key: str, state: str, *, request: str = "",
                     remote: tuple[str, str] = ("", ""), attempts: int = 0) -> Publication:
        return Publication(reply_id=approved.reply_id, network=self.network,
                           account=self.account.name, state=state, idempotency_key=key,
                           decision_id=approved.decision_id, remote_id=remote[0],
                           remote_uri=remote[1], attempts=attempts, at=self._clock.now(),
                           request=request)

    async def _attempts(self, cleared: Cleared, preview: str, suspect: bool) -> Publication:
        """Try until sent or out of retries. A failure when no try may have posted is raised as
        :class:`_Unsent` (the caller records it as failed); otherwise as :class:`PublishError`."""
        last, reason = "", _reason(None)
        for attempt in range(1, self.account.retries + 2):
            try:
                found = await self._find_existing(cleared) if suspect else None
                if found is None:
                    await self._wait_for_slot()
                    found = await self._send(cleared)
            except Retry as exc:
                suspect = suspect or exc.ambiguous
                last, reason = str(exc), _reason(exc)
                await self._sleep(max(exc.wait, min(30.0, 2.0 ** (attempt - 1))))
                continue
            except PublishError as exc:
                raise exc if suspect else _Unsent(exc, attempt) from exc
            pub = self._publication(cleared.approved, cleared.key, "sent", request=preview,
                                    remote=found, attempts=attempt)
            self._gate.record_publication(cleared.approved, pub)
            return pub
        error = PublishError(f"{self.network} account {self.account.name!r}: gave up on reply "
                             f"{cleared.approved.reply_id} after {self.account.retries + 1} "
                             f"attempts ({last}); it was not posted twice, retry later",
                             code="pub.gave_up", values={
                                 "network": self.network, "account": repr(self.account.name),
                                 "reply": cleared.approved.reply_id,
                                 "tries": self.account.retries + 1, "last": reason})
        raise error if suspect else _Unsent(error, self.account.retries + 1)

    async def _wait_for_slot(self) -> None:
        bucket = self._limiter.bucket(self.account.name)
        while (wait := bucket.take()) > 0:
            if wait > self.account.max_wait:
                raise PublishError(f"{self.account.name}: rate limit reached; the next post can go "
                                   f"in {wait:.0f} s (over max_wait={self.account.max_wait:.0f} s)",
                                   code="pub.rate_limit", values={
                                       "account": self.account.name, "wait": f"{wait:.0f}",
                                       "most": f"{self.account.max_wait:.0f}"})
            await self._sleep(wait)

    async def _call(self, cleared: Cleared, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """The only place a request leaves: it needs a :class:`Cleared` ticket."""
        if not isinstance(cleared, Cleared):
            raise ApprovalRequired("a network call needs a reply cleared by Publisher.publish",
                                   code="appr.needs_cleared")
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Retry(f"timed out ({type(exc).__name__})", ambiguous=True,
                        code="pub.retry.timeout", values={"error": type(exc).__name__}) from exc
        except httpx.TransportError as exc:
            raise Retry(f"connection failed ({type(exc).__name__})", ambiguous=True,
                        code="pub.retry.connection", values={"error": type(exc).__name__}
                        ) from exc
        if response.status_code == 429:
            wait = retry_after(response.headers, self._clock.now())
            self._limiter.bucket(self.account.name).block_for(wait)
            if wait > self.account.max_wait:
                raise PublishError(f"{self.account.name}: {self.network} says slow down for "
                                   f"{wait:.0f} s (over max_wait); try again later",
                                   code="pub.slow_down", values={
                                       "account": self.account.name, "network": self.network,
                                       "wait": f"{wait:.0f}"})
            raise Retry(f"rate limited (429), waiting {wait:.0f} s", wait=wait,
                        code="pub.retry.rate", values={"wait": f"{wait:.0f}"})
        if response.status_code >= 500:
            raise Retry(f"server error {response.status_code}", ambiguous=True,
                        code="pub.retry.server", values={"http": response.status_code})
        return response

    def _refuse(self, response: httpx.Response, what: str, action: str = "",
                uri: str = "") -> PublishError:
        """A clear error for a 4xx answer (auth failures say which credential to check);
        ``action`` names ``what`` for the desk's words (``pub.what.<action>``, with ``uri``)."""
        detail = _detail(response)
        if response.status_code in (401, 403):
            secret = self.account.secret_env or "its secret"
            return PublishError(f"{self.network} refused the credentials of account "
                                f"{self.account.name!r} ({response.status_code}: {detail}); check "
                                f"{secret}", code="pub.credentials", values={
                                    "network": self.network, "account": repr(self.account.name),
                                    "http": response.status_code, "detail": Foreign(detail),
                                    "secret": self.account.secret_env
                                    or {"key": "pub.its_secret"}})
        return PublishError(f"{self.network} refused to {what} ({response.status_code}: {detail})",
                            code="pub.refused", values={"network": self.network,
                                                        "what": {"key": f"pub.what.{action}",
                                                                 "uri": uri} if action else what,
                                                        "http": response.status_code,
                                                        "detail": Foreign(detail)})


def _reason(exc: Retry | None) -> object:
    """Why a try failed, for the last words of "gave up after N attempts (…)": the desk's own
    words where the reason has a code, else the text as written (a network's, marked so)."""
    if exc is None:
        return ""
    return {"key": exc.code, **exc.values} if exc.code else Foreign(str(exc))


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail", "title"):
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])[:200]
    return json.dumps(body)[:200]


__all__ = ["Account", "Cleared", "PublishGate", "Publisher", "Retry", "idempotency_key"]
