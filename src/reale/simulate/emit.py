"""Turns "account i did X at time t" into a Jetstream line, with consistent ids and times.

The ``rev`` TID carries the relay's time (``time_us``), the ``rkey`` TID the client's
``createdAt`` (a little earlier, as on the real network). An account's first commit is preceded
by an identity event carrying its handle, so a consumer can name authors without a profile call.
"""

from __future__ import annotations

import random

from reale.simulate import ids, wire
from reale.simulate.authors import Directory
from reale.simulate.records import (
    POST,
    AspectRatio,
    Blob,
    BlobLink,
    EmbedExternal,
    EmbedImages,
    EmbedRecord,
    External,
    Image,
    PostRecord,
    ReplyRef,
    StrongRef,
    encode_record,
)
from reale.simulate.richtext import detect
from reale.simulate.text import Link


class Ref:
    """A simulated post that later events can point at (reply, quote, repost, like)."""

    __slots__ = ("author", "cid", "lang", "last_cid", "last_uri", "uri")

    def __init__(self, uri: str, cid: str, author: int, lang: str) -> None:
        self.uri, self.cid, self.author, self.lang = uri, cid, author, lang
        self.last_uri, self.last_cid = uri, cid  # the latest reply in its thread

    def strong(self) -> StrongRef:
        return StrongRef(cid=self.cid, uri=self.uri)


class Emitter:
    """Builds lines for one timeline; ``pending`` holds identity lines to send first."""

    def __init__(self, rng: random.Random, directory: Directory, identities: bool = True) -> None:
        self.rng = rng
        self.dir = directory
        self.identities = identities
        self.pending: list[str] = []
        self.announce = True  # off while scripted events are built ahead of their time
        self._seen = bytearray()
        self._seq = 31_527_000_000
        self._created_iso = ids.IsoCache()
        self._iso = ids.IsoCache()

    # -- identities ---------------------------------------------------------------------------
    def touch(self, i: int, time_us: int, t: float) -> None:
        """Announce account ``i``'s handle the first time it acts."""
        if not (self.identities and self.announce):
            return
        seen = self._seen
        if i >= len(seen):
            seen.extend(bytes(len(self.dir) + 1024 - len(seen)))
        if not seen[i]:
            seen[i] = 1
            self._seq += 1
            self.pending.append(wire.identity_line(self.dir.dids[i], time_us, self.dir.handles[i],
                                                   self._seq, self._iso(t)))

    def stamp(self, i: int, t: float) -> tuple[int, str, str, str, float]:
        """``(time_us, rev, rkey, createdAt, created)`` for account ``i`` acting at ``t``."""
        time_us = int(t * 1_000_000)
        created = t - min(self.rng.expovariate(1.25), 6.0)
        clock = i & 1023
        self.touch(i, time_us, t)
        return (time_us, ids.tid(time_us, clock), ids.tid(int(created * 1_000_000), clock),
                self._created_iso(created), created)

    def resolve(self, handle: str) -> str | None:
        i = self.dir.by_handle.get(handle)
        return self.dir.dids[i] if i is not None else None

    # -- records ------------------------------------------------------------------------------
    def post(self, i: int, t: float, text: str, langs: list[str] | None, *,
             reply: tuple[StrongRef, StrongRef] | None = None, quote: Ref | None = None,
             link: Link | None = None, image: bool = False) -> tuple[str, str, str]:
        """A post (or reply, or quote) by account ``i``; returns ``(line, uri, cid)``."""
        time_us, rev, rkey, created, _ = self.stamp(i, t)
        links: list[tuple[int, int, str]] = []
        embed: EmbedRecord | EmbedExternal | EmbedImages | None = None
        if link is not None:
            text = f"{text}\n\n{link.display}" if self.rng.random() < 0.6 else f"{text} {link.display}"
            links.append((len(text) - len(link.display), len(text), link.uri))
            embed = EmbedExternal(external=External(description="", title=link.title, uri=link.uri))
        if quote is not None:
            embed = EmbedRecord(record=quote.strong())
        elif image and embed is None:
            embed = self._images()
        facets = detect(text, self.resolve, links) or None
        record = PostRecord(type=POST, createdAt=created, embed=embed, facets=facets, langs=langs,
                            reply=ReplyRef(parent=reply[0], root=reply[1]) if reply else None,
                            text=text)
        did = self.dir.dids[i]
        cid = ids.cid(self.rng)
        line = wire.commit_line(did, time_us, rev, POST, rkey, encode_record(record), cid)
        return line, wire.post_uri(did, rkey), cid

    def _images(self) -> EmbedImages:
        rng = self.rng
        w, h = rng.choice(((4000, 3000), (1080, 1350), (1170, 2532), (1600, 900), (889, 889)))
        blob = Blob(ref=BlobLink(link=ids.blob_cid(rng)), mimeType="image/jpeg",
                    size=rng.randint(40_000, 2_000_000))
        return EmbedImages(images=[Image(alt="", aspectRatio=AspectRatio(height=h, width=w),
                                         image=blob)])

    def subject(self, i: int, t: float, collection: str, subject_uri: str, subject_cid: str,
                via: tuple[str, str] | None = None) -> tuple[str, str, str]:
        """A like or repost of a post; returns ``(line, uri, cid)``."""
        time_us, rev, rkey, created, _ = self.stamp(i, t)
        did = self.dir.dids[i]
        cid = ids.cid(self.rng)
        record = wire.subject_record(collection, created, subject_cid, subject_uri, via)
        return (wire.commit_line(did, time_us, rev, collection, rkey, record, cid),
                wire.post_uri(did, rkey, collection), cid)

    def graph(self, i: int, t: float, collection: str, subject_did: str) -> str:
        """A follow or block of another account."""
        time_us, rev, rkey, created, _ = self.stamp(i, t)
        record = wire.graph_record(collection, created, subject_did)
        return wire.commit_line(self.dir.dids[i], time_us, rev, collection, rkey, record,
                                ids.cid(self.rng))

    def delete(self, i: int, t: float, collection: str, age: float) -> str:
        """The deletion of one of account ``i``'s records created ``age`` seconds earlier."""
        time_us, rev, _, _, _ = self.stamp(i, t)
        rkey = ids.tid(int((t - age) * 1_000_000), i & 1023)
        return wire.delete_line(self.dir.dids[i], time_us, rev, collection, rkey)

    def identity(self, i: int, t: float) -> str:
        self._seq += 1
        return wire.identity_line(self.dir.dids[i], int(t * 1_000_000), self.dir.handles[i],
                                  self._seq, self._iso(t))

    def account(self, i: int, t: float) -> str:
        self._seq += 1
        return wire.account_line(self.dir.dids[i], int(t * 1_000_000), self._seq, self._iso(t))

    def old_post(self, t: float, max_age: float = 3 * 86_400.0) -> tuple[str, str]:
        """``(uri, cid)`` of a post from before the stream began (what most likes point at)."""
        rng = self.rng
        j = rng.randrange(len(self.dir.dids))
        age = 60.0 + rng.random() ** 2 * max_age
        rkey = ids.tid(int((t - age) * 1_000_000), j & 1023)
        return wire.post_uri(self.dir.dids[j], rkey), ids.cid(rng)
