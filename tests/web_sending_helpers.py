"""A served desk that sends to a local Bluesky server (dry run off), and a person signed in to it:
shared by the tests of sending from the web desk."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import msgspec

from reale.publish.base import Account
from reale.web.serving import serving
from tests.publish_servers import FakeBluesky
from tests.web_helpers import FAST, PASSWORD, Desk, build_desk


@contextlib.contextmanager
def sending_desk(network: FakeBluesky) -> Iterator[Desk]:
    """The demo desk with Fiori's account on ``network`` and the "late" opportunity's post
    known there, served on 127.0.0.1 (``desk.url``)."""
    account = Account(name="fiori-bsky", network="bluesky", url=network.url,
                      handle="fiori.bsky.social", secret="app-pass-1234", dry_run=False)
    d = build_desk(settings=msgspec.structs.replace(FAST, accounts={"Fiori": "fiori-bsky"}),
                   accounts=(account,))
    late = d.store.query("SELECT post_uri FROM opportunities WHERE key = ?", (d.keys["late"],))[0][0]
    network.posts[late] = {"uri": late, "cid": "bafylate",
                           "record": {"$type": "app.bsky.feed.post", "text": "ordine mai arrivato"}}
    with serving(d.app) as url:
        d.url = url  # type: ignore[attr-defined]
        yield d


@contextlib.contextmanager
def signed_in(desk: Desk, name: str) -> Iterator[tuple[httpx.Client, str]]:
    """A person's browser on the served desk (one event loop, as in production)."""
    base = desk.url  # type: ignore[attr-defined]
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=20) as client:
        token = client.get("/login.json").json()["csrf"]
        client.post("/login", data={"user": name, "password": PASSWORD, "csrf": token})
        yield client, str(client.get("/me.json").json()["csrf"])
