"""Identifiers and timestamps shaped like the AT Protocol's: DIDs, TIDs, CIDs and ISO times.

Everything is derived from the caller's random generator or from a time, so a seeded simulator
produces the same identifiers every run. The encoders are table-driven because they run per event.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

# The AT Protocol's "base32-sortable" alphabet: TIDs sort like the times they encode.
_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_PAIRS = tuple(a + b for a in _SORTABLE for b in _SORTABLE)  # 10 bits -> 2 characters
# RFC 4648 base32, lower case (multibase "b"). A random byte maps to one character uniformly
# (256 is a multiple of 32), so base32 text of random bits is one bytes.translate away.
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B32_TABLE = bytes(ord(_B32[b % 32]) for b in range(256))
# A CIDv1 is "b" + base32(4 prefix bytes + 32 digest bytes): 58 characters. The prefix bytes
# (01 71 12 20: dag-cbor, sha2-256; 01 55 12 20: raw) fill 6 characters and 2 bits of the 7th,
# whose other 3 bits are the digest's; the last character carries 3 bits and 2 zero pad bits.
_THIRD_BITS = bytes(ord(_B32[b % 8]) for b in range(256))
_LAST = bytes(ord(_B32[(b % 8) * 4]) for b in range(256))
_TID_PREFIX: dict[int, str] = {}


def tid(micros: int, clock_id: int = 0) -> str:
    """A 13-character TID for a time in microseconds since the epoch (and a 10-bit clock id).

    >>> tid(1783175888085434, 37)
    '3mptbyq5chu37'
    """
    v = (micros << 10) | (clock_id & 1023)
    high = v >> 30  # the first 7 characters change about once a second: cache them
    prefix = _TID_PREFIX.get(high)
    if prefix is None:
        if len(_TID_PREFIX) > 4096:
            _TID_PREFIX.clear()
        p = _PAIRS
        prefix = _SORTABLE[(v >> 60) & 31] + p[(v >> 50) & 1023] + p[(v >> 40) & 1023] + p[
            high & 1023]
        _TID_PREFIX[high] = prefix
    p = _PAIRS
    return prefix + p[(v >> 20) & 1023] + p[(v >> 10) & 1023] + p[v & 1023]


def tid_time(value: str) -> float:
    """The time in seconds a TID encodes (the inverse of :func:`tid`, clock id dropped)."""
    v = 0
    for ch in value:
        v = (v << 5) | _SORTABLE.index(ch)
    return (v >> 10) / 1e6


def did(rng: random.Random) -> str:
    """A ``did:plc:`` identifier: 24 base32 characters (120 random bits)."""
    return "did:plc:" + rng.randbytes(24).translate(_B32_TABLE).decode("ascii")


def _cid(prefix: str, rng: random.Random) -> str:
    raw = rng.randbytes(52)
    body = raw[1:51].translate(_B32_TABLE).decode("ascii")
    return (prefix + chr(_THIRD_BITS[raw[0]]) + body + chr(_LAST[raw[51]]))


def cid(rng: random.Random) -> str:
    """A CIDv1 (dag-cbor, sha-256) string, ``bafyrei…``, 59 characters."""
    return _cid("bafyrei", rng)


def blob_cid(rng: random.Random) -> str:
    """A raw-codec CID as used for image blobs, ``bafkrei…``."""
    return _cid("bafkrei", rng)


def iso(seconds: float) -> str:
    """``2026-03-20T09:30:00.123Z``: the millisecond UTC format Bluesky clients write."""
    dt = datetime.fromtimestamp(seconds, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class IsoCache:
    """:func:`iso` for a stream of nearby times: each second's date-time part is formatted once."""

    __slots__ = ("_prefixes",)

    def __init__(self) -> None:
        self._prefixes: dict[int, str] = {}

    def __call__(self, seconds: float) -> str:
        whole = int(seconds)
        prefix = self._prefixes.get(whole)
        if prefix is None:
            if len(self._prefixes) > 256:
                self._prefixes.clear()
            prefix = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
            self._prefixes[whole] = prefix
        return f"{prefix}{int((seconds - whole) * 1000):03d}Z"


def parse_iso(value: str) -> float:
    """Seconds since the epoch for an ISO-8601 time (``Z`` or offset; no zone means UTC)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
