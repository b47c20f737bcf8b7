"""Nothing is ever published without a recorded approval, and no code path can.

1. Every public callable of the ``reale.publish`` package is found by introspection. Each one
   that takes an ``ApprovedReply`` is called with every kind of unapproved thing, against live
   local servers of all three networks with dry-run off: each refuses, and no request arrives.
   Every other public callable must be on a reviewed list of things that cannot send.
2. The source is checked: the HTTP client is used in one place (``Publisher._call``), which
   needs a ``Cleared`` ticket, and only ``Publisher.publish`` issues one, after the gate.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

import reale.publish
from reale.clock import ManualClock
from reale.desk.approval import ApprovalWorkflow, ApprovedReply
from reale.desk.records import Decision, Target, digest
from reale.errors import ApprovalRequired
from reale.publish.base import Account, Cleared, Publisher
from reale.publish.factory import PublisherPool, publisher_for
from tests.desk_helpers import T0, get_approved, sleeper, team
from tests.publish_servers import FakeBluesky, FakeMastodon, FakeX, LocalServer

# Public callables that take no ApprovedReply, each reviewed: none of them can send a post.
CANNOT_SEND = {
    "reale.publish.base.Account": "a frozen config record",
    "reale.publish.base.Retry": "an exception",
    "reale.publish.base.idempotency_key": "pure: a uuid5 of the reply id",
    "reale.publish.base.Publisher": "constructor: builds an HTTP client, sends nothing",
    "reale.publish.base.Publisher.aclose": "closes the HTTP client",
    "reale.publish.bluesky.BlueskyPublisher": "constructor, as Publisher",
    "reale.publish.bluesky.BlueskyPublisher.aclose": "closes the HTTP client",
    "reale.publish.mastodon.MastodonPublisher": "constructor, as Publisher",
    "reale.publish.mastodon.MastodonPublisher.aclose": "closes the HTTP client",
    "reale.publish.x.XPublisher": "constructor, as Publisher",
    "reale.publish.x.XPublisher.aclose": "closes the HTTP client",
    "reale.publish.factory.PublisherPool": "constructor: builds publishers, sends nothing",
    "reale.publish.factory.PublisherPool.aclose": "closes the publishers",
    "reale.publish.factory.accounts_from_config": "pure: parses config",
    "reale.publish.factory.publisher_for": "constructor lookup",
    "reale.publish.facets.facets": "pure: text to facets",
    "reale.publish.facets.mention_handles": "pure: text to handles",
    "reale.publish.limits.fits": "pure: length check",
    "reale.publish.limits.graphemes": "pure: counting",
    "reale.publish.limits.limit_for": "pure: a table lookup",
    "reale.publish.limits.mastodon_length": "pure: counting",
    "reale.publish.limits.text_length": "pure: counting",
    "reale.publish.limits.x_length": "pure: counting",
    "reale.publish.ratelimit.RateLimiter": "state: token buckets",
    "reale.publish.ratelimit.RateLimiter.bucket": "state",
    "reale.publish.ratelimit.RateLimiter.configure": "state",
    "reale.publish.ratelimit.TokenBucket": "state",
    "reale.publish.ratelimit.TokenBucket.available": "state (the shared reale.token_bucket)",
    "reale.publish.ratelimit.TokenBucket.block_for": "state",
    "reale.publish.ratelimit.TokenBucket.take": "state",
    "reale.publish.ratelimit.TokenBucket.try_take": "state (the shared reale.token_bucket)",
    "reale.publish.ratelimit.TokenBucket.wait_time": "state",
    "reale.publish.ratelimit.retry_after": "pure: header parsing",
    "reale.publish.tid.tid": "pure: encoding",
    "reale.publish.tid.tid_for": "pure: encoding",
}


def public_callables() -> Iterator[tuple[str, Any, Callable[..., Any]]]:
    """(dotted name, owning class or None, callable) for everything public in reale.publish."""
    for info in pkgutil.walk_packages(reale.publish.__path__, "reale.publish."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", None, obj
            elif inspect.isclass(obj) and not getattr(obj, "_is_protocol", False):  # not interfaces
                yield f"{module.__name__}.{name}", None, obj
                for meth_name, meth in inspect.getmembers(obj, callable):
                    ours = (getattr(meth, "__module__", None) or "").startswith("reale.")
                    if ours and not meth_name.startswith("_") and not inspect.isclass(meth):
                        yield f"{module.__name__}.{name}.{meth_name}", obj, meth


def takes_approved(fn: Callable[..., Any]) -> bool:
    target = fn.__init__ if inspect.isclass(fn) else fn
    try:
        hints = typing.get_type_hints(target)
    except Exception:
        return False
    return any(h is ApprovedReply for k, h in hints.items() if k != "return")


def test_every_public_callable_is_gated_or_reviewed() -> None:
    gated, ungated = [], []
    for name, _owner, fn in public_callables():
        (gated if takes_approved(fn) else ungated).append(name)
    unknown = sorted(set(ungated) - set(CANNOT_SEND))
    assert unknown == [], f"new public callables in reale.publish: gate them or review them: {unknown}"
    assert {"reale.publish.bluesky.BlueskyPublisher.publish",
            "reale.publish.mastodon.MastodonPublisher.publish",
            "reale.publish.x.XPublisher.publish",
            "reale.publish.factory.PublisherPool.publish"} <= set(gated)


class Forger:
    """Every way we could think of to get an unapproved reply past a publisher."""

    def __init__(self, wf: ApprovalWorkflow, targets: dict[str, Target]) -> None:
        self.wf, self.targets = wf, targets

    def _draft(self, network: str, text: str = "Ciao!") -> str:
        # several replies to one post, each approved: written as further replies on purpose
        # (else the desk refuses the second one before any forgery is tried)
        return self.wf.draft("rita", brand="Fiori", account=f"acc-{network}",
                             target=self.targets[network], text=text, further=True).id

    def things(self, network: str) -> Iterator[tuple[str, object]]:
        wf = self.wf
        rid = self._draft(network)
        reply = wf.repository.get_reply(rid)
        assert reply is not None
        yield "nothing", None
        yield "a dict", {"text": "hi", "reply_id": rid}
        yield "a draft Reply", reply
        duck = type("Duck", (), {"reply": reply, "reply_id": rid, "text": reply.text,
                                 "decision_id": "id0001", "approved_by": "aldo",
                                 "approved_at": T0, "_seal": "0" * 64})()
        yield "a look-alike object", duck
        bare = ApprovedReply.__new__(ApprovedReply)
        for k, v in (("reply", reply), ("decision_id", "id0001"), ("approved_by", "aldo"),
                     ("approved_at", T0), ("_seal", "0" * 64)):
            object.__setattr__(bare, k, v)
        yield "an ApprovedReply built without the constructor", bare

        wf.submit("rita", rid)  # submitted, never approved: mint with a made-up decision
        fake = Decision(id="made-up", reply_id=rid, action="approve", actor="aldo",
                        role="approver", at=T0, text_digest=digest(reply.text))
        yield "a submitted reply sealed with the right key", wf._mint(reply, fake)

        rogue = wf.repository.decisions(rid)[-1]  # a responder's decision, relabelled
        forged = msgspec.structs.replace(rogue, action="approve")
        yield "a responder's decision passed off as an approval", wf._mint(reply, forged)

        other = team()  # another desk with its own key and log
        yield "an approval from another desk", get_approved(
            other, account=f"acc-{network}", target=self.targets[network], text="Ciao!")

        approved = wf.approve("aldo", rid)
        tampered = msgspec.structs.replace(approved.reply, text="Buy now!!!")
        twisted = wf._mint(approved.reply, wf.repository.get_decision(approved.decision_id))  # type: ignore[arg-type]
        object.__setattr__(twisted, "reply", tampered)
        yield "a real approval with its text changed", twisted

        rid2 = self._draft(network, "Ciao di nuovo!")
        wf.submit("rita", rid2)
        later = wf.approve("aldo", rid2)
        wf.edit("rita", rid2, "Ciao, cambiato dopo!")
        yield "an approval of a reply edited afterwards", later

        rid3 = self._draft(network, "Terzo")
        wf.submit("rita", rid3)
        erased = wf.approve("aldo", rid3)
        conn = wf.repository._conn  # type: ignore[attr-defined]
        conn.execute("DELETE FROM desk_decisions WHERE id = ?", (erased.decision_id,))
        conn.commit()
        yield "an approval erased from the decision log", erased


def test_approved_reply_cannot_be_built_copied_or_changed() -> None:
    wf = team()
    approved = get_approved(wf, account="a", target=Target(network="x", uri="x://tweet/1"), text="hi")
    with pytest.raises(ApprovalRequired):
        ApprovedReply(reply=approved.reply, decision_id=approved.decision_id, approved_by="aldo",
                      approved_at=T0, seal="f" * 64)
    with pytest.raises(ApprovalRequired):
        approved.reply = approved.reply  # type: ignore[misc]
    import copy
    import pickle
    with pytest.raises(ApprovalRequired):
        copy.copy(approved)
    with pytest.raises(ApprovalRequired):
        pickle.dumps(approved)
    with pytest.raises(ApprovalRequired):
        Cleared(approved, "key")


def test_no_public_entry_point_publishes_anything_unapproved() -> None:
    asyncio.run(_walk_entry_points())


async def _walk_entry_points() -> None:
    clock = ManualClock(T0)
    wf = team(clock)
    with FakeBluesky() as bsky, FakeMastodon({"id": "1"}) as masto, FakeX() as xs:
        servers: dict[str, LocalServer] = {"bluesky": bsky, "mastodon": masto, "x": xs}
        secrets = {"bluesky": bsky.password, "mastodon": masto.token, "x": xs.token}
        accounts = {n: Account(name=f"acc-{n}", network=n, url=s.url, handle=bsky.handle,
                               secret=secrets[n], dry_run=False) for n, s in servers.items()}
        targets = {"bluesky": Target(network="bluesky", uri="at://did:plc:a/app.bsky.feed.post/1",
                                     cid="bafyx"),
                   "mastodon": Target(network="mastodon", uri=f"{masto.url}/users/a/statuses/7"),
                   "x": Target(network="x", uri="x://tweet/1394735776701816833")}
        pool = PublisherPool(tuple(accounts.values()), gate=wf, clock=clock, sleep=sleeper(clock))
        base = Publisher(Account(name="acc-bluesky", network=""), gate=wf, clock=clock)
        instances: dict[Any, Callable[[str], Any]] = {
            reale.publish.factory.PublisherPool: lambda n: pool,
            reale.publish.base.Publisher: lambda n: base,
        }
        for cls in (reale.publish.bluesky.BlueskyPublisher, reale.publish.mastodon.MastodonPublisher,
                    reale.publish.x.XPublisher):
            instances[cls] = lambda n, cls=cls: publisher_for(accounts[cls.network], gate=wf,
                                                               clock=clock, sleep=sleeper(clock))
        forger = Forger(wf, targets)
        tried = 0
        for name, owner, fn in public_callables():
            if not takes_approved(fn):
                continue
            if owner is None:  # a constructor or function taking an ApprovedReply
                extra = [p for p in inspect.signature(fn).parameters.values()
                         if p.default is inspect.Parameter.empty][1:]
                for _what, thing in forger.things("x"):
                    with pytest.raises(ApprovalRequired):
                        fn(thing, *["x"] * len(extra))
                continue
            assert owner in instances, f"{name}: a new publishing entry point; add it to this test"
            networks = [owner.network] if getattr(owner, "network", "") else list(servers)
            for network in networks:
                for what, thing in forger.things(network):
                    obj = instances[owner](network)
                    with pytest.raises(ApprovalRequired):
                        await getattr(obj, fn.__name__)(thing)
                    tried += 1
                    assert all(not s.requests for s in servers.values()), f"{name} let {what} through"
        assert tried >= 5 * 10
        await pool.aclose()
        await base.aclose()


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_the_http_client_is_reached_only_through_a_cleared_ticket() -> None:
    root = Path(reale.publish.__file__).parent
    uses, clears = [], []
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text())
        for fn in _functions(tree):
            for node in ast.walk(fn):
                if isinstance(node, ast.Attribute) and node.attr == "_http":
                    uses.append((path.name, fn.name))
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Cleared":
                    clears.append((path.name, fn.name))
    assert set(uses) == {("base.py", "__init__"), ("base.py", "_call"), ("base.py", "aclose")}
    assert clears == [("base.py", "publish")]
    params = inspect.signature(Publisher._call).parameters
    assert params["cleared"].annotation in ("Cleared", Cleared)
    source = inspect.getsource(Publisher.publish)
    assert source.index("self._gate.verify(approved)") < source.index("Cleared(")
